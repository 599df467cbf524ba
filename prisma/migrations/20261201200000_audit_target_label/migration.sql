-- What the audit log shows for a target (a queue's, topic's or key's name, a subscription's
-- endpoint), recorded with the entry so it still reads after the target is renamed or deleted.
ALTER TABLE "audit_log" ADD COLUMN "target_label" TEXT;
