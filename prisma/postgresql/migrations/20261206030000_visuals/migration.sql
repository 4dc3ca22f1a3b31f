-- What a project's scenes show (stock footage, AI pictures, offline art), and a chat's default for it.

-- AlterTable
ALTER TABLE "Project" ADD COLUMN "visuals" TEXT;

-- AlterTable
ALTER TABLE "ChatSettings" ADD COLUMN "defaultVisuals" TEXT;
