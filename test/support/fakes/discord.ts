import { WebSocketServer, type WebSocket } from 'ws';
import { sendJson, startFakeServer, type FakeServer, type RecordedRequest } from './http';
import { parseMultipart, type Part } from './multipart';

export const APP_ID = '700000000000000001';
export const BOT_ID = '700000000000000002';
export const GUILD_ID = '800000000000000001';
export const CHANNEL_ID = '800000000000000002';
/** The bot's own role in the fake server. */
export const BOT_ROLE_ID = '800000000000000003';

/** A channel of the fake server: its name and the bot role's allow/deny overwrites. */
export interface FakeChannel {
  name: string;
  type?: number;
  /** Permission bits denied to the bot's role in this channel. */
  deny?: bigint;
}

export interface DiscordCall {
  method: string;
  route: string;
  body: Record<string, unknown>;
  files: Part[];
  at: number;
}

export interface FakeDiscord extends FakeServer {
  apiUrl: string;
  calls: DiscordCall[];
  /** Sends a gateway dispatch (e.g. INTERACTION_CREATE) to the connected client. */
  dispatch(t: string, d: unknown): void;
  connected: Promise<void>;
  waitFor(pred: (c: DiscordCall) => boolean, timeoutMs?: number): Promise<DiscordCall>;
  /** Make the next N calls to routes matching `re` answer 429. */
  rateLimit(re: RegExp, times: number): void;
  /** Channels of the fake server, by id (the bot's role may be denied permissions in each). */
  channels: Map<string, FakeChannel>;
  /** The application commands registered globally (PUT replaces them). */
  globalCommands: unknown[];
}

/** What the bot's role may do server-wide: view, send, embed links, attach files, read history. */
const BOT_PERMISSIONS = (1n << 10n) | (1n << 11n) | (1n << 14n) | (1n << 15n) | (1n << 16n);

/**
 * A fake Discord on 127.0.0.1: the REST routes the bot uses (interaction callbacks answered 204
 * without a content type, webhook and channel messages returning full Message objects) and a
 * gateway WebSocket that says HELLO, answers IDENTIFY with READY, ACKs heartbeats and relays
 * dispatches.
 */
