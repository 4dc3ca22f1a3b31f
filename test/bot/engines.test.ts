import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type App } from '../../bot/app';
import { loadConfig } from '../../core/config';
import { makeLogger } from '../../core/logger';
import { getRun } from '../../db/repos/runs';
import { sendJson } from '../support/fakes/http';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fakes/openai';
import { buttonsOf, type FakeTelegram, startFakeTelegram, type TelegramCall, TEST_BOT_INFO } from '../support/fakes/telegram';

/*
 * A team that plans on a local model (an OpenAI-compatible server with JSON mode only, no key)
 * and speaks through a speech server that goes down after its first answer: the plan comes from
 * the model, the render finishes with the offline voice for the whole track, the log names the
 * run, the project, the engine and the status, and the chat's final message says what fell back.
 */

const TOKEN = '123456:TEST-token-abcdefghijklmnopqrstuvwxyz';
const GROUP = -1002;
const ADMIN = 11;
let tg: FakeTelegram;
let model: FakeOpenAI;
let speech: FakeOpenAI;
let app: App;
let dataDir: string;
let updateId = 1;
const lines: Record<string, unknown>[] = [];
let speechCalls = 0;

const chat = { id: GROUP, type: 'supergroup' as const, title: 'Team' };
const from = { id: ADMIN, is_bot: false, first_name: 'Ada' };

async function say(text: string) {
  await app.telegram!.handleUpdate({ update_id: updateId++, message: { message_id: updateId * 10, date: 0, chat, from, text, entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] } } as never);
}
async function click(data: string) {
  await app.telegram!.handleUpdate({ update_id: updateId++, callback_query: { id: `cb${updateId}`, from, chat_instance: 'ci', data, message: { message_id: 500, date: 0, chat, text: 'x' } } } as never);
}

beforeAll(async () => {
  tg = await startFakeTelegram(TOKEN);
  tg.admins.set(String(GROUP), [ADMIN]);
  model = await startFakeOpenAI(undefined, { formats: 'json_object' });
  // The speech server answers once, then is overloaded for good.
  speech = await startFakeOpenAI((req, res) => {
    if (req.path !== '/v1/audio/speech') return false;
    if (++speechCalls === 1) return false;
    sendJson(res, 503, { error: { message: 'The server is overloaded', type: 'server_error' } });
    return true;
  });
  dataDir = mkdtempSync(join(tmpdir(), 'shortsmith-engines-'));
  const config = loadConfig({
    DATA_DIR: dataDir, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: tg.apiRoot, RENDER_SIZE: '270x480', RENDER_PRESET: 'superfast',
    PLANNER_BASE_URL: model.baseURL, PLANNER_MODEL: 'llama3.2',
    VOICE_ENGINE: 'openai', VOICE_BASE_URL: speech.baseURL, VOICE_MODEL: 'tts-1', VOICE_API_KEY: 'sk-voice-abcdefghijklmnopqrstuvwx',
  });
  const stream = new PassThrough();
  stream.on('data', (d: Buffer) => d.toString().split('\n').filter(Boolean).forEach((l) => lines.push(JSON.parse(l) as Record<string, unknown>)));
  app = await makeApp(config, makeLogger('debug', stream), { telegramBotInfo: TEST_BOT_INFO, runnerPollMs: 100 });
  await app.runner!.start();
});
afterAll(async () => {
  await app?.stop();
  await tg?.close();
  await model?.close();
  await speech?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('engines chosen on their own, end to end in a Telegram group', () => {
  it('plans on the local model, falls back to the offline voice for the whole track, and tells the chat why', async () => {
    let n = tg.calls.length;
    await say('/video why octopuses have three hearts niche:science length:60');
    const hooks = tg.calls.slice(n).find((c) => c.method === 'sendMessage' && /Pick a hook/.test(String(c.params.text)))!;
    expect(String(hooks.params.text)).toContain('AI hook 1');
    n = tg.calls.length;
    await click(buttonsOf(hooks)[0]![0]!.callback_data);
    const plan = tg.calls.slice(n).find((c) => c.method === 'sendMessage' && /Hook:/.test(String(c.params.text)))!;
    expect(String(plan.params.text)).toContain('Scene0');
    expect(model.chatCalls.slice(1).every((c) => (c.request.response_format as { type: string }).type === 'json_object')).toBe(true);

    await click(buttonsOf(plan)[0]![0]!.callback_data);
    const video = await tg.waitFor('sendVideo', () => true, 170_000);
    const caption = String(video.params.caption);
    expect(caption).toMatch(/The voice fell back from openai to the offline voice \(HTTP 503: The server is overloaded\)/);
    expect(caption).toMatch(/Re-render to try again/);

    const runRow = (await app.db.prisma.run.findFirst())!;
    const run = await getRun(app.db.prisma, runRow.id);
    expect(run.status).toBe('done');
    const tts = run.resumeState.steps.tts_generate!.outputs;
    expect(tts.speechId).toBe('offline-voice:v2');
    expect(run.logs.filter((l) => l.level === 'warn').map((l) => l.message).join('\n')).toMatch(/The voice fell back from openai/);

    // Every failed call (each scene in flight, and its one retry) logged once, with who it was for.
    const failed = lines.filter((l) => l.msg === 'voice engine call failed');
    expect(failed).toHaveLength(speechCalls - 1);
    expect(failed.filter((l) => l.attempt === 2).length).toBeGreaterThanOrEqual(1);
    for (const l of failed) expect(l).toMatchObject({ runId: run.id, projectId: run.projectId, kind: 'voice', engine: 'openai', status: 503, reason: 'The server is overloaded' });
    expect(JSON.stringify(lines)).not.toContain('sk-voice-abcdefghijklmnopqrstuvwx');
    // Two lanes at most in flight, each retried once: the server was not asked again after giving up.
    expect(speechCalls).toBeLessThanOrEqual(5);
  }, 180_000);
});
