-- Topic attributes that SNS stores and echoes back (GetTopicAttributes), without behaviour here.
ALTER TABLE "topics" ADD COLUMN "policy" TEXT;
ALTER TABLE "topics" ADD COLUMN "kms_master_key_id" TEXT;
ALTER TABLE "topics" ADD COLUMN "tracing_config" TEXT;
ALTER TABLE "topics" ADD COLUMN "signature_version" TEXT;

-- Unsubscribe of a confirmed HTTP/S subscription sends an UnsubscribeConfirmation whose
-- SubscribeURL re-creates the subscription: the token (its sha256) maps to a snapshot of it.
CREATE TABLE "topic_resubscribe_tokens" (
    "token_hash" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "topic_id" TEXT NOT NULL,
    "subscription" JSONB NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "topic_resubscribe_tokens_pkey" PRIMARY KEY ("token_hash")
);
CREATE INDEX "topic_resubscribe_tokens_tenant_id_idx" ON "topic_resubscribe_tokens"("tenant_id");
CREATE INDEX "topic_resubscribe_tokens_expires_at_idx" ON "topic_resubscribe_tokens"("expires_at");
