import { WebSocketServer, type WebSocket } from 'ws';
import { sendJson, startFakeServer, type FakeServer, type RecordedRequest } from './http';
import { parseMultipart, type Part } from './multipart';

export const APP_ID = '700000000000000001';
export const BOT_ID = '700000000000000002';
export const GUILD_ID = '800000000000000001';
export const CHANNEL_ID = '800000000000000002';

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
}

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
  const message = (channelId: string, body: Record<string, unknown>) => ({
    id: String(nextId++), channel_id: channelId, guild_id: GUILD_ID, type: 0, content: body.content ?? '', embeds: body.embeds ?? [], components: body.components ?? [],
    attachments: [], mentions: [], mention_roles: [], mention_everyone: false, pinned: false, tts: false, timestamp: new Date().toISOString(), edited_timestamp: null, flags: Number(body.flags ?? 0),
    author: { id: BOT_ID, username: 'shortsmith', discriminator: '0', avatar: null, bot: true, global_name: null },
  });

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
    if (channel) return sendJson(res, 200, message(channel[1]!, body));
    if (req.method === 'PUT' && /^\/applications\/\d+(\/guilds\/\d+)?\/commands$/.test(route)) return sendJson(res, 200, []);
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
