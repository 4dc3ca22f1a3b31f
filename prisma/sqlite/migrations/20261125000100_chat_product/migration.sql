-- What a multi-user chat product adds to the seed: ownership, per-chat settings, queue
-- bookkeeping on Run, cost, and the indexes our queries use.

-- AlterTable
ALTER TABLE "Project" ADD COLUMN "platform" TEXT NOT NULL DEFAULT 'cli';
ALTER TABLE "Project" ADD COLUMN "chatId" TEXT NOT NULL DEFAULT '';
ALTER TABLE "Project" ADD COLUMN "guildId" TEXT;
ALTER TABLE "Project" ADD COLUMN "ownerUserId" TEXT NOT NULL DEFAULT '';
ALTER TABLE "Project" ADD COLUMN "planCostMicros" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Run" ADD COLUMN "requestedByUserId" TEXT NOT NULL DEFAULT '';
ALTER TABLE "Run" ADD COLUMN "messageRefsJson" TEXT NOT NULL DEFAULT '{}';
ALTER TABLE "Run" ADD COLUMN "failureReason" TEXT;
ALTER TABLE "Run" ADD COLUMN "costMicros" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Run" ADD COLUMN "attempt" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Run" ADD COLUMN "claimedBy" TEXT;
ALTER TABLE "Run" ADD COLUMN "heartbeatAt" DATETIME;
ALTER TABLE "Run" ADD COLUMN "cancelRequested" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "ChatSettings" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "platform" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "approverRoleIdsJson" TEXT NOT NULL DEFAULT '[]',
    "approverUserIdsJson" TEXT NOT NULL DEFAULT '[]',
    "defaultNichePackId" TEXT,
    "defaultVoicePreset" TEXT,
    "defaultTargetLengthSec" INTEGER,
    "defaultTempo" TEXT,
    "defaultLanguage" TEXT,
    "publishChannelId" TEXT,
    "dailyRenderQuota" INTEGER NOT NULL DEFAULT 20,
    "maxDraftsPerUser" INTEGER NOT NULL DEFAULT 5,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "ChatSettings_platform_chatId_key" ON "ChatSettings"("platform", "chatId");

-- CreateIndex
CREATE INDEX "Project_status_idx" ON "Project"("status");

-- CreateIndex
CREATE INDEX "Project_platform_chatId_createdAt_idx" ON "Project"("platform", "chatId", "createdAt");

-- CreateIndex
CREATE INDEX "Project_ownerUserId_status_idx" ON "Project"("ownerUserId", "status");

-- CreateIndex
CREATE INDEX "PlanVersion_projectId_createdAt_idx" ON "PlanVersion"("projectId", "createdAt");

-- CreateIndex
CREATE INDEX "Scene_planVersionId_idx_idx" ON "Scene"("planVersionId", "idx");

-- CreateIndex
CREATE INDEX "Run_status_idx" ON "Run"("status");

-- CreateIndex
CREATE INDEX "Run_createdAt_idx" ON "Run"("createdAt" DESC);

-- CreateIndex
CREATE INDEX "Run_projectId_createdAt_idx" ON "Run"("projectId", "createdAt");

-- CreateIndex
CREATE INDEX "Run_status_scheduledPublishAt_idx" ON "Run"("status", "scheduledPublishAt");
