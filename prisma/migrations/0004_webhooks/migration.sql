-- Notification webhooks and their delivery log.
CREATE TABLE "webhooks" (
  "id" TEXT PRIMARY KEY,
  "name" TEXT NOT NULL,
  "url" TEXT NOT NULL,
  "secret" TEXT NOT NULL,
  "events" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
  "enabled" BOOLEAN NOT NULL DEFAULT true,
  "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE "webhook_deliveries" (
  "id" BIGSERIAL PRIMARY KEY,
  "webhook_id" TEXT NOT NULL REFERENCES "webhooks"("id") ON DELETE CASCADE ON UPDATE CASCADE,
  "event" TEXT NOT NULL,
  "payload" JSONB NOT NULL,
  "status" INTEGER,
  "ok" BOOLEAN NOT NULL DEFAULT false,
  "error" TEXT,
  "duration_ms" INTEGER,
  "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX "webhook_deliveries_webhook_id_id_idx" ON "webhook_deliveries"("webhook_id", "id");
