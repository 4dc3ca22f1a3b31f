-- The seed data model as published: Project, PlanVersion, Scene, Run, Cache.

-- CreateTable
CREATE TABLE "Project" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "nichePackId" TEXT NOT NULL,
    "language" TEXT NOT NULL DEFAULT 'en',
    "targetLengthSec" INTEGER NOT NULL DEFAULT 60,
    "tempo" TEXT NOT NULL DEFAULT 'normal',
    "voicePreset" TEXT NOT NULL DEFAULT 'alloy',
    "visualStylePreset" TEXT,
    "seoKeywords" TEXT,
    "status" TEXT NOT NULL DEFAULT 'DRAFT_PLAN',
    "latestPlanVersionId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Project_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PlanVersion" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "hookOptionsJson" TEXT NOT NULL DEFAULT '[]',
    "hookSelected" TEXT NOT NULL DEFAULT '',
    "outline" TEXT NOT NULL DEFAULT '',
    "scriptFull" TEXT NOT NULL DEFAULT '',
    "scriptTemplateId" TEXT,
    "estimatesJson" TEXT NOT NULL DEFAULT '{}',
    "validationJson" TEXT NOT NULL DEFAULT '{}',

    CONSTRAINT "PlanVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Scene" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "planVersionId" TEXT NOT NULL,
    "idx" INTEGER NOT NULL,
    "narrationText" TEXT NOT NULL DEFAULT '',
    "onScreenText" TEXT NOT NULL DEFAULT '',
    "visualPrompt" TEXT NOT NULL DEFAULT '',
    "negativePrompt" TEXT NOT NULL DEFAULT '',
    "effectPreset" TEXT NOT NULL DEFAULT 'slow_zoom_in',
    "durationTargetSec" DOUBLE PRECISION NOT NULL DEFAULT 5.0,
    "startTimeSec" DOUBLE PRECISION NOT NULL DEFAULT 0.0,
    "endTimeSec" DOUBLE PRECISION NOT NULL DEFAULT 5.0,
    "isLocked" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Scene_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Run" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "planVersionId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "progress" INTEGER NOT NULL DEFAULT 0,
    "currentStep" TEXT NOT NULL DEFAULT '',
    "logsJson" TEXT NOT NULL DEFAULT '[]',
    "artifactsJson" TEXT NOT NULL DEFAULT '{}',
    "resumeStateJson" TEXT NOT NULL DEFAULT '{}',
    "views" INTEGER,
    "likes" INTEGER,
    "retention" DOUBLE PRECISION,
    "postedAt" TIMESTAMP(3),
    "scheduledPublishAt" TIMESTAMP(3),
    "publishedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Cache" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "hashKey" TEXT NOT NULL,
    "resultJson" TEXT NOT NULL DEFAULT '{}',
    "payloadPath" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Cache_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Cache_hashKey_key" ON "Cache"("hashKey");

-- AddForeignKey
ALTER TABLE "PlanVersion" ADD CONSTRAINT "PlanVersion_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Scene" ADD CONSTRAINT "Scene_planVersionId_fkey" FOREIGN KEY ("planVersionId") REFERENCES "PlanVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_planVersionId_fkey" FOREIGN KEY ("planVersionId") REFERENCES "PlanVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;
