-- Worker processes and their heartbeats: a live worker finds a dead one and takes its work back.

-- CreateTable
CREATE TABLE "WorkerNode" (
    "id" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "jobPoolId" TEXT,
    "listenPort" INTEGER,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeatAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WorkerNode_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "WorkerNode_heartbeatAt_idx" ON "WorkerNode"("heartbeatAt");
