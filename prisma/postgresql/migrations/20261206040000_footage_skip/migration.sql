-- Stock footage results a scene passes over (Swap clip).

-- AlterTable
ALTER TABLE "Scene" ADD COLUMN "footageSkip" INTEGER NOT NULL DEFAULT 0;
