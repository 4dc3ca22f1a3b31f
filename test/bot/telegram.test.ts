import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config';
import { makeLogger } from '../../core/logger';
import { makeApp, type App } from '../../bot/app';
import { findBinaries } from '../../pipeline/render/binaries';
import { buttonsOf, type FakeTelegram, startFakeTelegram, type TelegramCall, TEST_BOT_INFO } from '../support/fakes/telegram';

const TOKEN = '123456:TEST-token-abcdefghijklmnopqrstuvwxyz';
const GROUP = -1001;
const ADMIN = 11;
const MEMBER = 22;
let tg: FakeTelegram;
let app: App;
let dataDir: string;
let updateId = 1;
let clock = new Date();

const user = (id: number) => ({ id, is_bot: false, first_name: id === ADMIN ? 'Ada' : 'Max' });
const chat = { id: GROUP, type: 'supergroup' as const, title: 'Team' };

async function say(from: number, text: string, replyTo?: number) {
  const entities = text.startsWith('/') ? [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] : undefined;
  await app.telegram!.handleUpdate({
    update_id: updateId++,
    message: { message_id: updateId * 10, date: 0, chat, from: user(from), text, entities, ...(replyTo ? { reply_to_message: { message_id: replyTo, date: 0, chat, from: { id: 4242, is_bot: true, first_name: 'shortsmith' }, text: 'prompt' } } : {}) },
  } as never);
}

async function click(from: number, data: string, messageId = 500) {
  await app.telegram!.handleUpdate({
    update_id: updateId++,
    callback_query: { id: `cb${updateId}`, from: user(from), chat_instance: 'ci', data, message: { message_id: messageId, date: 0, chat, text: 'x' } },
  } as never);
}

const since = (n: number) => tg.calls.slice(n);
const alerts = (calls: TelegramCall[]) => calls.filter((c) => c.method === 'answerCallbackQuery' && c.params.text).map((c) => String(c.params.text));

