-- Linked TikTok and YouTube accounts (sealed tokens) and single-use OAuth states.

-- CreateTable
CREATE TABLE "LinkedAccount" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "platform" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "linkedByUserId" TEXT NOT NULL,
    "scope" TEXT NOT NULL DEFAULT '',
    "accessTokenSealed" TEXT NOT NULL,
    "refreshTokenSealed" TEXT,
    "accessExpiresAt" DATETIME,
    "refreshExpiresAt" DATETIME,
    "refreshingUntil" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "OAuthState" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "platform" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "codeVerifierSealed" TEXT NOT NULL,
    "redirectUri" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE UNIQUE INDEX "LinkedAccount_platform_chatId_provider_key" ON "LinkedAccount"("platform", "chatId", "provider");
