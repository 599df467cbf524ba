-- "Resend all failed since …" can be narrowed to one source kind (event rules, schedules, …), as
-- the deliveries dashboard is (NULL: every source).
ALTER TABLE "delivery_resends" ADD COLUMN "source_kind" TEXT;
