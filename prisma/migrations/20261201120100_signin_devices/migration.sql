-- Sign-in attempts remember the known device (signed cookie) they came from, so that a lock
-- strangers cause does not keep the account's own devices out (server/domains/users/sign-in.ts).
ALTER TABLE "login_attempts" ADD COLUMN "device_id" TEXT;
