-- Worker processes and their heartbeats: a live worker finds a dead one and takes its work back.

-- CreateTable
CREATE TABLE "WorkerNode" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "host" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "jobPoolId" TEXT,
    "listenPort" INTEGER,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeatAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "WorkerNode_heartbeatAt_idx" ON "WorkerNode"("heartbeatAt");
