import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { sendJson, type RecordedRequest } from './http';
import { startFakeOAuth, type FakeOAuth } from './oauth';

const MB = 1024 * 1024;

export interface FakePublish {
  id: string;
  size: number;
  chunkSize: number;
  total: number;
  postInfo: Record<string, unknown>;
  bytes: Buffer;
  ranges: string[];
  status: 'PROCESSING_UPLOAD' | 'PROCESSING_DOWNLOAD' | 'PUBLISH_COMPLETE' | 'FAILED';
  polls: number;
  postId?: string;
}

export interface FakeTikTok extends FakeOAuth {
  publishes: Map<string, FakePublish>;
  /** Privacy levels creator_info offers (an unaudited app: only SELF_ONLY). */
  privacy: string[];
  maxDurationSec: number;
  /** The next init answers with this error code. */
  initError: string | null;
  /** Status fetches before a complete upload is published. */
  pollsToPublish: number;
  /** The chunk PUT with this number (1-based, counting all) gets no answer and keeps nothing: its sender is about to die. */
  holdAtPut: number | null;
  chunkPuts: number;
  /** Public counts by post id for the video query; a post not here was deleted. */
  stats: Map<string, { view_count: number; like_count: number; comment_count: number; share_count: number }>;
  /** The next video queries answer with this error code (e.g. rate_limit_exceeded). */
  queryError: string | null;
  /** The id lists the video queries asked for, in order. */
  queries: string[][];
}

const ok = (res: ServerResponse, data: unknown) => sendJson(res, 200, { data, error: { code: 'ok', message: '', log_id: 'log' } });
const fail = (res: ServerResponse, status: number, code: string, message: string) => sendJson(res, status, { data: {}, error: { code, message, log_id: 'log' } });

/**
 * TikTok's OAuth (client_key, rotating refresh tokens) and Content Posting API on 127.0.0.1:
 * creator_info, video init with the chunk rules checked, ordered chunk PUTs checked byte for byte
 * against Content-Range, and status polling that completes after a few fetches.
 */
