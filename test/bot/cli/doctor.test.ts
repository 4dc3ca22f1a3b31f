import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../core/config';
import { formatDoctor, runDoctor } from '../../../bot/cli/doctor';
import { sendJson, startFakeServer, type FakeServer } from '../../support/fakes/http';
import { startFakeOpenAI } from '../../support/fakes/openai';
import { writeTinyVoiceModel } from '../../support/tinyVoiceModel';

const GOOD = 'good-token';
let fake: FakeServer;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'shortsmith-doctor-'));
  fake = await startFakeServer((req, res) => {
    if (req.path === '/discord/v10/users/@me') {
      return req.headers.authorization === `Bot ${GOOD}` ? sendJson(res, 200, { id: '1', username: 'smithbot' }) : sendJson(res, 401, { message: '401: Unauthorized' });
    }
    if (req.path === `/tg/bot${GOOD}/getMe`) return sendJson(res, 200, { ok: true, result: { id: 2, username: 'smith_bot' } });
    if (req.path.startsWith('/tg/')) return sendJson(res, 401, { ok: false, description: 'Unauthorized' });
    if (req.path === '/v1/models') return req.headers.authorization === `Bearer ${GOOD}` ? sendJson(res, 200, { data: [] }) : sendJson(res, 401, {});
    sendJson(res, 404, {});
  });
});
afterAll(async () => {
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('shortsmith doctor', () => {
  it('reports working services as ok', async () => {
    const model = await startFakeOpenAI();
    const rows = await runDoctor(loadConfig({
      DATA_DIR: dataDir, DISCORD_TOKEN: GOOD, DISCORD_API_URL: `${fake.url}/discord`,
      TELEGRAM_BOT_TOKEN: GOOD, TELEGRAM_API_ROOT: `${fake.url}/tg`, PLANNER_BASE_URL: model.baseURL, PLANNER_MODEL: 'llama3.2',
    })).finally(() => model.close());
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(byName.database?.state).toBe('ok');
    expect(byName.migrations?.state).toBe('ok');
    expect(byName.ffmpeg?.state).toBe('ok');
    expect(byName.fonts?.state).toBe('ok');
    // The planner was asked one tiny question; the rest stay offline and work.
    expect(byName.planner).toMatchObject({ state: 'ok', detail: expect.stringMatching(/^llama3\.2 at http:\/\/127\.0\.0\.1:\d+\/v1 \(answered in/) });
    expect(byName.voice).toMatchObject({ state: 'ok', detail: expect.stringMatching(/^offline Flite \(English; eSpeak NG for other languages\): [\d.]+ s test clip/), advice: expect.stringMatching(/VOICE_ENGINE=edge/) });
    expect(byName.timings?.state).toBe('ok');
    expect(byName.pictures?.state).toBe('ok');
    expect(byName.discord).toMatchObject({ state: 'ok', detail: 'logged in as smithbot' });
    expect(byName.telegram).toMatchObject({ state: 'ok', detail: 'logged in as @smith_bot' });
  });

  it('says what is wrong and what to do, without printing secrets', async () => {
    const secret = 'sk-THISISASECRETKEY1234567890';
    const closed = await startFakeServer(() => undefined);
    await closed.close();
    const rows = await runDoctor(loadConfig({
      DATA_DIR: dataDir, DISCORD_TOKEN: 'bad', DISCORD_API_URL: `${fake.url}/discord`,
      TELEGRAM_BOT_TOKEN: 'bad', TELEGRAM_API_ROOT: `${fake.url}/tg`,
      OPENAI_API_KEY: secret, OPENAI_BASE_URL: `${closed.url}/v1`,
    }));
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(byName.discord).toMatchObject({ state: 'error', detail: 'token refused (HTTP 401)' });
    expect(byName.discord?.advice).toMatch(/Developer Portal/);
    expect(byName.telegram?.state).toBe('error');
    // One key turns every engine to its server: each says it cannot connect, and what falls back.
    expect(byName.planner).toMatchObject({ state: 'error', detail: expect.stringMatching(/connection refused$/), advice: expect.stringMatching(/PLANNER_BASE_URL/) });
    expect(byName.voice).toMatchObject({ state: 'error', detail: 'openai: connection refused', advice: expect.stringMatching(/VOICE_BASE_URL/) });
    expect(byName.timings).toMatchObject({ state: 'warn', detail: expect.stringMatching(/fall back to offline alignment/) });
    expect(byName.pictures).toMatchObject({ state: 'error', detail: expect.stringMatching(/fall back to offline art/) });
    const text = formatDoctor(rows);
    expect(text).not.toContain(secret);
    expect(text).not.toContain('bad');
  });

  it('reports platforms without tokens as off, not as errors', async () => {
    const rows = await runDoctor(loadConfig({ DATA_DIR: dataDir }));
    expect(rows.filter((r) => ['discord', 'telegram', 'folder posts', 'webhooks'].includes(r.name)).map((r) => r.state)).toEqual(['off', 'off', 'off', 'off']);
    expect(rows.filter((r) => ['planner', 'voice', 'timings', 'pictures'].includes(r.name)).map((r) => r.state)).toEqual(['ok', 'ok', 'ok', 'ok']);
  });

  it('tests the chosen voice engine and says what is missing for it', async () => {
    const byName = async (env: Record<string, string>) => Object.fromEntries((await runDoctor(loadConfig({ DATA_DIR: dataDir, ...env }))).map((r) => [r.name, r]));
    expect((await byName({ VOICE_ENGINE: 'sherpa' })).voice).toMatchObject({ state: 'error', detail: expect.stringMatching(/needs SHERPA_MODEL_DIR/) });
    const model = join(dataDir, 'voice-model');
    writeTinyVoiceModel(model);
    expect((await byName({ VOICE_ENGINE: 'sherpa', SHERPA_MODEL_DIR: model })).voice).toMatchObject({ state: 'ok', detail: expect.stringMatching(/^sherpa model in .*no word timings \(aligned afterwards\)$/) });
    expect((await byName({ VOICE_ENGINE: 'festival', FESTIVAL_PATH: join(dataDir, 'no-festival') })).voice).toMatchObject({ state: 'error', detail: expect.stringMatching(/apt-get install festival/) });
  });

  it('checks the publishing folder and says when webhooks cannot be signed', async () => {
    const secret = 'whsec-doctor-0123456789';
    const ok = Object.fromEntries((await runDoctor(loadConfig({ DATA_DIR: dataDir, PUBLISH_DIR: dataDir, WEBHOOK_SECRET: secret, WEBHOOK_URL: 'https://n8n.example.com/webhook/abc' }))).map((r) => [r.name, r]));
    expect(ok['folder posts']).toMatchObject({ state: 'ok', detail: dataDir });
    expect(ok.webhooks).toMatchObject({ state: 'ok', detail: 'signed (HMAC-SHA256); default n8n.example.com' });
    expect(formatDoctor(Object.values(ok))).not.toContain(secret);
    const bad = Object.fromEntries((await runDoctor(loadConfig({ DATA_DIR: dataDir, PUBLISH_DIR: join(dataDir, 'nope'), WEBHOOK_URL: 'https://n8n.example.com/webhook/abc' }))).map((r) => [r.name, r]));
    expect(bad['folder posts']).toMatchObject({ state: 'error', advice: expect.stringMatching(/Create the folder/) });
    expect(bad.webhooks).toMatchObject({ state: 'error', advice: expect.stringMatching(/WEBHOOK_SECRET/) });
  });

  it('says whether chats can link TikTok and YouTube, and the redirect URL to register', async () => {
    const off = Object.fromEntries((await runDoctor(loadConfig({ DATA_DIR: dataDir }))).map((r) => [r.name, r]));
    expect(off.tiktok?.state).toBe('off');
    const half = Object.fromEntries((await runDoctor(loadConfig({ DATA_DIR: dataDir, GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: 'shh-google' }))).map((r) => [r.name, r]));
    expect(half.youtube).toMatchObject({ state: 'error', detail: 'linking is refused: SECRET_KEY, PUBLIC_URL not set' });
    const rows = await runDoctor(loadConfig({ DATA_DIR: dataDir, GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: 'shh-google', SECRET_KEY: 'z'.repeat(40), PUBLIC_URL: 'https://bot.example.com' }));
    expect(Object.fromEntries(rows.map((r) => [r.name, r])).youtube).toMatchObject({ state: 'ok', detail: 'app set; redirect URL https://bot.example.com/oauth/callback/youtube' });
    expect(formatDoctor(rows)).not.toMatch(/shh-google|zzzz/);
  });
});
