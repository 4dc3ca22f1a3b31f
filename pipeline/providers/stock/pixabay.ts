import { z } from 'zod';
import { getJson } from './http';
import { chooseFile, MIN_CLIP_SECONDS, type StockClip, type StockProvider } from './types';

const rendition = z.object({ url: z.string().default(''), width: z.number().default(0), height: z.number().default(0), size: z.number().optional() });
const answer = z.object({
  hits: z.array(z.object({
    id: z.union([z.number(), z.string()]),
    pageURL: z.string(),
    duration: z.number(),
    user: z.string().default(''),
    user_id: z.union([z.number(), z.string()]).optional(),
    videos: z.record(z.string(), rendition).default({}),
  })).default([]),
});

/**
 * Pixabay videos (https://pixabay.com/api/docs/): `GET /api/videos/` with the key as a query
 * parameter; renditions large/medium/small/tiny. Pixabay has no orientation filter for videos,
 * so landscape hits are dropped here. The Pixabay Content License asks for no credit.
 */
export function makePixabay(opts: { apiKey: string; baseUrl: string; timeoutMs?: number }): StockProvider {
  return {
    id: `pixabay:${opts.baseUrl}`,
    engine: 'pixabay',
    async search(req) {
      const url = new URL('/api/videos/', opts.baseUrl);
      url.search = new URLSearchParams({ key: opts.apiKey, q: req.query.slice(0, 100), per_page: '20', safesearch: 'true', video_type: 'film' }).toString();
      const body = answer.parse(await getJson(url, { signal: req.signal, timeoutMs: opts.timeoutMs ?? 15_000 }));
      return body.hits.flatMap((h): StockClip[] => {
        const files = Object.values(h.videos).map((r) => ({ url: r.url, width: r.width, height: r.height, ...(r.size ? { size: r.size } : {}) }));
        const file = chooseFile(files, req.width, req.height);
        if (!file || h.duration < MIN_CLIP_SECONDS) return [];
        const author = h.user;
        return [{
          provider: 'pixabay', id: String(h.id), pageUrl: h.pageURL, author,
          ...(author && h.user_id !== undefined ? { authorUrl: `https://pixabay.com/users/${encodeURIComponent(author)}-${h.user_id}/` } : {}),
          licence: 'Pixabay Content License', licenceUrl: 'https://pixabay.com/service/license-summary/', durationSec: h.duration, file,
        }];
      });
    },
  };
}
