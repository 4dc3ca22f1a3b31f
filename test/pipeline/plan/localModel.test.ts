import { createServer, type AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config';
import { makeLogger } from '../../../core/logger';
import { parseProjectOptions } from '../../../pipeline/plan/input';
import { makePlanner } from '../../../pipeline/plan/makePlanner';
import { chooseHook, startProject } from '../../../pipeline/plan/service';
import { makeTestDatabase, type TestDatabase } from '../../support/database';
import { startFakeOpenAI, type FakeOpenAI } from '../../support/fakes/openai';

let db: TestDatabase;
beforeAll(async () => {
  db = await makeTestDatabase();
});
afterAll(() => db.dispose());

const owner = { platform: 'telegram', chatId: 'chat-1', ownerUserId: 'u' };
const opts = (topic: string) => parseProjectOptions({ topic, niche: 'science', length: '60' });

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** A logger writing JSON lines into an array. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new PassThrough();
  stream.on('data', (d: Buffer) => d.toString().split('\n').filter(Boolean).forEach((l) => lines.push(JSON.parse(l) as Record<string, unknown>)));
  return { log: makeLogger('debug', stream), lines };
}

describe('planning on a local model through its own base URL', () => {
  it('with only PLANNER_BASE_URL and PLANNER_MODEL: the plan is the model\'s, everything else stays offline', () => {
    const config = loadConfig({ PLANNER_BASE_URL: 'http://127.0.0.1:11434/v1', PLANNER_MODEL: 'llama3.2' });
    expect(config.engines.planner).toMatchObject({ kind: 'openai', baseURL: 'http://127.0.0.1:11434/v1', model: 'llama3.2', apiKey: undefined });
    expect([config.engines.voice.kind, config.engines.transcribe.kind, config.engines.images.kind]).toEqual(['offline', 'offline', 'offline']);
    // One key alone still turns everything on, as before.
    const all = loadConfig({ OPENAI_API_KEY: 'sk-test-0000000000000000000' });
    expect([all.engines.planner.kind, all.engines.voice.kind, all.engines.transcribe.kind, all.engines.images.kind]).toEqual(['openai', 'openai', 'openai', 'openai']);
    // Each can be turned back off on its own.
    const mixed = loadConfig({ OPENAI_API_KEY: 'sk-test-0000000000000000000', VOICE_ENGINE: 'edge', IMAGE_ENGINE: 'offline' });
    expect([mixed.engines.planner.kind, mixed.engines.voice.kind, mixed.engines.images.kind]).toEqual(['openai', 'edge', 'offline']);
    expect(() => loadConfig({ VOICE_ENGINE: 'piper' })).toThrow(/VOICE_ENGINE/);
  });

  for (const formats of ['json_schema', 'json_object', 'none'] as const) {
    it(`plans end to end on a server that knows ${formats === 'none' ? 'no structured output (JSON in a Markdown fence)' : formats}`, async () => {
      const fake: FakeOpenAI = await startFakeOpenAI(undefined, { formats });
      try {
        const { log, lines } = capture();
        const config = loadConfig({ PLANNER_BASE_URL: fake.baseURL, PLANNER_MODEL: 'llama3.2' });
        const deps = { db: db.prisma, planner: makePlanner(config, db.prisma, log) };
        const draft = await startProject(deps, owner, opts(`how bees vote ${formats}`));
        expect(draft.plan.hookOptions[0]).toMatch(/^AI hook 1/);
        const { plan } = await chooseHook(deps, draft.project.id, 0);
        expect(plan.scenes.length).toBeGreaterThan(2);
        expect(plan.scenes[0]!.narrationText).toMatch(/^Scene0/);
        // The first call tried the richest format; later calls go straight to the one that works.
        const used = fake.chatCalls.map((c) => (c.request.response_format as { type?: string } | undefined)?.type ?? 'none');
        expect(new Set(used.slice(1))).toEqual(new Set([formats]));
        expect(fake.requests.every((r) => r.path !== '/v1/chat/completions' || r.headers.authorization === 'Bearer no-key')).toBe(true);
        if (formats !== 'json_schema') expect(lines.some((l) => l.msg?.toString().includes('refused this JSON format'))).toBe(true);
        // A local model costs nothing.
        expect(draft.project.planCostMicros).toBe(0);
      } finally {
        await fake.close();
      }
    });
  }

  it('logs every failed call once (project, engine, status, reason, no key) and writes the step offline instead', async () => {
    const fake = await startFakeOpenAI();
    try {
      const { log, lines } = capture();
      const key = 'sk-live-abcdefghijklmnopqrstuvwxyz012345';
      const config = loadConfig({ PLANNER_BASE_URL: fake.baseURL, PLANNER_API_KEY: key, PLANNER_MODEL: 'llama3.2' });
      const deps = { db: db.prisma, planner: makePlanner(config, db.prisma, log) };
      const draft = await startProject(deps, owner, opts('why we dream'));
      fake.script.set('outline', [{ status: 401, body: { error: { message: `Incorrect API key provided: ${key}` } } }]);
      const { plan } = await chooseHook(deps, draft.project.id, 1);
      expect(plan.validation.warnings[0]).toMatch(/^Written offline: the AI planner refused the key/);
      const failed = lines.filter((l) => l.msg === 'planner engine call failed');
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({ projectId: draft.project.id, engine: 'planner', model: 'llama3.2', call: 'outline', status: 401 });
      expect(String(failed[0]!.reason)).toContain('Incorrect API key');
      expect(lines.filter((l) => l.msg === 'planner fell back to the offline writer')).toEqual([expect.objectContaining({ projectId: draft.project.id, call: 'outline', code: 'llm_auth' })]);
      expect(JSON.stringify(lines)).not.toContain(key);

      // Unreachable: the chat still gets hooks (offline, and saying so), and the log says why.
      const closed = loadConfig({ PLANNER_BASE_URL: `http://127.0.0.1:${await closedPort()}/v1`, PLANNER_MODEL: 'llama3.2', OPENAI_TIMEOUT_MS: '2000' });
      const offline = { db: db.prisma, planner: makePlanner(closed, db.prisma, log) };
      const fallback = await startProject(offline, owner, opts('why cats purr'));
      expect(fallback.plan.validation.warnings).toEqual(['Written offline: the AI planner could not be reached. Press New script (or New hooks) to ask it again.']);
      expect(lines.filter((l) => l.msg === 'planner engine call failed').at(-1)).toMatchObject({ engine: 'planner', status: 'ECONNREFUSED', reason: 'connection refused' });
    } finally {
      await fake.close();
    }
  });
});
