-- Readings of published videos' numbers per platform (views, likes, comments, shares over time).

-- CreateTable
CREATE TABLE "StatReading" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "publicationId" TEXT,
    "platform" TEXT NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'manual',
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "views" INTEGER NOT NULL,
    "likes" INTEGER NOT NULL DEFAULT 0,
    "comments" INTEGER,
    "shares" INTEGER,
    "recordedBy" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "StatReading_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "StatReading_runId_platform_at_idx" ON "StatReading"("runId", "platform", "at");

-- AddForeignKey
ALTER TABLE "StatReading" ADD CONSTRAINT "StatReading_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
