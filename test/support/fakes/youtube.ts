import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { sendJson, type RecordedRequest } from './http';
import { startFakeOAuth, type FakeOAuth } from './oauth';

export interface FakeUpload {
  id: string;
  size: number;
  resource: { snippet: Record<string, unknown>; status: Record<string, unknown> };
  bytes: Buffer;
  /** The first byte of every chunk PUT, in order. */
  starts: number[];
  videoId?: string;
}

export interface FakeYouTube extends FakeOAuth {
  uploads: Map<string, FakeUpload>;
  /** Finished videos by id. */
  videos: Map<string, FakeUpload>;
  /** The next chunk PUT keeps only this many bytes and the connection is cut (a network drop). */
  dropNextChunkAfter: number | null;
  /** Answer uploads with this error until cleared (e.g. quotaExceeded). */
  refuseWith: { status: number; reason: string } | null;
  /** Sessions YouTube has forgotten (a week passed). */
  expire(uploadId: string): void;
  /** The chunk PUT with this number (1-based, counting all) gets no answer and keeps nothing: its sender is about to die. */
  holdAtPut: number | null;
  /** Chunk PUTs received so far (held ones included). */
  chunkPuts: number;
  /** Statistics by video id for videos.list; a video not here was deleted or made private. */
  stats: Map<string, { viewCount: string; likeCount: string; commentCount: string }>;
  /** The id lists videos.list was asked for. */
  statQueries: string[][];
}

/**
 * Google's OAuth server and the YouTube Data API's upload endpoints on 127.0.0.1: resumable
 * sessions checked byte for byte (a chunk must start at the next byte YouTube has), 308 with
 * `Range` for partial uploads and status queries, 404 for forgotten sessions, quota errors.
 */
export async function startFakeYouTube(): Promise<FakeYouTube> {
  const uploads = new Map<string, FakeUpload>();
  const videos = new Map<string, FakeUpload>();
  const stats: FakeYouTube['stats'] = new Map();
  const statQueries: string[][] = [];
  const state = { drop: null as number | null, refuse: null as { status: number; reason: string } | null, hold: null as number | null, puts: 0 };
  const range = (u: FakeUpload) => (u.bytes.length ? { range: `bytes=0-${u.bytes.length - 1}` } : {});
  const api = (req: RecordedRequest, res: ServerResponse, authorized: boolean): boolean => {
    const url = new URL(req.path, 'http://x');
    if (url.pathname === '/youtube/v3/channels') {
      if (authorized) sendJson(res, 200, { items: [{ id: 'UC123', snippet: { title: 'Octo Facts', customUrl: '@octofacts' } }] });
      else sendJson(res, 401, { error: { code: 401, message: 'Invalid Credentials' } });
      return true;
    }
    if (url.pathname === '/youtube/v3/videos' && req.method === 'GET') {
      if (!authorized) return sendJson(res, 401, { error: { code: 401, message: 'Invalid Credentials' } }), true;
      if (state.refuse) return sendJson(res, state.refuse.status, { error: { code: state.refuse.status, message: state.refuse.reason, errors: [{ reason: state.refuse.reason }] } }), true;
      const ids = (url.searchParams.get('id') ?? '').split(',').filter(Boolean);
      if (url.searchParams.get('part') !== 'statistics' || !ids.length || ids.length > 50) return sendJson(res, 400, { error: { code: 400, message: 'bad request' } }), true;
      statQueries.push(ids);
      sendJson(res, 200, { items: ids.filter((id) => stats.has(id)).map((id) => ({ id, statistics: stats.get(id) })) });
      return true;
    }
    if (url.pathname !== '/upload/youtube/v3/videos') return false;
    if (!authorized) {
      sendJson(res, 401, { error: { code: 401, message: 'Request had invalid authentication credentials.', errors: [{ reason: 'authError' }] } });
      return true;
    }
    if (state.refuse) {
      sendJson(res, state.refuse.status, { error: { code: state.refuse.status, message: `refused: ${state.refuse.reason}`, errors: [{ reason: state.refuse.reason }] } });
      return true;
    }
    if (req.method === 'POST' && url.searchParams.get('uploadType') === 'resumable') {
      const id = randomBytes(8).toString('hex');
      uploads.set(id, { id, size: Number(req.headers['x-upload-content-length']), resource: JSON.parse(req.body.toString('utf8')), bytes: Buffer.alloc(0), starts: [] });
      res.writeHead(200, { location: `http://${req.headers.host}/upload/youtube/v3/videos?uploadType=resumable&upload_id=${id}` });
      res.end();
      return true;
    }
    const upload = uploads.get(url.searchParams.get('upload_id') ?? '');
    if (req.method !== 'PUT') return false;
    if (!upload) {
      sendJson(res, 404, { error: { code: 404, message: 'Upload session not found' } });
      return true;
    }
    const cr = String(req.headers['content-range'] ?? '');
    const status = /^bytes \*\/(\d+)$/.exec(cr);
    if (status) {
      if (upload.videoId) sendJson(res, 200, { id: upload.videoId });
      else {
        res.writeHead(308, range(upload));
        res.end();
      }
      return true;
    }
    const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(cr);
    if (!m || Number(m[3]) !== upload.size || Number(m[1]) !== upload.bytes.length || Number(m[2]) - Number(m[1]) + 1 !== req.body.length) {
      sendJson(res, 400, { error: { code: 400, message: `bad Content-Range ${cr} (have ${upload.bytes.length})` } });
      return true;
    }
    state.puts++;
    if (state.hold === state.puts) return true; // no answer, nothing kept
    upload.starts.push(Number(m[1]));
    if (state.drop !== null) {
      upload.bytes = Buffer.concat([upload.bytes, req.body.subarray(0, state.drop)]);
      state.drop = null;
      res.socket?.destroy();
      return true;
    }
    upload.bytes = Buffer.concat([upload.bytes, req.body]);
    if (upload.bytes.length === upload.size) {
      upload.videoId = `vid${randomBytes(4).toString('hex')}`;
      videos.set(upload.videoId, upload);
      sendJson(res, 200, { id: upload.videoId, snippet: upload.resource.snippet, status: upload.resource.status });
    } else {
      res.writeHead(308, range(upload));
      res.end();
    }
    return true;
  };
  const oauth = await startFakeOAuth({ clientId: 'google-client', clientSecret: 'google-secret', api });
  const fake = Object.assign(oauth, { uploads, videos, stats, statQueries, expire: (id: string) => void uploads.delete(id) }) as FakeYouTube;
  // Switches the tests flip: accessors, so the route above sees each change.
  Object.defineProperties(fake, {
    dropNextChunkAfter: { get: () => state.drop, set: (v: number | null) => (state.drop = v) },
    refuseWith: { get: () => state.refuse, set: (v: { status: number; reason: string } | null) => (state.refuse = v) },
    holdAtPut: { get: () => state.hold, set: (v: number | null) => (state.hold = v) },
    chunkPuts: { get: () => state.puts },
  });
  return fake;
}
