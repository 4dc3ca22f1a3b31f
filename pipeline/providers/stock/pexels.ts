import { z } from 'zod';
import { getJson } from './http';
import { chooseFile, MIN_CLIP_SECONDS, type StockClip, type StockProvider } from './types';

const answer = z.object({
  videos: z.array(z.object({
    id: z.union([z.number(), z.string()]),
    url: z.string(),
    duration: z.number(),
    user: z.object({ name: z.string().default(''), url: z.string().optional() }).partial().default({}),
    video_files: z.array(z.object({
      link: z.string(),
      width: z.number().nullable().default(0),
      height: z.number().nullable().default(0),
      file_type: z.string().nullable().optional(),
    })).default([]),
  })).default([]),
});

/**
 * Pexels videos (https://www.pexels.com/api/): `GET /videos/search` with the key in the
 * Authorization header, portrait only. The Pexels License asks for no credit but welcomes one.
 */
export function makePexels(opts: { apiKey: string; baseUrl: string; timeoutMs?: number }): StockProvider {
  return {
    id: `pexels:${opts.baseUrl}`,
    engine: 'pexels',
    async search(req) {
      const url = new URL('/videos/search', opts.baseUrl);
      url.search = new URLSearchParams({ query: req.query, orientation: 'portrait', per_page: '15' }).toString();
      const body = answer.parse(await getJson(url, { headers: { authorization: opts.apiKey }, signal: req.signal, timeoutMs: opts.timeoutMs ?? 15_000 }));
      return body.videos.flatMap((v): StockClip[] => {
        const files = v.video_files.filter((f) => !f.file_type || f.file_type === 'video/mp4').map((f) => ({ url: f.link, width: f.width ?? 0, height: f.height ?? 0 }));
        const file = chooseFile(files, req.width, req.height);
        if (!file || v.duration < MIN_CLIP_SECONDS) return [];
        return [{
          provider: 'pexels', id: String(v.id), pageUrl: v.url, author: v.user.name ?? '', ...(v.user.url ? { authorUrl: v.user.url } : {}),
          licence: 'Pexels License', licenceUrl: 'https://www.pexels.com/license/', durationSec: v.duration, file,
        }];
      });
    },
  };
}
