import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config';
import { makeLogger } from '../../core/logger';
import { makeApp, type App } from '../../bot/app';
import { findBinaries } from '../../pipeline/render/binaries';
import { ensureGlobalCommands } from '../../bot/discord/register';
import { APP_ID, CHANNEL_ID, GUILD_ID, startFakeDiscord, type DiscordCall, type FakeDiscord } from '../support/fakes/discord';

const TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAx.GfakeX.fake-token-for-tests-only-0000000000';
const ADMIN = '100000000000000011';
const MEMBER = '100000000000000022';
const MANAGE_GUILD = '32';
let dc: FakeDiscord;
let app: App;
let dataDir: string;
let nextId = 500000000000000000n;

function interaction(type: number, data: unknown, userId: string, extra: Record<string, unknown> = {}) {
  const id = String(nextId++);
  return {
    id, application_id: APP_ID, type, data, guild_id: GUILD_ID, channel_id: CHANNEL_ID,
    channel: { id: CHANNEL_ID, type: 0, guild_id: GUILD_ID, name: 'videos' },
    member: {
      user: { id: userId, username: userId === ADMIN ? 'ada' : 'max', discriminator: '0', avatar: null, global_name: null },
      roles: [], permissions: userId === ADMIN ? MANAGE_GUILD : '0', joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0,
    },
    token: `token${id}`, version: 1, locale: 'en-US', guild_locale: 'en-US', app_permissions: '2248473465835073',
    entitlements: [], authorizing_integration_owners: { 0: GUILD_ID }, context: 0, attachment_size_limit: 10 * 1024 * 1024, ...extra,
  };
}

const NO_FILES = '800000000000000010';
const PUBLISH = '800000000000000011';
let clock = new Date();

/** `/video settings publish_channel:<channel> [more options]`, with the channel resolved as Discord sends it. */
const settings = (userId: string, channelId: string, name: string, more: { name: string; type: number; value: unknown }[] = []) => {
  const i = slash(userId, 'settings', [{ name: 'publish_channel', type: 7, value: channelId }, ...more]);
  (i.data as Record<string, unknown>).resolved = { channels: { [channelId]: { id: channelId, type: 0, name, permissions: '0', guild_id: GUILD_ID } } };
  return i;
};

const slash = (userId: string, sub: string, options: { name: string; type: number; value: unknown }[] = []) =>
  interaction(2, { id: '600000000000000001', name: 'video', type: 1, options: [{ type: 1, name: sub, options }] }, userId);
const button = (userId: string, customId: string) =>
  interaction(3, { custom_id: customId, component_type: 2 }, userId, { message: { id: '700000000000000099', channel_id: CHANNEL_ID, type: 0, content: '', embeds: [], components: [], attachments: [], author: { id: APP_ID, username: 'bot', discriminator: '0' }, timestamp: new Date().toISOString(), edited_timestamp: null, tts: false, mention_everyone: false, mentions: [], mention_roles: [], pinned: false, flags: 0 } });
const modal = (userId: string, customId: string, values: Record<string, string>) =>
  interaction(5, { custom_id: customId, components: Object.entries(values).map(([k, v]) => ({ type: 1, components: [{ type: 4, custom_id: k, value: v }] })) }, userId, { message: (button(userId, 'x') as unknown as { message: unknown }).message });

async function send(payload: ReturnType<typeof interaction>): Promise<DiscordCall[]> {
  const n = dc.calls.length;
  dc.dispatch('INTERACTION_CREATE', payload);
  // Wait until the interaction has been answered, followed up (unless a modal opened), and quiet.
  const callback = await dc.waitFor((c) => c.route.includes(`/interactions/${payload.id}/`));
  if (Number(callback.body.type) !== 9) await dc.waitFor((c) => c.route.includes(`/webhooks/${APP_ID}/${payload.token}`));
  let seen = -1;
  while (seen !== dc.calls.length) {
    seen = dc.calls.length;
    await new Promise((r) => setTimeout(r, 300));
  }
  return dc.calls.slice(n);
}

