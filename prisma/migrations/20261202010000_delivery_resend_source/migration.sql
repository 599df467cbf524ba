-- "Resend all failed since …" can be narrowed to one source kind (event rules, schedules, …) or
-- one source (a rule's or schedule's ARN), as the deliveries dashboard is (NULL: every source).
ALTER TABLE "delivery_resends" ADD COLUMN "source_kind" TEXT;
ALTER TABLE "delivery_resends" ADD COLUMN "source_arn" TEXT;