beforeAll(async () => {
  tg = await startFakeTelegram(TOKEN);
  tg.admins.set(String(GROUP), [ADMIN]);
  dataDir = mkdtempSync(join(tmpdir(), 'shortsmith-tg-'));
  const config = loadConfig({ DATA_DIR: dataDir, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: tg.apiRoot, RENDER_SIZE: '270x480', RENDER_PRESET: 'superfast' });
  app = await makeApp(config, makeLogger('silent'), { telegramBotInfo: TEST_BOT_INFO, runnerPollMs: 100, clock: () => clock });
  await app.runner!.start();
});
afterAll(async () => {
  await app?.stop();
  await tg?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('Telegram bot (real grammY against a fake Bot API)', () => {
  let projectHooks: TelegramCall;
  let planMsg: TelegramCall;
  let videoMsg: TelegramCall;

  it('/video <topic> answers with five hook buttons and new-hooks', async () => {
    const n = tg.calls.length;
    await say(MEMBER, '/video why octopuses have three hearts niche:science length:60');
    projectHooks = since(n).find((c) => c.method === 'sendMessage')!;
    expect(projectHooks.params.text).toMatch(/Pick a hook/);
    const rows = buttonsOf(projectHooks);
    expect(rows[0]).toHaveLength(5);
    expect(rows[1]![0]!.text).toMatch(/New hooks/);
    for (const b of rows.flat()) expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);
  });

  it('a hook click writes the plan and shows it with the storyboard picture', async () => {
    const n = tg.calls.length;
    await click(MEMBER, buttonsOf(projectHooks)[0]![0]!.callback_data);
    expect(since(n).some((c) => c.method === 'answerCallbackQuery')).toBe(true);
    const photo = since(n).find((c) => c.method === 'sendPhoto')!;
    expect(photo.files[0]!.filename).toBe('storyboard.png');
    expect(String(photo.params.photo)).toBe(`attach://${photo.files[0]!.name}`);
    expect(photo.files[0]!.data.subarray(1, 4).toString()).toBe('PNG');
    expect(String(photo.params.caption)).toMatch(/Plan — /);
    // The whole plan (longer than a caption may be) follows as text, with the buttons.
    planMsg = since(n).find((c) => c.method === 'sendMessage' && /Hook:/.test(String(c.params.text)))!;
    expect(String(planMsg.params.text)).toMatch(/1\. [\d.]+s · /);
    expect(buttonsOf(planMsg).flat().map((b) => b.text)).toEqual(expect.arrayContaining(['✅ Approve & render', '✏️ Edit scene']));
  });

  it('refuses approval from a member without rights, and changes nothing', async () => {
    const n = tg.calls.length;
    const approve = buttonsOf(planMsg)[0]![0]!.callback_data;
    await click(MEMBER, approve);
    expect(alerts(since(n)).join()).toMatch(/Only people who can manage/);
    expect(await app.db.prisma.run.count()).toBe(0);
  });

  it('scene edits go through a reply prompt and keep hostile text literal', async () => {
    const n = tg.calls.length;
    await click(MEMBER, buttonsOf(planMsg)[0]![1]!.callback_data);
    const prompt = since(n).find((c) => c.method === 'sendMessage')!;
    expect(prompt.params.text).toMatch(/reply to this message/);
    const m = tg.calls.length;
    await say(MEMBER, '2 | Hearts {\\an8} beat @everyone \\N twice. | PUMP', 999);
    const plan = since(m).find((c) => c.method === 'sendMessage' && /Hook:/.test(String(c.params.text)))!;
    expect(String(plan.params.text)).toContain('Hearts {\\an8} beat @\u2060everyone \\N twice.');
    planMsg = plan;
  });

  it('the approver’s click queues exactly one run, even when double-clicked, and the video arrives', async () => {
    const n = tg.calls.length;
    const approve = buttonsOf(planMsg)[0]![0]!.callback_data;
    await Promise.all([click(ADMIN, approve), click(ADMIN, approve)]);
    expect(await app.db.prisma.run.count()).toBe(1);
    expect(alerts(since(n)).join()).toMatch(/already approved/);
    const progress = since(n).find((c) => c.method === 'sendMessage' && /Rendering/.test(String(c.params.text)))!;
    expect(buttonsOf(progress)[0]![0]!.text).toMatch(/Cancel/);
    // A plan click while the render runs is refused and changes nothing.
    const m = tg.calls.length;
    await click(MEMBER, buttonsOf(planMsg)[1]![0]!.callback_data);
    expect(alerts(since(m)).join()).toMatch(/Cancel the render/);

    const video = await tg.waitFor('sendVideo', () => true, 170_000).catch(async (e) => {
      const r = await app.db.prisma.run.findFirst();
      // Say where the run got to, so a failure here explains itself.
      throw new Error(`${(e as Error).message}; run ${r?.status} at ${r?.currentStep} ${r?.progress}%: ${r?.failureReason ?? ''}`);
    });
    videoMsg = video;
    expect(buttonsOf(video)[0]!.map((b) => b.text)).toEqual(['🗓 Schedule', '🔁 Re-render']);
    expect(video.params).toMatchObject({ supports_streaming: 'true', width: '270', height: '480' });
    const attached = (param: string) => video.files.find((f) => `attach://${f.name}` === String(video.params[param]));
    const file = attached('video')!;
    expect(file.data.length).toBeGreaterThan(10_000);
    expect(file.data.length).toBeLessThanOrEqual(50 * 1000 * 1000);
    expect(attached('thumbnail')?.filename).toBe('thumb.jpg');
    const saved = join(dataDir, 'received.mp4');
    writeFileSync(saved, file.data);
    const probe = execFileSync(findBinaries().ffprobe, ['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'csv=p=0', saved]).toString();
    expect(probe).toMatch(/h264,270,480/);
    expect(String(video.params.caption)).toMatch(/#octopuses/);
    expect(tg.calls.filter((c) => c.method === 'editMessageText' && /Rendering|Rendered/.test(String(c.params.text))).length).toBeGreaterThan(0);
    const edits = tg.calls.filter((c) => c.method === 'editMessageText' && /█|░/.test(String(c.params.text)));
    for (let i = 1; i < edits.length; i++) expect(edits[i]!.at - edits[i - 1]!.at).toBeGreaterThanOrEqual(2900);
  }, 180_000);

  it('checks the publish channel: the bot must be an admin allowed to post, and so must the person setting it', async () => {
    tg.chats.set('teamshorts', { id: -100777, type: 'channel', title: 'Team shorts', username: 'teamshorts', members: new Map([[4242, { status: 'administrator', can_post_messages: true }], [ADMIN, { status: 'creator' }]]) });
    tg.chats.set('othershorts', { id: -100888, type: 'channel', title: 'Other shorts', username: 'othershorts', members: new Map([[4242, { status: 'member' }], [ADMIN, { status: 'creator' }]]) });
    tg.chats.set('strangers', { id: -100999, type: 'channel', title: 'Strangers', username: 'strangers', members: new Map([[4242, { status: 'administrator', can_post_messages: true }]]) });
    const answers: string[] = [];
    for (const [who, text] of [[ADMIN, '/settings publish:@othershorts'], [ADMIN, '/settings publish:@strangers'], [ADMIN, '/settings publish:@nosuchchannel'], [MEMBER, '/settings publish:@teamshorts'], [ADMIN, '/settings tz:Mars/Base']] as const) {
      const n = tg.calls.length;
      await say(who, text);
      answers.push(String(since(n).find((c) => c.method === 'sendMessage')?.params.text));
    }
    expect(answers[0]).toMatch(/@\u2060othershorts cannot be the publish channel: the bot must be an admin of the channel allowed to post messages/);
    expect(answers[1]).toMatch(/you must be an admin of @\u2060strangers/);
    expect(answers[2]).toMatch(/add the bot to the channel as an admin first/);
    expect(answers[3]).toMatch(/Only people who can manage/);
    expect(answers[4]).toMatch(/timezone must be an IANA time zone/);
    expect((await app.db.prisma.chatSettings.findFirst())?.publishChannelId ?? null).toBeNull();
    const n = tg.calls.length;
    await say(ADMIN, '/settings publish:@teamshorts tz:europe/berlin');
    expect(String(since(n).find((c) => c.method === 'sendMessage')?.params.text)).toMatch(/Time zone: Europe\/Berlin[^]*Publish channel: -100777/);
  });

  it('Schedule under the video: a reply prompt, then the exact time; the tap is answered at once', async () => {
    const schedule = buttonsOf(videoMsg)[0]![0]!.callback_data;
    let n = tg.calls.length;
    await click(MEMBER, schedule);
    expect(alerts(since(n)).join()).toMatch(/Only people who can manage/);
    n = tg.calls.length;
    await click(ADMIN, schedule);
    const prompt = since(n).find((c) => c.method === 'sendMessage')!;
    expect(prompt.params.text).toMatch(/^Schedule “.*”: reply to this message as\nWhen\? .* \| Where\? /);
    n = tg.calls.length;
    await say(ADMIN, 'tomorrow 18:00', Number(prompt.params.message_id ?? 1));
    const confirmation = String(since(n).find((c) => c.method === 'sendMessage')?.params.text);
    expect(confirmation).toMatch(/^Scheduled — .*\n\nPosts on \w{3} \d+ \w{3} \d{4}, 18:00 \(Europe\/Berlin\) — \d{4}-\d\d-\d\d 1[67]:00 UTC\.\nTo: the publish channel \(-100777\)\./);
    expect(await app.db.prisma.publication.count()).toBe(1);
  });

  it('posts the video once to the channel when it is due, and tells the group with the link', async () => {
    const pub = (await app.db.prisma.publication.findFirst())!;
    expect(await app.scheduler!.tick()).toBe(0);
    clock = new Date(pub.dueAt.getTime() + 1000);
    expect(await app.scheduler!.tick()).toBe(1);
    expect(await app.scheduler!.tick()).toBe(0);
    const posts = tg.calls.filter((c) => c.method === 'sendVideo' && String(c.params.chat_id) === '-100777');
    expect(posts).toHaveLength(1);
    expect(String(posts[0]!.params.caption)).toMatch(/#octopuses/);
    expect(posts[0]!.params.reply_markup).toBeUndefined();
    const told = await tg.waitFor('sendMessage', (c) => /^Posted “/.test(String(c.params.text)));
    expect(String(told.params.chat_id)).toBe(String(GROUP));
    expect(String(told.params.text)).toMatch(/to the publish channel \(-100777\)\.\nhttps:\/\/t\.me\/teamshorts\/\d+/);
    expect((await app.db.prisma.run.findFirst())!.publishedAt).not.toBeNull();
  });

  it('/stats: approvers record numbers by hand; everyone sees them with the chart', async () => {
    const texts = (calls: TelegramCall[]) => calls.map((c) => String(c.params.text ?? c.params.caption ?? '')).join('\n');
    let n = tg.calls.length;
    await say(MEMBER, '/stats set views:100');
    expect(texts(since(n))).toMatch(/Only /);
    n = tg.calls.length;
    await say(ADMIN, '/stats set views:-3');
    expect(texts(since(n))).toMatch(/must be a whole number/);
    expect(await app.db.prisma.statReading.count()).toBe(0);
    n = tg.calls.length;
    await say(ADMIN, '/stats set views:1.2k likes:80 platform:instagram');
    expect(texts(since(n))).toMatch(/Recorded for “.*” on Instagram: 1,200 views, 80 likes\./);
    n = tg.calls.length;
    await say(MEMBER, '/stats');
    const photo = since(n).find((c) => c.method === 'sendPhoto');
    expect(photo?.files[0]?.data.subarray(1, 4).toString()).toBe('PNG');
    expect(texts(since(n))).toMatch(/Your videos \(1 with numbers, of 1\):\n1\. .* — 1\.2k views, 80 likes · Instagram/);
  });

  it('acknowledges a tap at once even when the work behind it is slow', async () => {
    const slowGroup = { id: -2002, type: 'supergroup' as const, title: 'Slow' };
    tg.delays.set('getChatAdministrators', 1500);
    const started = Date.now();
    const n = tg.calls.length;
    await app.telegram!.handleUpdate({
      update_id: updateId++,
      callback_query: { id: 'slow1', from: user(ADMIN), chat_instance: 'ci', data: 'nonsense', message: { message_id: 1, date: 0, chat: slowGroup, text: 'x' } },
    } as never);
    tg.delays.clear();
    const ack = since(n).find((c) => c.method === 'answerCallbackQuery')!;
    expect(ack.at - started).toBeLessThan(1000);
    expect(ack.params.text).toBeUndefined();
    // The refusal came too late for a pop-up: it is a message instead, nothing is lost.
    expect(String(since(n).find((c) => c.method === 'sendMessage')?.params.text)).toMatch(/older version/);
    expect(since(n).filter((c) => c.method === 'answerCallbackQuery')).toHaveLength(1);
  });

  it('answers forged, stale and foreign buttons clearly', async () => {
    const n = tg.calls.length;
    await click(ADMIN, 'garbage');
    await click(ADMIN, '1|approve|00000000-0000-4000-8000-000000000000|abcd1234|');
    await click(ADMIN, '1|hook|not-a-uuid||1');
    const texts = alerts(since(n));
    expect(texts[0]).toMatch(/older version/);
    expect(texts[1]).toMatch(/no longer exists/);
    expect(texts[2]).toMatch(/not valid/);
    // Every callback was answered.
    expect(since(n).filter((c) => c.method === 'answerCallbackQuery')).toHaveLength(3);
  });

  it('refuses hostile topics without creating anything', async () => {
    const before = await app.db.prisma.project.count();
    const n = tg.calls.length;
    await say(MEMBER, '/video {\\an8} @everyone <b>x</b>');
    await say(MEMBER, `/video ${'x'.repeat(501)}`);
    const msgs = since(n).filter((c) => c.method === 'sendMessage').map((c) => String(c.params.text));
    expect(msgs[0]).toMatch(/plain text/);
    expect(msgs[1]).toMatch(/limit is 500/);
    expect(await app.db.prisma.project.count()).toBe(before);
  });

  it('long-polls with the real client: getUpdates with offsets, then a reply', async () => {
    const { makeTelegramBot } = await import('../../bot/telegram/bot');
    const polling = makeTelegramBot(app.deps, { token: TOKEN, apiRoot: tg.apiRoot });
    const n = tg.calls.length;
    tg.updates.push({ update_id: 9000, message: { message_id: 1, date: 0, chat: { id: 77, type: 'private', first_name: 'Dee' }, from: { id: 77, is_bot: false, first_name: 'Dee' }, text: '/help', entities: [{ type: 'bot_command', offset: 0, length: 5 }] } });
    const started = polling.start({ drop_pending_updates: false });
    const help = await tg.waitFor('sendMessage', (c) => String(c.params.chat_id) === '77');
    expect(String(help.params.text)).toMatch(/topic in, vertical video out/);
    await polling.stop();
    await started;
    const methods = since(n).map((c) => c.method);
    expect(methods.slice(0, 3)).toEqual(['getMe', 'deleteWebhook', 'getUpdates']);
    expect(since(n).filter((c) => c.method === 'getUpdates').some((c) => Number(c.params.offset) === 9001)).toBe(true);
  });

  it('rides out a 429 storm with retry_after (auto-retry) and loses nothing', async () => {
    tg.rateLimit('sendMessage', 2, 1);
    const n = tg.calls.length;
    await say(MEMBER, '/list');
    const sends = since(n).filter((c) => c.method === 'sendMessage');
    expect(sends).toHaveLength(3);
    expect(String(sends[2]!.params.text)).toMatch(/Videos in this chat/);
  });
});
