// A worker process on the PostgreSQL queue, for queue tests:
// `node --import tsx queueWorkerProcess.ts <DATA_DIR> <DATABASE_URL>`. Prints a JSON line per
// event (ready, start of each run with the step it starts at, done, failed, canceled); stops
// cleanly on SIGTERM.
import { loadConfig } from '../../core/config';
import { makeLogger } from '../../core/logger';
import { openDatabase } from '../../db/client';
import { GraphileQueue } from '../../pipeline/queue/graphile';
import { graphileSignals } from '../../pipeline/queue/jobs';
import { makeTargets } from '../../pipeline/publish/targets';
import { PublishScheduler } from '../../pipeline/schedule/scheduler';
import { RenderRunner } from '../../pipeline/render/runner';
import { makeRenderServices } from '../../pipeline/render/services';

const [dataDir, url] = process.argv.slice(2);
const staleAfterMs = Number(process.env.STALE_MS ?? 30_000);
const config = loadConfig({ DATA_DIR: dataDir, DATABASE_URL: url, RENDER_SIZE: '270x480', RENDER_PRESET: 'superfast', OPENAI_API_KEY: process.env.OPENAI_API_KEY, OPENAI_BASE_URL: process.env.OPENAI_BASE_URL });
const db = await openDatabase(config.database.url, { migrate: false });
const log = makeLogger(process.env.TEST_LOG ?? 'silent', process.stderr);
const services = await makeRenderServices(config, db.prisma, log);
const runner = new RenderRunner(services, { mode: 'jobs', staleAfterMs });
// Posts only through their jobs: the minute tick is not started, so what goes out, a job sent.
const targets = makeTargets({ senders: [], ffmpeg: services.bins.ffmpeg, format: services.format, webhook: {} });
const scheduler = new PublishScheduler({ db: db.prisma, log, targets, jobs: graphileSignals });
scheduler.on('posted', (e) => say('posted', { publicationId: e.publication.id }));
const queue = new GraphileQueue({ db: db.prisma, pool: db.pool!, runner, scheduler, log, concurrency: 1, staleAfterMs, pollIntervalMs: 500 });
const say = (event: string, data: Record<string, unknown> = {}) => process.stdout.write(`${JSON.stringify({ event, worker: runner.workerId, t: Date.now(), ...data })}\n`);
const started = new Set<string>();
runner.on('progress', (e) => {
  if (started.has(e.runId)) return;
  started.add(e.runId);
  say('start', { runId: e.runId, step: e.step });
});
const lastStep = new Map<string, string>();
runner.on('progress', (e) => {
  if (lastStep.get(e.runId) === e.step) return;
  lastStep.set(e.runId, e.step);
  say('step', { runId: e.runId, step: e.step });
});
runner.on('done', (e) => say('done', { runId: e.runId }));
runner.on('failed', (e) => say('failed', { runId: e.runId, reason: e.reason }));
runner.on('canceled', (e) => say('canceled', { runId: e.runId }));
process.once('SIGTERM', () => {
  void (async () => {
    await queue.stop();
    await services.pool.close();
    await db.close();
    say('stopped');
    process.exit(0);
  })();
});
await queue.start();
say('ready');
