import { existsSync } from 'node:fs';
import { z } from 'zod';
import { cacheKey, getCached, putCached } from '../../../db/repos/cache';
import { readTopic } from '../../plan/topic';
import type { ImageRequest } from '../../providers/images/types';
import type { RenderJob, RenderStep, RenderServices } from '../context';
import { cacheFile, writeAtomic } from '../files';

/**
 * The word a scene's art features: the longest of the topic's own words that the scene speaks,
 * else the topic's key phrase — always about the subject, never a filler word like "because".
 */
function featureWord(narration: string, topicWords: string[], keyword: string): string {
  const spoken = new Set(narration.toLowerCase().match(/[\p{L}\p{N}'-]+/gu) ?? []);
  const hits = topicWords.filter((w) => w.length > 3 && spoken.has(w.toLowerCase()));
  return ([...hits].sort((a, b) => b.length - a.length)[0] ?? keyword).slice(0, 28);
}

/** The image request for scene `i` (also used for plan storyboards before approval). */
export function imageRequestFor(job: Pick<RenderJob, 'project' | 'plan' | 'pack'>, i: number, services: Pick<RenderServices, 'format'>): ImageRequest {
  const scene = job.plan.scenes[i]!;
  const reading = readTopic(job.project.topic);
  const keyword = reading.keyword;
  return {
    prompt: scene.visualPrompt,
    negativePrompt: scene.negativePrompt,
    width: services.format.width,
    height: services.format.height,
    palette: job.pack.palette,
    title: i === 0 ? keyword.slice(0, 28) : featureWord(scene.narrationText, reading.contentWords, keyword),
    subtitle: '',
    seed: `${job.project.topic}|${i}|${scene.visualPrompt}`,
    sceneNumber: i + 1,
  };
}

const imageMeta = z.object({ ext: z.string() });

/**
 * Makes (or reuses) one picture for every scene, in a few parallel lanes; cached per scene by
 * provider and every request field, so an edit to one scene redraws only that one.
 */
export async function makeSceneImages(
  job: Pick<RenderJob, 'project' | 'plan' | 'pack'>,
  services: Pick<RenderServices, 'config' | 'db' | 'images' | 'format'>,
  opts: { signal: AbortSignal; lanes?: number; onDone?: (count: number) => void; addCost?: (m: number) => void },
): Promise<string[]> {
  const paths: string[] = new Array(job.plan.scenes.length);
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < job.plan.scenes.length) {
      const i = next++;
      const req = imageRequestFor(job, i, services);
      const key = cacheKey('images', { provider: services.images.id, ...req });
      const hit = await getCached(services.db, key, imageMeta);
      if (hit?.payloadPath && existsSync(hit.payloadPath)) paths[i] = hit.payloadPath;
      else {
        const { bytes, costMicros } = await services.images.image(req, opts.signal);
        const ext = bytes[0] === 0xff ? 'jpg' : 'png';
        const path = cacheFile(services.config.dataDir, 'images', key, ext);
        writeAtomic(path, bytes);
        await putCached(services.db, 'images', key, { ext }, path);
        opts.addCost?.(costMicros);
        paths[i] = path;
      }
      opts.onDone?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.lanes ?? 3, job.plan.scenes.length) }, lane));
  return paths;
}

/** images_generate: one picture per scene (3 at a time), cached. */
export const imagesGenerate: RenderStep = {
  name: 'images_generate',
  weight: 35,
  timeoutMs: 15 * 60_000,
  inputs: (job, _o, s) => ({ provider: s.images.id, size: [s.format.width, s.format.height], scenes: job.plan.scenes.map((_, i) => imageRequestFor(job, i, s)) }),
  files: (o) => (o.images as string[]) ?? ['(missing)'],
  async run(job, h) {
    const images = await makeSceneImages(job, h.services, {
      signal: h.signal,
      onDone: (n) => h.progress(n / job.plan.scenes.length),
      addCost: h.addCost,
    });
    h.log(`Pictures ready: ${images.length} (${h.services.images.id}).`);
    return { images };
  },
};