const callbackType = (calls: DiscordCall[]) => Number(calls.find((c) => c.route.endsWith('/callback'))?.body.type);
const buttonsIn = (c: DiscordCall | undefined) => ((c?.body.components ?? []) as { components: { custom_id: string; label: string }[] }[]).flatMap((r) => r.components);
const embedOf = (c: DiscordCall | undefined) => ((c?.body.embeds ?? []) as { title?: string; description?: string; image?: { url: string } }[])[0];

beforeAll(async () => {
  dc = await startFakeDiscord();
  dataDir = mkdtempSync(join(tmpdir(), 'shortsmith-dc-'));
  const config = loadConfig({ DATA_DIR: dataDir, DISCORD_TOKEN: TOKEN, DISCORD_API_URL: dc.apiUrl, RENDER_SIZE: '270x480', RENDER_PRESET: 'superfast' });
  app = await makeApp(config, makeLogger(process.env.TEST_LOG ?? 'silent'), { runnerPollMs: 100, clock: () => clock });
  await app.runner!.start();
  await app.discord!.login(TOKEN);
  await dc.connected;
});
afterAll(async () => {
  await app?.stop();
  await dc?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('Discord bot (real discord.js against a fake REST API and gateway)', () => {
  let hooks: DiscordCall;
  let plan: DiscordCall;
  let videoMsg: DiscordCall;

  it('/video create defers within the deadline, then shows five hook buttons', async () => {
    const calls = await send(slash(MEMBER, 'create', [{ name: 'topic', type: 3, value: 'why octopuses have three hearts' }, { name: 'niche', type: 3, value: 'science' }]));
    expect(callbackType(calls)).toBe(5);
    hooks = calls.find((c) => c.method === 'PATCH' && c.route.endsWith('/messages/@original'))!;
    expect(embedOf(hooks)?.title).toMatch(/Pick a hook/);
    const ids = buttonsIn(hooks);
    expect(ids).toHaveLength(7);
    for (const b of ids) expect(b.custom_id.length).toBeLessThanOrEqual(100);
    expect(hooks.body.allowed_mentions).toEqual({ parse: [] });
  });

  it('suggests voices as a person types: the presets, then the voice engine\'s own names', async () => {
    const typing = (value: string) => interaction(4, { id: '600000000000000001', name: 'video', type: 1, options: [{ type: 1, name: 'create', options: [
      { name: 'topic', type: 3, value: 'cats' }, { name: 'voice', type: 3, value, focused: true },
    ] }] }, MEMBER);
    const answer = async (value: string) => {
      const payload = typing(value);
      dc.dispatch('INTERACTION_CREATE', payload);
      return (await dc.waitFor((c) => c.route.includes(`/interactions/${payload.id}/`))).body as { type: number; data: { choices: { name: string; value: string }[] } };
    };
    const all = await answer('');
    expect(all.type).toBe(8);
    // Offline, the engine's own voices are Flite's.
    expect(all.data.choices.map((c) => c.value)).toEqual(['alloy', 'echo', 'fable', 'onyx', 'nova', 'shimmer', 'slt', 'rms', 'awb']);
    expect((await answer('RM')).data.choices.map((c) => c.value)).toEqual(['rms']);
  });

  it('a hook click updates the message with the plan and its storyboard image', async () => {
    const calls = await send(button(MEMBER, buttonsIn(hooks)[1]!.custom_id));
    expect(callbackType(calls)).toBe(6);
    plan = calls.find((c) => c.method === 'PATCH' && c.route.endsWith('/messages/@original'))!;
    expect(embedOf(plan)?.title).toMatch(/^Plan/);
    expect(embedOf(plan)?.image?.url).toBe('attachment://storyboard.png');
    expect(plan.files.map((f) => f.filename)).toContain('storyboard.png');
  });

  it('refuses approval to a member without rights, ephemerally, and queues nothing', async () => {
    const approve = buttonsIn(plan).find((b) => b.label.includes('Approve'))!.custom_id;
    const calls = await send(button(MEMBER, approve));
    const followUp = calls.find((c) => c.method === 'POST' && /^\/webhooks\//.test(c.route))!;
    expect(followUp.body.flags).toBe(64);
    expect(embedOf(followUp)?.description).toMatch(/Only people who can manage/);
    expect(await app.db.prisma.run.count()).toBe(0);
  });

  it('edits a scene through a modal; hostile text stays literal and pings nobody', async () => {
    const edit = buttonsIn(plan).find((b) => b.label.includes('Edit'))!.custom_id;
    const opened = await send(button(MEMBER, edit));
    expect(callbackType(opened)).toBe(9);
    const form = opened.find((c) => c.route.endsWith('/callback'))!.body.data as { custom_id: string; components: unknown[] };
    expect(form.components).toHaveLength(3);
    const calls = await send(modal(MEMBER, form.custom_id, { scene: '2', narration: 'Hearts *beat* @everyone {\\an8} twice.', onscreen: 'PUMP' }));
    plan = calls.find((c) => c.method === 'PATCH' && c.route.endsWith('/messages/@original'))!;
    expect(embedOf(plan)?.description).toContain('Hearts \\*beat\\* @everyone {\\\\an8} twice.');
    expect(plan.body.allowed_mentions).toEqual({ parse: [] });
  });

  it('an approver’s double click queues one run; progress is a channel message; the mp4 is uploaded', async () => {
    const approve = buttonsIn(plan).find((b) => b.label.includes('Approve'))!.custom_id;
    const n = dc.calls.length;
    dc.dispatch('INTERACTION_CREATE', button(ADMIN, approve));
    dc.dispatch('INTERACTION_CREATE', button(ADMIN, approve));
    const progress = await dc.waitFor((c) => c.method === 'POST' && c.route === `/channels/${CHANNEL_ID}/messages` && /Rendering/.test(String(embedOf(c)?.title)));
    expect(buttonsIn(progress)[0]!.label).toMatch(/Cancel/);
    // A plan click while the render runs is refused, ephemerally, and changes nothing.
    // (Its own reply, by its token: the double click's refusal may land in the same moment.)
    const busyClick = button(MEMBER, buttonsIn(plan).find((b) => b.label.includes('New script'))!.custom_id);
    const busy = await send(busyClick);
    expect(embedOf(busy.find((c) => c.route.includes(`/webhooks/${APP_ID}/${busyClick.token}`) && c.method === 'POST'))?.description).toMatch(/Cancel the render/);
    const video = await dc.waitFor((c) => c.method === 'POST' && c.route === `/channels/${CHANNEL_ID}/messages` && c.files.some((f) => f.filename === 'video.mp4'), 170_000);
    videoMsg = video;
    expect(buttonsIn(video).map((b) => b.label)).toEqual(['🗓 Schedule', '🔁 Re-render']);
    expect(video.files.map((f) => f.filename)).toEqual(['video.mp4', 'cover.jpg']);
    expect(embedOf(video) as { thumbnail?: { url: string } }).toMatchObject({ thumbnail: { url: 'attachment://cover.jpg' } });
    expect(await app.db.prisma.run.count()).toBe(1);
    const refusal = dc.calls.slice(n).find((c) => /^\/webhooks\//.test(c.route) && /already approved/.test(String(embedOf(c)?.description)));
    expect(refusal?.body.flags).toBe(64);
    const file = video.files.find((f) => f.filename === 'video.mp4')!;
    expect(file.data.length).toBeLessThanOrEqual(10 * 1024 * 1024);
    const saved = join(dataDir, 'received.mp4');
    writeFileSync(saved, file.data);
    expect(execFileSync(findBinaries().ffprobe, ['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'csv=p=0', saved]).toString()).toMatch(/h264,270,480/);
    expect(embedOf(video)?.description).toMatch(/#octopuses/);
    const edits = dc.calls.filter((c) => c.method === 'PATCH' && c.route.startsWith(`/channels/${CHANNEL_ID}/messages/`));
    expect(edits.length).toBeGreaterThan(0);
    for (let i = 1; i < edits.length; i++) expect(edits[i]!.at - edits[i - 1]!.at).toBeGreaterThanOrEqual(1900);
  }, 180_000);

  it('checks the publish channel when it is set: missing rights are named and nothing is saved', async () => {
    dc.channels.set(NO_FILES, { name: 'no-files', deny: 1n << 15n });
    dc.channels.set(PUBLISH, { name: 'shorts' });
    const refused = await send(settings(ADMIN, NO_FILES, 'no-files'));
    expect(embedOf(refused.find((c) => c.method === 'PATCH'))?.description).toMatch(/#no-files cannot be the publish channel: the bot is missing Attach Files there/);
    expect((await app.db.prisma.chatSettings.findFirst())?.publishChannelId ?? null).toBeNull();
    const byMember = await send(settings(MEMBER, PUBLISH, 'shorts'));
    expect(embedOf(byMember.find((c) => c.method === 'PATCH'))?.description).toMatch(/Only people who can manage/);
    const saved = await send(settings(ADMIN, PUBLISH, 'shorts', [{ name: 'timezone', type: 3, value: 'europe/berlin' }]));
    expect(embedOf(saved.find((c) => c.method === 'PATCH'))?.description).toMatch(new RegExp(`Time zone: Europe/Berlin[^]*Publish channel: ${PUBLISH}`));
  });

  it('Schedule under the video: refused to a member, a form for the approver, then the exact time', async () => {
    const schedule = buttonsIn(videoMsg).find((b) => /Schedule/.test(b.label))!.custom_id;
    const click = button(MEMBER, schedule);
    dc.dispatch('INTERACTION_CREATE', click);
    // A form action answers in the callback itself: a modal, or (here) an ephemeral refusal.
    const answer = await dc.waitFor((c) => c.route.includes(`/interactions/${click.id}/`));
    expect(answer.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(JSON.stringify(answer.body)).toMatch(/Only people who can manage/);
    const opened = await send(button(ADMIN, schedule));
    expect(callbackType(opened)).toBe(9);
    const form = opened.find((c) => c.route.endsWith('/callback'))!.body.data as { custom_id: string; components: { components: { custom_id: string }[] }[] };
    expect(form.components.map((r) => r.components[0]!.custom_id)).toEqual(['when', 'targets']);
    const calls = await send(modal(ADMIN, form.custom_id, { when: 'tomorrow 18:00', targets: '' }));
    expect(callbackType(calls)).toBe(5); // a new message: the video stays as it is
    const confirmation = embedOf(calls.find((c) => c.method === 'PATCH' && c.route.endsWith('/messages/@original')));
    expect(confirmation?.title).toMatch(/^Scheduled — /);
    expect(confirmation?.description).toMatch(/Posts on \w{3} \d+ \w{3} \d{4}, 18:00 \(Europe\/Berlin\) — \d{4}-\d\d-\d\d 1[67]:00 UTC\.\nTo: the publish channel/);
    expect(await app.db.prisma.publication.count()).toBe(1);
  });

  it('posts the video once to the publish channel when it is due, and tells the chat with a link', async () => {
    const pub = (await app.db.prisma.publication.findFirst())!;
    expect(await app.scheduler!.tick()).toBe(0);
    clock = new Date(pub.dueAt.getTime() + 1000);
    expect(await app.scheduler!.tick()).toBe(1);
    const posts = dc.calls.filter((c) => c.method === 'POST' && c.route === `/channels/${PUBLISH}/messages`);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.files.map((f) => f.filename)).toEqual(['video.mp4', 'cover.jpg']);
    expect(posts[0]!.body).toMatchObject({ nonce: pub.id.replace(/-/g, '').slice(0, 25), enforce_nonce: true });
    expect(embedOf(posts[0])?.description).toMatch(/#octopuses/);
    const told = await dc.waitFor((c) => c.method === 'POST' && c.route === `/channels/${CHANNEL_ID}/messages` && /Posted “/.test(String(embedOf(c)?.description)));
    expect(embedOf(told)?.description).toMatch(new RegExp(`to the publish channel \\(${PUBLISH}\\)\\.\\nhttps://discord\\.com/channels/${GUILD_ID}/${PUBLISH}/\\d+`));
    clock = new Date(clock.getTime() + 3_600_000);
    expect(await app.scheduler!.tick()).toBe(0);
    expect((await app.db.prisma.run.findFirst())!.publishedAt).not.toBeNull();
    // Nothing waits any more; Post now says where it already went.
    const list = await send(slash(ADMIN, 'scheduled'));
    expect(embedOf(list.find((c) => c.method === 'PATCH'))?.description).toMatch(/Nothing is scheduled/);
    const again = await send(button(ADMIN, buttonsIn(videoMsg).find((b) => /Schedule/.test(b.label))!.custom_id.replace('|schedule|', '|postnow|')));
    expect(embedOf(again.find((c) => /^\/webhooks\//.test(c.route)))?.description).toMatch(/already posted to the publish channel/);
  });

  it('/video stats: an approver records numbers; the chat gets them with the chart', async () => {
    const str = (name: string, value: string) => ({ name, type: 3, value });
    const member = await send(slash(MEMBER, 'stats', [str('views', '50')]));
    expect(embedOf(member.find((c) => c.method === 'PATCH'))?.description).toMatch(/Only /);
    const recorded = await send(slash(ADMIN, 'stats', [str('views', '3M'), str('likes', '90k'), str('platform', 'instagram')]));
    expect(embedOf(recorded.find((c) => c.method === 'PATCH'))?.description).toMatch(/Recorded for “.*” on Instagram: 3,000,000 views, 90,000 likes\./);
    const shown = await send(slash(MEMBER, 'stats'));
    const reply = shown.find((c) => c.method === 'PATCH')!;
    expect(embedOf(reply)?.description).toMatch(/1\. .* — 3M views, 90k likes · Instagram/);
    expect(reply.files.map((f) => f.filename)).toContain('stats.png');
  });

  it('registers /video globally when Discord has none, and leaves a current one alone', async () => {
    const config = loadConfig({ DATA_DIR: dataDir, DISCORD_TOKEN: TOKEN, DISCORD_API_URL: dc.apiUrl });
    dc.globalCommands.length = 0;
    expect(await ensureGlobalCommands(config)).toBe('registered');
    expect((dc.globalCommands[0] as { name: string }).name).toBe('video');
    expect(await ensureGlobalCommands(config)).toBe('current');
    expect(dc.calls.filter((c) => c.method === 'PUT' && /commands$/.test(c.route))).toHaveLength(1);
  });

  it('answers forged, stale and foreign buttons ephemerally', async () => {
    for (const [id, text] of [
      ['nonsense', /older version/],
      ['1|approve|00000000-0000-4000-8000-000000000000|abcdef12|', /no longer exists/],
      ['1|hook|not-a-uuid||1', /not valid/],
    ] as const) {
      const calls = await send(button(ADMIN, id));
      const reply = calls.find((c) => /^\/webhooks\//.test(c.route));
      expect(reply?.body.flags).toBe(64);
      expect(embedOf(reply)?.description).toMatch(text);
    }
  });

  it('refuses hostile topics without creating anything', async () => {
    const before = await app.db.prisma.project.count();
    const calls = await send(slash(MEMBER, 'create', [{ name: 'topic', type: 3, value: '{\\an8} <@&123> [0:v]drawtext' }]));
    const reply = calls.find((c) => /^\/webhooks\//.test(c.route) && c.method === 'POST');
    expect(reply?.body.flags).toBe(64);
    expect(embedOf(reply)?.description).toMatch(/plain text/);
    expect(await app.db.prisma.project.count()).toBe(before);
  });

  it('rides out 429s (discord.js retries) and loses nothing', async () => {
    const payload = slash(MEMBER, 'list');
    dc.rateLimit(new RegExp(payload.token), 2);
    const n = dc.calls.length;
    dc.dispatch('INTERACTION_CREATE', payload);
    await dc.waitFor((c) => c.method === 'PATCH' && c.route.includes(payload.token) && /Videos in this chat/.test(String(embedOf(c)?.title)), 15_000);
    // Two refused attempts, then the acknowledgement, then the reply: nothing lost, nothing doubled.
    const attempts = dc.calls.slice(n).filter((c) => c.route.includes(payload.token));
    expect(attempts.length).toBe(4);
    expect(attempts.filter((c) => c.method === 'PATCH')).toHaveLength(1);
  });
});
