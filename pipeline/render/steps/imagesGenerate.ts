import { existsSync } from 'node:fs';
import { z } from 'zod';
import { cacheKey, getCached, putCached } from '../../../db/repos/cache';
import { isSubjectWord, readTopic, subjectWords } from '../../plan/topic';
import type { ImageRequest } from '../../providers/images/types';
import type { RenderJob, RenderStep, RenderServices } from '../context';
import { cacheFile, writeAtomic } from '../files';

/**
 * The word each scene's art features. The first scene shows the topic's key phrase; every later
 * scene the longest word it speaks that names something — one of the topic's own words first,
 * else one of its narration's — not featured by an earlier scene, so the pictures differ and a
 * storyboard reads as the story. Filler words ("because", "three", "interesting") never qualify;
 * a scene with nothing new repeats a topic word it speaks, else the key phrase.
 */
export function featureWords(narrations: string[], topic: string): string[] {
  const reading = readTopic(topic);
  const used = new Set<string>();
  const byLength = (words: string[]) => [...words].sort((a, b) => b.length - a.length);
  return narrations.map((narration, i) => {
    const spoken = new Set(narration.toLowerCase().match(/[\p{L}\p{N}'-]+/gu) ?? []);
    const topicSaid = byLength(reading.contentWords.filter((w) => isSubjectWord(w) && spoken.has(w.toLowerCase())));
    const fresh = i === 0 ? undefined : [...topicSaid, ...byLength(subjectWords(narration))].find((w) => !used.has(w.toLowerCase()));
    const word = fresh ?? (i === 0 ? reading.keyword : topicSaid[0] ?? reading.keyword);
    for (const w of [word, ...word.split(/\s+/)]) used.add(w.toLowerCase());
    return word.slice(0, 28);
  });
}

/** The image request for scene `i` (also used for plan storyboards before approval). */
export function imageRequestFor(job: Pick<RenderJob, 'project' | 'plan' | 'pack'>, i: number, services: Pick<RenderServices, 'format'>): ImageRequest {
  const scene = job.plan.scenes[i]!;
  return {
    prompt: scene.visualPrompt,
    negativePrompt: scene.negativePrompt,
    width: services.format.width,
    height: services.format.height,
    palette: job.pack.palette,
    title: featureWords(job.plan.scenes.slice(0, i + 1).map((s) => s.narrationText), job.project.topic)[i]!,
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
