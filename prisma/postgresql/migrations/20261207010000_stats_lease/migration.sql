-- A worker reading a post's numbers holds it for a while: two workers never read it twice.

-- AlterTable
ALTER TABLE "Publication" ADD COLUMN "statsLeaseUntil" TIMESTAMP(3);
