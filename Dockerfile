# shortsmith: bot, render worker and scheduler. Same image for every role; the command picks one.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
# Toolchain for native modules (better-sqlite3) when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY prisma ./prisma
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
# Debian's ffmpeg (libx264, libass, all filters we use), fonts for libass fallbacks, and Festival
# with its HTS voice: clearer than eSpeak and offline, so it is the image's default voice.
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg fonts-dejavu-core tini festival festvox-us-slt-hts \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production DATA_DIR=/data VOICE_ENGINE=festival
COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/generated ./generated
COPY . .
RUN mkdir -p /data && chown -R node:node /data
USER node
VOLUME ["/data"]
# Migrations are applied by every command that opens the database, so start-up migrates.
# Roles: `start` (bots + worker), `start --role bot`, `start --role worker`; also `doctor`, `migrate`.
ENTRYPOINT ["tini", "--", "node", "bin/shortsmith.js"]
CMD ["start"]
