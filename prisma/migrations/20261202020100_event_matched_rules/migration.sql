-- Events remember WHICH rules they matched (the explorer's trace starts from these ARNs), not just
-- how many: a count cannot say which rule's invocations belong to an event once rules change.
ALTER TABLE "events" ALTER COLUMN "matched_rules" DROP DEFAULT;
ALTER TABLE "events" ALTER COLUMN "matched_rules" TYPE TEXT[] USING '{}'::text[];
ALTER TABLE "events" ALTER COLUMN "matched_rules" SET DEFAULT '{}';
