import { verifyWebhook, SIGNATURE_HEADER } from '../../../pipeline/publish/targets/webhook';
import { sendJson, startFakeServer, type FakeServer } from './http';
import { parseMultipart, type Part } from './multipart';

export interface Delivery {
  key: string;
  verified: boolean;
  metadata: Record<string, unknown>;
  parts: Part[];
  at: number;
}

/** What the receiver does with the next request: answer with a status, or never answer. */
export type Behaviour = { status: number; body?: string } | 'hang';

export interface FakeWebhook extends FakeServer {
  /** Every request that arrived, repeats included. */
  deliveries: Delivery[];
  /** Posts the receiver kept: one per Idempotency-Key, as a receiver that honours it would. */
  posts: Map<string, Delivery>;
  /** Behaviours for the next requests, in order; afterwards every request gets 200. */
  next: Behaviour[];
  waitFor(n: number, timeoutMs?: number): Promise<void>;
}

/**
 * A webhook receiver on 127.0.0.1 like an n8n workflow that checks the signature and drops
 * repeats by Idempotency-Key: it records each delivery, keeps one post per key, and answers
 * as told (a status, or nothing at all until the sender gives up or dies).
 */
export async function startFakeWebhook(secret: string): Promise<FakeWebhook> {
  const deliveries: Delivery[] = [];
  const posts = new Map<string, Delivery>();
  const next: Behaviour[] = [];
  let seq = 1;
  const server = await startFakeServer((req, res) => {
    const parts = parseMultipart(req.body, String(req.headers['content-type'] ?? ''));
    const meta = parts.find((p) => p.name === 'metadata');
    const d: Delivery = {
      key: String(req.headers['idempotency-key'] ?? ''),
      verified: verifyWebhook(secret, req.body, req.headers[SIGNATURE_HEADER] as string | undefined),
      metadata: meta ? (JSON.parse(meta.data.toString('utf8')) as Record<string, unknown>) : (JSON.parse(req.body.toString('utf8') || '{}') as Record<string, unknown>),
      parts, at: Date.now(),
    };
    deliveries.push(d);
    const behaviour = next.shift() ?? { status: 200 };
    if (behaviour === 'hang') return; // the connection stays open
    if (behaviour.status >= 200 && behaviour.status < 300 && d.verified && !posts.has(d.key)) posts.set(d.key, d);
    if (behaviour.body !== undefined) {
      res.writeHead(behaviour.status, { 'content-type': 'text/plain' });
      res.end(behaviour.body);
      return;
    }
    sendJson(res, behaviour.status, behaviour.status < 300 ? { id: `post-${seq++}` } : { message: 'no' });
  });
  return {
    ...server,
    deliveries,
    posts,
    next,
    async waitFor(n, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (deliveries.length < n) {
        if (Date.now() > deadline) throw new Error(`only ${deliveries.length} of ${n} webhook deliveries arrived`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}
