import { createHmac, timingSafeEqual } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import { BlockList, isIP } from 'node:net';
import { UserError } from '../../../core/errors';
import { metadataDocument, networkError, PublishError, type PublishTarget } from './types';

/** The signature header, as GitHub signs its webhooks: `sha256=<hex HMAC-SHA256 of the raw body>`. */
export const SIGNATURE_HEADER = 'x-shortsmith-signature-256';

/** The signature header's value for a body. */
export function signWebhook(secret: string, body: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** What a receiver does: recompute over the raw body and compare in constant time. */
export function verifyWebhook(secret: string, body: Buffer, header: string | undefined): boolean {
  const expected = Buffer.from(signWebhook(secret, body));
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A URL a webhook may be: http(s), no spaces, no credentials shown anywhere. */
export function isWebhookUrl(text: string): boolean {
  if (text.length > 500 || !/^https?:\/\/\S+$/i.test(text)) return false;
  try {
    return Boolean(new URL(text).host);
  } catch {
    return false;
  }
}

/** A webhook's host: all of its URL that is shown to people (paths often carry a secret). */
export const webhookHost = (url: string): string | null => {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
};

/** How a webhook is named to people. */
export const webhookLabel = (url: string): string => {
  const host = webhookHost(url);
  return host ? `the webhook at ${host}` : 'the webhook';
};

/** Addresses a webhook may not reach unless the operator allows it: this machine, its networks, cloud metadata. */
const PRIVATE = new BlockList();
for (const [net, bits] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 3]] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [['::', 127], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) PRIVATE.addSubnet(net, bits, 'ipv6');

/** Whether an address is private, loopback, link-local or otherwise not on the public internet. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
  return PRIVATE.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

/**
 * Refuses a webhook whose host is, or resolves to, a private address: a chat must not make the
 * server POST to itself or its network (and read the answer back in the error). Operators
 * whose n8n runs beside the bot allow it with WEBHOOK_ALLOW_PRIVATE.
 */
export async function assertPublicHost(url: string): Promise<void> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : await lookup(host, { all: true }).then((r) => r.map((a) => a.address), () => null);
  if (!addresses) throw new UserError('webhook_unresolved', `${webhookLabel(url)} cannot be found (its name does not resolve). Check the URL.`);
  const inside = addresses.find(isPrivateAddress);
  if (inside) {
    throw new UserError('webhook_private', `${webhookLabel(url)} is a private address (${inside}), which webhooks may not reach. If the receiver runs beside the bot, the bot owner sets WEBHOOK_ALLOW_PRIVATE=true.`);
  }
}

/** A receiver's answer, short and on one line, for error messages. */
const snippet = (text: string) => text.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').trim().slice(0, 200);

export interface WebhookOptions {
  /** WEBHOOK_SECRET: every body is signed with it. */
  secret?: string;
  /** WEBHOOK_ALLOW_PRIVATE: may webhooks reach private addresses (a receiver beside the bot)? */
  allowPrivate?: boolean;
  /** WEBHOOK_URL: the server's default when a chat has set none. */
  defaultUrl?: string;
  timeoutMs?: number;
}

async function send(url: string, body: Buffer, contentType: string, secret: string, idempotencyKey: string, signal: AbortSignal, timeoutMs: number): Promise<Response> {
  const headers = { 'content-type': contentType, 'idempotency-key': idempotencyKey, [SIGNATURE_HEADER]: signWebhook(secret, body), 'user-agent': 'shortsmith-webhook/1' };
  try {
    return await fetch(url, { method: 'POST', headers, body, redirect: 'error', signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) });
  } catch (err) {
    if (signal.aborted) throw err;
    throw networkError(err, webhookLabel(url));
  }
}

/**
 * Sends a signed test event (`{"event":"ping"}`) so a URL is tried when a manager sets it:
 * resolves on 2xx, throws a UserError saying what the receiver answered otherwise.
 */