export async function startFakeDiscord(): Promise<FakeDiscord> {
  const calls: DiscordCall[] = [];
  let nextId = 900000000000000000n;
  let seq = 1;
  let socket: WebSocket | null = null;
  let onConnected!: () => void;
  const connected = new Promise<void>((r) => (onConnected = r));
  const limits: { re: RegExp; times: number }[] = [];
  const channels = new Map<string, FakeChannel>([[CHANNEL_ID, { name: 'videos' }]]);
  const globalCommands: unknown[] = [];
  const role = (id: string, name: string, permissions: bigint, position: number) => ({ id, name, permissions: String(permissions), position, color: 0, hoist: false, managed: false, mentionable: false, flags: 0, icon: null, unicode_emoji: null });
  const guild = () => ({
    id: GUILD_ID, name: 'Team', icon: null, splash: null, discovery_splash: null, owner_id: '100000000000000011', afk_channel_id: null, afk_timeout: 300,
    verification_level: 0, default_message_notifications: 0, explicit_content_filter: 0, mfa_level: 0, features: [], emojis: [], stickers: [],
    roles: [role(GUILD_ID, '@everyone', 0n, 0), role(BOT_ROLE_ID, 'shortsmith', BOT_PERMISSIONS, 1)],
    system_channel_id: null, system_channel_flags: 0, rules_channel_id: null, vanity_url_code: null, description: null, banner: null, premium_tier: 0,
    preferred_locale: 'en-US', public_updates_channel_id: null, nsfw_level: 0, premium_progress_bar_enabled: false, safety_alerts_channel_id: null,
  });
  const channelData = (id: string, c: FakeChannel) => ({
    id, type: c.type ?? 0, guild_id: GUILD_ID, name: c.name, position: 0, parent_id: null, nsfw: false, topic: null, rate_limit_per_user: 0, last_message_id: null,
    permission_overwrites: c.deny ? [{ id: BOT_ROLE_ID, type: 0, allow: '0', deny: String(c.deny) }] : [],
  });
  const message = (channelId: string, body: Record<string, unknown>) => ({
    id: String(nextId++), channel_id: channelId, guild_id: GUILD_ID, type: 0, content: body.content ?? '', embeds: body.embeds ?? [], components: body.components ?? [],
    attachments: [], mentions: [], mention_roles: [], mention_everyone: false, pinned: false, tts: false, timestamp: new Date().toISOString(), edited_timestamp: null, flags: Number(body.flags ?? 0),
    author: { id: BOT_ID, username: 'shortsmith', discriminator: '0', avatar: null, bot: true, global_name: null },
  });

  const nonces = new Map<string, unknown>();
  let wsUrl = '';
  const fake = await startFakeServer((req: RecordedRequest, res) => {
    const route = decodeURIComponent(req.path.replace(/^\/api\/v10/, '').split('?')[0]!);
    const type = String(req.headers['content-type'] ?? '');
    let body: Record<string, unknown> = {};
    let files: Part[] = [];
    if (type.startsWith('multipart/')) {
      const parts = parseMultipart(req.body, type);
      const json = parts.find((p) => p.name === 'payload_json');
      body = json ? (JSON.parse(json.data.toString('utf8')) as Record<string, unknown>) : {};
      files = parts.filter((p) => p.filename);
    } else if (req.body.length) body = JSON.parse(req.body.toString('utf8')) as Record<string, unknown>;
    calls.push({ method: req.method, route, body, files, at: Date.now() });
    const limit = limits.find((l) => l.re.test(route) && l.times > 0);
    if (limit) {
      limit.times--;
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1', 'x-ratelimit-scope': 'user' });
      res.end(JSON.stringify({ message: 'You are being rate limited.', retry_after: 0.3, global: false }));
      return;
    }
    if (req.method === 'GET' && route === '/gateway/bot') {
      return sendJson(res, 200, { url: wsUrl, shards: 1, session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 } });
    }
    if (req.method === 'GET' && route === '/users/@me') return sendJson(res, 200, { id: BOT_ID, username: 'shortsmith', discriminator: '0', bot: true });
    if (req.method === 'GET' && route === '/applications/@me') return sendJson(res, 200, { id: APP_ID, name: 'shortsmith', flags: 0 });
    if (req.method === 'POST' && /^\/interactions\/\d+\/[^/]+\/callback$/.test(route)) {
      res.writeHead(204);
      res.end();
      return;
    }
    const webhook = /^\/webhooks\/\d+\/[^/]+(\/messages\/(@original|\d+))?$/.exec(route);
    if (webhook) {
      if (req.method === 'DELETE') {
        res.writeHead(204);
        res.end();
        return;
      }
      return sendJson(res, 200, message(CHANNEL_ID, body));
    }
    const channel = /^\/channels\/(\d+)\/messages(\/\d+)?$/.exec(route);
    if (channel) {
      // Like Discord: a channel the bot may not send files to refuses with 403 Missing Permissions.
      const c = channels.get(channel[1]!);
      if (req.method === 'POST' && c?.deny && (c.deny & ((1n << 11n) | (1n << 15n)))) return sendJson(res, 403, { message: 'Missing Permissions', code: 50013 });
      // enforce_nonce: a repeat of a recent nonce returns the first message instead of a new one.
      const nonce = req.method === 'POST' && body.enforce_nonce ? String(body.nonce ?? '') : '';
      if (nonce && nonces.has(nonce)) return sendJson(res, 200, nonces.get(nonce));
      const msg = message(channel[1]!, body);
      if (nonce) nonces.set(nonce, msg);
      return sendJson(res, 200, msg);
    }
    if (req.method === 'PUT' && /^\/applications\/\d+\/commands$/.test(route)) {
      globalCommands.splice(0, globalCommands.length, ...(JSON.parse(req.body.toString('utf8')) as unknown[]));
      return sendJson(res, 200, globalCommands);
    }
    if (req.method === 'GET' && /^\/applications\/\d+\/commands$/.test(route)) return sendJson(res, 200, globalCommands);
    if (req.method === 'PUT' && /^\/applications\/\d+\/guilds\/\d+\/commands$/.test(route)) return sendJson(res, 200, []);
    if (req.method === 'GET' && route === `/guilds/${GUILD_ID}`) return sendJson(res, 200, guild());
    if (req.method === 'GET' && route === `/guilds/${GUILD_ID}/members/${BOT_ID}`) {
      return sendJson(res, 200, { user: { id: BOT_ID, username: 'shortsmith', discriminator: '0', avatar: null, bot: true, global_name: null }, roles: [BOT_ROLE_ID], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0, nick: null, avatar: null, premium_since: null, pending: false, communication_disabled_until: null });
    }
    const channelGet = /^\/channels\/(\d+)$/.exec(route);
    if (req.method === 'GET' && channelGet) {
      const c = channels.get(channelGet[1]!);
      return c ? sendJson(res, 200, channelData(channelGet[1]!, c)) : sendJson(res, 404, { message: 'Unknown Channel', code: 10003 });
    }
    sendJson(res, 404, { message: `no fake for ${req.method} ${route}`, code: 0 });
  });

  const wss = new WebSocketServer({ server: fake.server, path: '/gateway' });
  wsUrl = `${fake.url.replace('http', 'ws')}/gateway`;
  wss.on('connection', (ws) => {
    socket = ws;
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41250 }, s: null, t: null }));
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as { op: number };
      if (msg.op === 1) ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
      if (msg.op === 2) {
        ws.send(JSON.stringify({
          op: 0, t: 'READY', s: seq++,
          d: { v: 10, user: { id: BOT_ID, username: 'shortsmith', discriminator: '0', avatar: null, bot: true, global_name: null }, guilds: [], session_id: 'sess', resume_gateway_url: wsUrl, application: { id: APP_ID, flags: 0 } },
        }));
        onConnected();
      }
    });
  });

  return {
    ...fake,
    apiUrl: `${fake.url}/api`,
    calls,
    connected,
    dispatch(t, d) {
      socket?.send(JSON.stringify({ op: 0, t, s: seq++, d }));
    },
    rateLimit: (re, times) => limits.push({ re, times }),
    channels,
    globalCommands,
    async waitFor(pred, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = calls.find(pred);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`no matching Discord call in ${timeoutMs} ms; saw ${calls.map((c) => `${c.method} ${c.route}`).join(', ')}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      await fake.close();
    },
  };
}
