// A publish scheduler in its own process, for race and crash tests:
// `node --import tsx schedulerProcess.ts <DATABASE_URL> drain|serve`. drain: post what is due,
// then exit; serve: tick until killed. Prints one JSON line per event.
import { existsSync } from 'node:fs';
import { loadConfig } from '../../core/config';
import { makeLogger } from '../../core/logger';
import { makeSealer } from '../../core/seal';
import { makeProviders } from '../../pipeline/publish/accounts/providers';
import { openDatabase } from '../../db/client';
import { makeTargets } from '../../pipeline/publish/targets';
import { findBinaries } from '../../pipeline/render/binaries';
import { PublishScheduler } from '../../pipeline/schedule/scheduler';

const [url, mode] = process.argv.slice(2);
const db = await openDatabase(url!, { migrate: false });
// TikTok and YouTube targets when the test names fakes for them (the configuration comes from the environment).
const config = loadConfig(process.env);
const targets = makeTargets({
  senders: [], ffmpeg: findBinaries().ffmpeg, format: { width: 270, height: 480 }, webhook: { secret: process.env.WEBHOOK_SECRET, timeoutMs: 60_000, allowPrivate: true },
  ...(config.secretKey ? {
    accounts: { db: db.prisma, sealer: makeSealer(config.secretKey), providers: makeProviders(config) },
    youtube: { apiUrl: config.google.youtubeApiUrl, categoryId: '22', chunkBytes: 256 * 1024 },
    tiktok: { apiUrl: config.tiktok.apiUrl, pollMs: 20, pollForMs: 5000 },
  } : {}),
});
const scheduler = new PublishScheduler({ db: db.prisma, log: makeLogger('silent'), targets, workerId: `test:${process.pid}` }, { leaseMs: Number(process.env.LEASE_MS ?? 30_000) });
const say = (event: string, data: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ event, pid: process.pid, ...data })}\n`);
scheduler.on('posted', (e) => say('posted', { id: e.publication.id, target: e.publication.target }));
scheduler.on('retry', (e) => say('retry', { id: e.publication.id, reason: e.reason }));
scheduler.on('failed', (e) => say('failed', { id: e.publication.id, reason: e.reason }));
say('ready', {});
// With GO_FILE, wait for the test's signal, so racing processes start ticking together.
while (process.env.GO_FILE && !existsSync(process.env.GO_FILE)) await new Promise((r) => setTimeout(r, 5));
if (mode === 'drain') {
  await scheduler.tick();
  await db.close();
  process.exit(0);
}
for (;;) {
  await scheduler.tick();
  await new Promise((r) => setTimeout(r, 100));
}