export async function startFakeTikTok(): Promise<FakeTikTok> {
  const publishes = new Map<string, FakePublish>();
  const stats: FakeTikTok['stats'] = new Map();
  const s = { queryError: null as string | null, queries: [] as string[][], privacy: ['PUBLIC_TO_EVERYONE', 'FOLLOWER_OF_CREATOR', 'SELF_ONLY'], maxDurationSec: 600, initError: null as string | null, pollsToPublish: 2, hold: null as number | null, puts: 0 };
  const api = (req: RecordedRequest, res: ServerResponse, authorized: boolean): boolean => {
    const path = new URL(req.path, 'http://x').pathname;
    const upload = /^\/upload\/(\w+)$/.exec(path);
    if (upload && req.method === 'PUT') {
      s.puts++;
      if (s.hold === s.puts) return true; // no answer, nothing kept
      const p = publishes.get(upload[1]!);
      const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(req.headers['content-range'] ?? ''));
      if (!p || !m) return void res.writeHead(400).end('bad upload'), true;
      const [start, end, size] = [Number(m[1]), Number(m[2]), Number(m[3])];
      const k = p.ranges.length;
      const expected = k === p.total - 1 ? p.size - k * p.chunkSize : p.chunkSize;
      if (size !== p.size || start !== p.bytes.length || end - start + 1 !== req.body.length || req.body.length !== expected) {
        return void res.writeHead(416).end(`range ${start}-${end}/${size} after ${p.bytes.length}`), true;
      }
      p.ranges.push(`${start}-${end}`);
      p.bytes = Buffer.concat([p.bytes, req.body]);
      if (p.bytes.length === p.size) {
        p.status = 'PROCESSING_DOWNLOAD';
        res.writeHead(201).end();
      } else res.writeHead(206).end();
      return true;
    }
    if (!path.startsWith('/v2/')) return false;
    if (!authorized) return fail(res, 401, 'access_token_invalid', 'The access token is invalid or not found in the request.'), true;
    const body = req.body.length ? (JSON.parse(req.body.toString('utf8')) as Record<string, unknown>) : {};
    if (path === '/v2/post/publish/creator_info/query/') {
      ok(res, { creator_username: 'octo.creator', creator_nickname: 'Octo', privacy_level_options: s.privacy, comment_disabled: false, duet_disabled: false, stitch_disabled: true, max_video_post_duration_sec: s.maxDurationSec });
      return true;
    }
    if (path === '/v2/user/info/') return ok(res, { user: { open_id: 'open-123', display_name: 'Octo' } }), true;
    if (path === '/v2/video/query/') {
      const ids = ((body.filters as { video_ids?: string[] } | undefined)?.video_ids ?? []).map(String);
      if (s.queryError) return fail(res, s.queryError === 'rate_limit_exceeded' ? 429 : 403, s.queryError, `fake ${s.queryError}`), true;
      if (!ids.length || ids.length > 20) return fail(res, 400, 'invalid_params', 'video_ids must hold 1 to 20 ids'), true;
      s.queries.push(ids);
      return ok(res, { videos: ids.filter((id) => stats.has(id)).map((id) => ({ id, ...stats.get(id)! })), cursor: 0, has_more: false }), true;
    }
    if (path === '/v2/post/publish/video/init/') {
      if (s.initError) {
        const code = s.initError;
        s.initError = null;
        return fail(res, code === 'rate_limit_exceeded' ? 429 : 403, code, `fake ${code}`), true;
      }
      const src = body.source_info as { source: string; video_size: number; chunk_size: number; total_chunk_count: number };
      const info = body.post_info as { privacy_level: string; title: string };
      const last = src.video_size - (src.total_chunk_count - 1) * src.chunk_size;
      const valid = src.source === 'FILE_UPLOAD' && (src.video_size < 5 * MB
        ? src.chunk_size === src.video_size && src.total_chunk_count === 1
        : src.chunk_size >= 5 * MB && src.chunk_size <= 64 * MB && src.total_chunk_count === Math.floor(src.video_size / src.chunk_size) && last <= 128 * MB);
      if (!valid) return fail(res, 400, 'invalid_params', 'chunk rules'), true;
      if (!s.privacy.includes(info.privacy_level)) return fail(res, 400, 'privacy_level_option_mismatch', 'not offered'), true;
      if ([...info.title].length > 2200) return fail(res, 400, 'invalid_params', 'title too long'), true;
      const id = `v_pub_${randomBytes(5).toString('hex')}`;
      publishes.set(id, { id, size: src.video_size, chunkSize: src.chunk_size, total: src.total_chunk_count, postInfo: info, bytes: Buffer.alloc(0), ranges: [], status: 'PROCESSING_UPLOAD', polls: 0 });
      return ok(res, { publish_id: id, upload_url: `http://${req.headers.host}/upload/${id}` }), true;
    }
    if (path === '/v2/post/publish/status/fetch/') {
      const p = publishes.get(String(body.publish_id));
      if (!p) return fail(res, 400, 'invalid_publish_id', 'unknown'), true;
      if (p.status === 'PROCESSING_DOWNLOAD' && ++p.polls >= s.pollsToPublish) {
        p.status = 'PUBLISH_COMPLETE';
        p.postId = String(7_000_000_000 + publishes.size);
      }
      return ok(res, { status: p.status, fail_reason: '', publicaly_available_post_id: p.postId && p.postInfo.privacy_level !== 'SELF_ONLY' ? [Number(p.postId)] : [] }), true;
    }
    return false;
  };
  const oauth = await startFakeOAuth({ clientId: 'tiktok-key', clientSecret: 'tiktok-secret', tokenPath: '/v2/oauth/token/', tokenExtras: { open_id: 'open-123', refresh_expires_in: 31_536_000 }, api });
  const fake = Object.assign(oauth, { publishes, stats }) as FakeTikTok;
  Object.defineProperties(fake, {
    privacy: { get: () => s.privacy, set: (v: string[]) => (s.privacy = v) },
    maxDurationSec: { get: () => s.maxDurationSec, set: (v: number) => (s.maxDurationSec = v) },
    initError: { get: () => s.initError, set: (v: string | null) => (s.initError = v) },
    pollsToPublish: { get: () => s.pollsToPublish, set: (v: number) => (s.pollsToPublish = v) },
    holdAtPut: { get: () => s.hold, set: (v: number | null) => (s.hold = v) },
    chunkPuts: { get: () => s.puts },
    queryError: { get: () => s.queryError, set: (v: string | null) => (s.queryError = v) },
    queries: { get: () => s.queries },
  });
  return fake;
}
