import type { ServerResponse } from 'node:http';
import { sendJson, startFakeServer, type FakeServer, type RecordedRequest } from './http';
import { parseMultipart, type Part } from './multipart';

export interface TelegramCall {
  method: string;
  params: Record<string, unknown>;
  files: Part[];
  at: number;
}

export interface FakeTelegram extends FakeServer {
  apiRoot: string;
  calls: TelegramCall[];
  /** Chat administrators by chat id. */
  admins: Map<string, number[]>;
  /** Make the next N calls of a method fail with 429 retry_after. */
  rateLimit(method: string, times: number, retryAfter: number): void;
  /** Updates handed out by getUpdates (long polling). */
  updates: unknown[];
  waitFor(method: string, predicate?: (c: TelegramCall) => boolean, timeoutMs?: number): Promise<TelegramCall>;
  /** Channels and groups getChat knows, with their members' statuses (getChatMember). */
  chats: Map<string, FakeChat>;
  /** Methods that answer only after this many milliseconds. */
  delays: Map<string, number>;
}

export interface FakeChat {
  id: number;
  type: 'channel' | 'supergroup' | 'group';
  title: string;
  username?: string;
  /** user id → what getChatMember answers (status and rights); others are `left`. */
  members: Map<number, Record<string, unknown>>;
}

/**
 * A fake Telegram Bot API on 127.0.0.1: `POST /bot<token>/<method>`, JSON or multipart, answers
 * `{ ok, result }` like the real one (messages get increasing ids), long-polls getUpdates.
 */
export async function startFakeTelegram(token: string): Promise<FakeTelegram> {
  const calls: TelegramCall[] = [];
  const admins = new Map<string, number[]>();
  const limits = new Map<string, { times: number; retryAfter: number }>();
  const updates: unknown[] = [];
  let nextMessageId = 100;
  const chats = new Map<string, FakeChat>();
  const delays = new Map<string, number>();
  const findChat = (ref: unknown) => [...chats.values()].find((c) => String(c.id) === String(ref) || (c.username && `@${c.username}` === String(ref)));
  const message = (params: Record<string, unknown>) => {
    const known = findChat(params.chat_id);
    return {
      message_id: nextMessageId++, date: Math.floor(Date.now() / 1000),
      chat: known ? { id: known.id, type: known.type, title: known.title, ...(known.username ? { username: known.username } : {}) } : { id: Number(params.chat_id), type: Number(params.chat_id) < 0 ? 'supergroup' : 'private' },
      text: params.text, caption: params.caption,
    };
  };
  const answer = (res: ServerResponse, result: unknown) => sendJson(res, 200, { ok: true, result });

  const server = await startFakeServer(async (req: RecordedRequest, res) => {
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.path);
    if (!m || m[1] !== token) return sendJson(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = m[2]!;
    const type = String(req.headers['content-type'] ?? '');
    let params: Record<string, unknown> = {};
    let files: Part[] = [];
    if (type.startsWith('multipart/')) {
      files = parseMultipart(req.body, type);
      for (const p of files.filter((f) => !f.filename)) params[p.name] = p.data.toString('utf8');
      files = files.filter((f) => f.filename);
    } else if (req.body.length) params = JSON.parse(req.body.toString('utf8')) as Record<string, unknown>;
    const call = { method, params, files, at: Date.now() };
    calls.push(call);
    const delay = delays.get(method);
    if (delay) await new Promise((r) => setTimeout(r, delay));
    const limit = limits.get(method);
    if (limit && limit.times > 0) {
      limit.times--;
      return sendJson(res, 429, { ok: false, error_code: 429, description: `Too Many Requests: retry after ${limit.retryAfter}`, parameters: { retry_after: limit.retryAfter } });
    }
    switch (method) {
      case 'getMe': return answer(res, { id: 4242, is_bot: true, first_name: 'shortsmith', username: 'shortsmith_bot' });
      case 'getUpdates': {
        const offset = Number(params.offset ?? 0);
        const pending = (updates as { update_id: number }[]).filter((u) => u.update_id >= offset);
        if (pending.length || Number(params.timeout ?? 0) === 0) return answer(res, pending);
        await new Promise((r) => setTimeout(r, 200));
        return answer(res, (updates as { update_id: number }[]).filter((u) => u.update_id >= offset));
      }
      case 'getChatAdministrators':
        return answer(res, (admins.get(String(params.chat_id)) ?? []).map((id) => ({ status: 'administrator', user: { id, is_bot: false, first_name: `admin${id}` } })));
      case 'getChat': {
        const chat = findChat(params.chat_id);
        if (!chat) return sendJson(res, 400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' });
        return answer(res, { id: chat.id, type: chat.type, title: chat.title, ...(chat.username ? { username: chat.username } : {}) });
      }
      case 'getChatMember': {
        const chat = findChat(params.chat_id);
        if (!chat) return sendJson(res, 400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' });
        const id = Number(params.user_id);
        return answer(res, { user: { id, is_bot: id === 4242, first_name: `u${id}` }, ...(chat.members.get(id) ?? { status: 'left' }) });
      }
      case 'sendMessage': case 'sendPhoto': case 'sendVideo': case 'editMessageText': case 'editMessageCaption':
        return answer(res, message(params));
      default:
        return answer(res, true);
    }
  });
  return {
    ...server,
    apiRoot: server.url,
    calls,
    admins,
    updates,
    chats,
    delays,
    rateLimit: (method, times, retryAfter) => limits.set(method, { times, retryAfter }),
    async waitFor(method, predicate = () => true, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = calls.find((c) => c.method === method && predicate(c));
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`no ${method} call within ${timeoutMs} ms; saw ${calls.map((c) => c.method).join(', ')}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

/** The bot's own identity as getMe returns it, given to grammY so tests skip the call. */
export const TEST_BOT_INFO = {
  id: 4242, is_bot: true as const, first_name: 'shortsmith', username: 'shortsmith_bot', can_join_groups: true, can_read_all_group_messages: false,
  supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false, has_topics_enabled: false, allows_users_to_create_topics: false,
  can_manage_bots: false, supports_join_request_queries: false,
};

/** The inline keyboard a recorded call carried (grammY sends it as JSON text in multipart calls). */
export function buttonsOf(c: TelegramCall): { text: string; callback_data: string }[][] {
  const markup = typeof c.params.reply_markup === 'string' ? JSON.parse(c.params.reply_markup) : c.params.reply_markup;
  return (markup as { inline_keyboard?: { text: string; callback_data: string }[][] } | undefined)?.inline_keyboard ?? [];
}
