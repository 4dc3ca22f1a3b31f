import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sendJson, startFakeServer, type FakeServer } from './http';

/** A clip the fake libraries serve: made by ffmpeg in the test's folder, or bytes that are not video. */
export interface FakeClip {
  name: string;
  width: number;
  height: number;
  durationSec: number;
  /** How the file is served: whole, cut short mid-transfer, stalled after a third, or not at all (404). */
  serve?: 'whole' | 'cut' | 'stall' | 'missing';
  /** Bytes that are not a video, under a video's name. */
  broken?: boolean;
}

/** Makes the clips' files with ffmpeg: a moving test pattern with a tone (the renderer must mute it). */
export function makeClipFiles(ffmpeg: string, dir: string, clips: FakeClip[]): void {
  for (const c of clips) {
    const path = join(dir, `${c.name}.mp4`);
    if (c.broken) {
      writeFileSync(path, Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(4000, 7)]));
      continue;
    }
    execFileSync(ffmpeg, [
      '-hide_banner', '-nostdin', '-y', '-v', 'error',
      '-f', 'lavfi', '-i', `testsrc2=size=${c.width}x${c.height}:rate=30:duration=${c.durationSec}`,
      '-f', 'lavfi', '-i', `sine=frequency=440:duration=${c.durationSec}`,
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', path,
    ]);
  }
}

export interface FakeStock {
  server: FakeServer;
  /** Answers by query (`pexels:<query>`, `pixabay:<q>`; `pexels:*` answers any other); a query not listed gets no results. */
  results: Map<string, FakeClip[]>;
  /** A status to answer searches with instead (e.g. 429 or 503), with its Retry-After. */
  failSearch: { status: number; retryAfter?: number } | null;
  fileRequests(): string[];
  searchRequests(): string[];
  close(): Promise<void>;
}

/**
 * One server on 127.0.0.1 speaking both libraries' search APIs — Pexels' `GET /videos/search`
 * (key in Authorization) and Pixabay's `GET /api/videos/?key=` — and serving the clips' files
 * under `/files/`. Keys other than `pexels-key` and `pixabay-key` are refused as the real
 * services do (401 / 400).
 */
export async function startFakeStock(dir: string, catalog: FakeClip[]): Promise<FakeStock> {
  const results = new Map<string, FakeClip[]>();
  const state: Pick<FakeStock, 'failSearch'> = { failSearch: null };
  const byName = () => new Map([...catalog, ...[...results.values()].flat()].map((c) => [c.name, c]));
  const server = await startFakeServer((req, res) => {
    const url = new URL(req.path, 'http://fake');
    const files = (clip: FakeClip) => `${server.url}/files/${clip.name}.mp4`;
    if (url.pathname.startsWith('/files/')) {
      const clip = byName().get(url.pathname.slice(7).replace(/\.mp4$/, ''));
      if (!clip || clip.serve === 'missing') return sendJson(res, 404, { error: 'not found' });
      const bytes = readFileSync(join(dir, `${clip.name}.mp4`));
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(bytes.length) });
      if (clip.serve === 'stall') {
        res.write(bytes.subarray(0, Math.floor(bytes.length / 3)));
        return;
      }
      if (clip.serve === 'cut') {
        res.write(bytes.subarray(0, Math.floor(bytes.length / 3)));
        res.destroy();
        return;
      }
      res.end(bytes);
      return;
    }
    if (state.failSearch) {
      res.writeHead(state.failSearch.status, { 'content-type': 'application/json', ...(state.failSearch.retryAfter ? { 'retry-after': String(state.failSearch.retryAfter) } : {}) });
      res.end(JSON.stringify({ error: "try later" }));
      return;
    }
    if (url.pathname === '/videos/search') {
      if (req.headers.authorization !== 'pexels-key') return sendJson(res, 401, { error: 'Unauthorized' });
      const clips = results.get(`pexels:${url.searchParams.get('query')}`) ?? results.get('pexels:*') ?? [];
      return sendJson(res, 200, {
        page: 1, per_page: 15, total_results: clips.length,
        videos: clips.map((c, i) => ({
          id: 1000 + i, width: c.width, height: c.height, duration: Math.round(c.durationSec), url: `https://www.pexels.com/video/${c.name}-${1000 + i}/`,
          image: '', user: { id: 7, name: `Pexels author ${c.name}`, url: `https://www.pexels.com/@${c.name}` },
          video_files: [
            { id: 1, quality: 'sd', file_type: 'video/mp4', width: Math.round(c.width / 2), height: Math.round(c.height / 2), link: `${files(c)}?small` },
            { id: 2, quality: 'hd', file_type: 'video/mp4', width: c.width, height: c.height, link: files(c) },
          ],
        })),
      });
    }
    if (url.pathname === '/api/videos/') {
      if (url.searchParams.get('key') !== 'pixabay-key') return sendJson(res, 400, { error: '[ERROR 400] Invalid or missing API key' });
      const clips = results.get(`pixabay:${url.searchParams.get('q')}`) ?? results.get('pixabay:*') ?? [];
      return sendJson(res, 200, {
        total: clips.length, totalHits: clips.length,
        hits: clips.map((c, i) => ({
          id: 2000 + i, pageURL: `https://pixabay.com/videos/${c.name}-${2000 + i}/`, type: 'film', tags: c.name, duration: Math.round(c.durationSec),
          user: `pixa_${c.name}`, user_id: 42,
          videos: { large: { url: files(c), width: c.width, height: c.height, size: 0 }, tiny: { url: `${files(c)}?tiny`, width: Math.round(c.width / 4), height: Math.round(c.height / 4), size: 0 } },
        })),
      });
    }
    return sendJson(res, 404, { error: 'no such route' });
  });
  return {
    server, results,
    get failSearch() { return state.failSearch; },
    set failSearch(v) { state.failSearch = v; },
    fileRequests: () => server.requests.filter((r) => r.path.startsWith('/files/')).map((r) => r.path),
    searchRequests: () => server.requests.filter((r) => !r.path.startsWith('/files/')).map((r) => r.path),
    close: () => server.close(),
  };
}
