import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeApp } from '../bot/app';
import { loadConfig } from '../core/config';
import { makeLogger } from '../core/logger';
import { queueRunForPlan } from '../db/repos/runs';
import { parseProjectOptions } from '../pipeline/plan/input';
import { chooseHook, startProject } from '../pipeline/plan/service';
import { APP_ID, CHANNEL_ID, GUILD_ID, startFakeDiscord } from '../test/support/fakes/discord';

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/**
 * Interaction acknowledgement latency while a full-size render runs in the same process: the
 * real discord.js client against the local fake, `/video list` every 150 ms, timed from the
 * gateway dispatch to the interaction callback reaching the fake. Target p99 < 300 ms.
 */
export async function benchLatency(): Promise<void> {
  const dc = await startFakeDiscord();
  const dataDir = mkdtempSync(join(tmpdir(), 'shortsmith-bench-lat-'));
  const token = 'MTAwMDAwMDAwMDAwMDAwMDAx.GbenchX.bench-token-0000000000000000000000';
  const config = loadConfig({ ...process.env, DATA_DIR: dataDir, DATABASE_URL: undefined, OPENAI_API_KEY: undefined, DISCORD_TOKEN: token, DISCORD_API_URL: dc.apiUrl, RENDER_SIZE: '1080x1920' });
  const app = await makeApp(config, makeLogger('silent'), { runnerPollMs: 200 });
  try {
    await app.discord!.login(token);
    await dc.connected;
    const deps = { db: app.deps.db, planner: app.deps.planner };
    const draft = await startProject(deps, { platform: 'bench', chatId: 'b', ownerUserId: 'b' }, parseProjectOptions({ topic: 'why octopuses have three hearts', niche: 'science' }));
    const { project, plan } = await chooseHook(deps, draft.project.id, 0);
    await queueRunForPlan(app.deps.db, { projectId: project.id, planVersionId: plan.id, requestedByUserId: 'b' });
    const done = new Promise<void>((r) => app.runner!.on('done', () => r()));
    await app.runner!.start();

    const latencies: number[] = [];
    let rendering = true;
    void done.then(() => (rendering = false));
    for (let n = 0; rendering && n < 400; n++) {
      const id = String(600000000000000000n + BigInt(n));
      const sent = performance.now();
      dc.dispatch('INTERACTION_CREATE', {
        id, application_id: APP_ID, type: 2, guild_id: GUILD_ID, channel_id: CHANNEL_ID, channel: { id: CHANNEL_ID, type: 0, guild_id: GUILD_ID },
        data: { id: '1', name: 'video', type: 1, options: [{ type: 1, name: 'list', options: [] }] },
        member: { user: { id: '1', username: 'u', discriminator: '0', avatar: null, global_name: null }, roles: [], permissions: '0', joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 },
        token: `tok${id}`, version: 1, locale: 'en-US', app_permissions: '0', entitlements: [], authorizing_integration_owners: {}, context: 0,
      });
      await dc.waitFor((c) => c.route.includes(`/interactions/${id}/`), 10_000);
      latencies.push(performance.now() - sent);
      await new Promise((r) => setTimeout(r, 150));
    }
    await done;
    const sorted = [...latencies].sort((a, b) => a - b);
    console.log(`\n# interaction acknowledgement while a 1080x1920 render runs in the same process`);
    console.log(`  ${sorted.length} interactions · p50 ${pct(sorted, 50).toFixed(1)} ms · p99 ${pct(sorted, 99).toFixed(1)} ms · max ${sorted.at(-1)!.toFixed(1)} ms (target p99 < 300 ms)`);
  } finally {
    await app.stop();
    await dc.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
