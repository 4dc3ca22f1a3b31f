-- Scheduling and publishing: one Publication row per run and target, and the chat settings
-- scheduling needs (time zone, webhook URL).

-- AlterTable
ALTER TABLE "ChatSettings" ADD COLUMN "timezone" TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE "ChatSettings" ADD COLUMN "webhookUrl" TEXT;

-- CreateTable
CREATE TABLE "Publication" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "runId" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "targetRef" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'scheduled',
    "dueAt" DATETIME NOT NULL,
    "nextAttemptAt" DATETIME NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "claimedBy" TEXT,
    "leaseUntil" DATETIME,
    "handoffJson" TEXT NOT NULL DEFAULT '{}',
    "externalId" TEXT,
    "externalUrl" TEXT,
    "lastError" TEXT,
    "postedAt" DATETIME,
    "requestedByUserId" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Publication_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Publication_runId_target_key" ON "Publication"("runId", "target");

-- CreateIndex
CREATE INDEX "Publication_status_nextAttemptAt_idx" ON "Publication"("status", "nextAttemptAt");
