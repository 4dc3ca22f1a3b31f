// A render worker in its own process, for crash tests: `node --import tsx workerProcess.ts <DATA_DIR> <DATABASE_URL>`.
import { loadConfig } from '../../core/config';
import { makeLogger } from '../../core/logger';
import { openDatabase } from '../../db/client';
import { RenderRunner } from '../../pipeline/render/runner';
import { makeRenderServices } from '../../pipeline/render/services';

const [dataDir, url] = process.argv.slice(2);
const config = loadConfig({ DATA_DIR: dataDir, DATABASE_URL: url, RENDER_SIZE: process.env.RENDER_SIZE ?? '270x480', RENDER_PRESET: 'superfast' });
const db = await openDatabase(config.database.url);
const services = await makeRenderServices(config, db.prisma, makeLogger('silent'));
const runner = new RenderRunner(services, { pollMs: 100, staleAfterMs: 500 });
runner.on('done', async () => {
  await runner.stop();
  await services.pool.close();
  await db.close();
  process.exit(0);
});
runner.on('failed', (e) => {
  process.stderr.write(`failed: ${e.reason}\n`);
  process.exit(1);
});
await runner.start();