export async function pingWebhook(url: string, secret: string, opts: { allowPrivate?: boolean; timeoutMs?: number } = {}): Promise<void> {
  if (!opts.allowPrivate) await assertPublicHost(url);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const body = Buffer.from(JSON.stringify({ event: 'ping', sentAt: new Date().toISOString() }));
  let res: Response;
  try {
    res = await send(url, body, 'application/json', secret, `ping-${Date.now()}`, new AbortController().signal, timeoutMs);
  } catch (err) {
    throw new UserError('webhook_unreachable', `${webhookLabel(url)} could not be reached (${(err as Error).message}). Check the URL, then set it again.`);
  }
  if (!res.ok) {
    const text = snippet(await res.text().catch(() => ''));
    throw new UserError('webhook_refused', `${webhookLabel(url)} answered HTTP ${res.status}${text ? `: ${text}` : ''}. Check the URL (in n8n: the production URL of an active workflow), then set it again.`);
  }
}

/**
 * POSTs the post to a URL as multipart/form-data — a `metadata` JSON part, the `video` and the
 * `thumbnail` — which n8n, Zapier and Make take as they are. The body is signed with
 * HMAC-SHA256 (`X-Shortsmith-Signature-256`), and `Idempotency-Key` is the publication id on
 * every attempt, so a receiver that got a delivery just before a crash can drop the repeat.
 * 2xx is posted; 4xx fails at once with the answer; 5xx and no answer are tried again.
 */
export function makeWebhookTarget(opts: WebhookOptions): PublishTarget {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  return {
    kind: 'webhook',
    label: webhookLabel,
    async prepare({ settings, ref }) {
      const url = ref ?? settings.webhookUrl ?? opts.defaultUrl;
      if (!url) throw new UserError('no_webhook', 'No webhook URL is set for this chat. A manager sets one in /video settings (webhook).');
      if (!isWebhookUrl(url)) throw new UserError('webhook_url', 'The webhook must be an http(s) URL, e.g. https://n8n.example.com/webhook/shorts.');
      if (!opts.secret) throw new UserError('no_webhook_secret', 'Webhooks are off on this server: the bot owner sets WEBHOOK_SECRET, which signs every post.');
      if (!opts.allowPrivate) await assertPublicHost(url);
      return url;
    },
    async publish(item, url) {
      if (!opts.secret) throw new PublishError('WEBHOOK_SECRET is not set on the server', false, 'Ask the bot owner to set WEBHOOK_SECRET, then press Post now.');
      // Again at send time: a name can resolve elsewhere now than when it was scheduled.
      if (!opts.allowPrivate) {
        await assertPublicHost(url).catch((err: Error) => {
          throw new PublishError(err.message.replace(/\.$/, ''), err instanceof UserError && err.code === 'webhook_unresolved', 'Fix the webhook in /video settings, then press Post now.');
        });
      }
      const form = new FormData();
      form.set('metadata', JSON.stringify({ event: 'video.published', ...metadataDocument(item, new Date()) }));
      form.set('video', new Blob([await readFile(item.meta.videoPath)], { type: 'video/mp4' }), 'video.mp4');
      if (item.meta.thumbPath) form.set('thumbnail', new Blob([await readFile(item.meta.thumbPath)], { type: 'image/jpeg' }), 'thumbnail.jpg');
      // The platform's own encoder writes the multipart body once; the signature covers those bytes.
      const encoded = new Response(form);
      const body = Buffer.from(await encoded.arrayBuffer());
      await item.saveHandoff({ ...item.handoff, deliveries: Number(item.handoff.deliveries ?? 0) + 1 });
      const res = await send(url, body, encoded.headers.get('content-type')!, opts.secret, item.publication.id, item.signal, timeoutMs);
      const text = await res.text().catch(() => '');
      if (res.ok) {
        let answer: { id?: unknown; url?: unknown } = {};
        try {
          answer = JSON.parse(text) as typeof answer;
        } catch { /* a plain-text answer is fine */ }
        const id = typeof answer.id === 'string' || typeof answer.id === 'number' ? String(answer.id) : undefined;
        const link = typeof answer.url === 'string' && /^https?:\/\//.test(answer.url) ? answer.url : undefined;
        return { externalId: id, url: link };
      }
      const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
      const retryAfter = Number(res.headers.get('retry-after'));
      throw new PublishError(`${webhookLabel(url)} answered HTTP ${res.status}${text ? `: ${snippet(text)}` : ''}`, retryable,
        retryable ? 'It will be tried again.' : 'Check the receiver (in n8n: is the workflow active?), then press Post now.',
        retryable && retryAfter > 0 ? Math.min(retryAfter, 3600) * 1000 : undefined);
    },
  };
}
