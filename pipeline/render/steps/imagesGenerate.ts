import { existsSync } from 'node:fs';
import { z } from 'zod';
import { cacheKey, getCached, putCached } from '../../../db/repos/cache';
import { readTopic, topicNouns } from '../../plan/topic';
import type { ImageProvider, ImageRequest } from '../../providers/images/types';
import type { RenderJob, RenderStep, RenderServices } from '../context';
import { failureText, fallbackText, tryTwice, type Fallback } from '../engineCalls';
import { cacheFile, writeAtomic } from '../files';

/**
 * The words each scene's art features. The first scene shows the topic's subject; every later
 * scene a noun phrase it speaks (read by the tagger) — one of the topic's own first, else one of
 * its narration's, longest first — not featured by an earlier scene, so the pictures differ and a
 * storyboard reads as the story. Verbs, counts and filler never qualify; a scene with nothing new
 * repeats a topic phrase it speaks, else the subject.
 */
export function featureWords(narrations: string[], topic: string): string[] {
  const reading = readTopic(topic);
  const own = topicNouns(topic);
  const used = new Set<string>();
  const byLength = (words: string[]) => [...words].sort((a, b) => b.length - a.length);
  return narrations.map((narration, i) => {
    const said = narration.toLowerCase();
    const topicSaid = byLength(own.filter((p) => said.includes(p.toLowerCase())));
    // A phrase is fresh when some word of it has not been featured yet ("Dyatlov Pass" after "Dyatlov Pass incident" is not).
    const isFresh = (w: string) => !used.has(w.toLowerCase()) && w.toLowerCase().split(/\s+/).some((part) => !used.has(part));
    const fresh = i === 0 ? undefined : [...topicSaid, ...byLength(topicNouns(narration))].find(isFresh);
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
 * provider and every request field, so an edit to one scene redraws only that one. A scene whose
 * picture engine fails twice gets offline art instead (cached as offline art, so a later render
 * asks the engine again); the scenes that fell back are returned with the reason.
 */
export async function makeSceneImages(
  job: Pick<RenderJob, 'project' | 'plan' | 'pack'> & { run?: { id: string } },
  services: Pick<RenderServices, 'config' | 'db' | 'images' | 'offlineImages' | 'format' | 'log'>,
  opts: { signal: AbortSignal; lanes?: number; onDone?: (count: number) => void; addCost?: (m: number) => void },
): Promise<{ paths: string[]; fallback: Fallback | null }> {
  const paths: string[] = new Array(job.plan.scenes.length);
  const fellBack: number[] = [];
  let reason = '';
  let next = 0;
  let done = 0;
  const ctx = { log: services.log, runId: job.run?.id, projectId: job.project.id, signal: opts.signal };
  const draw = async (provider: ImageProvider, req: ImageRequest) => {
    const key = cacheKey('images', { provider: provider.id, ...req });
    const hit = await getCached(services.db, key, imageMeta);
    if (hit?.payloadPath && existsSync(hit.payloadPath)) return { path: hit.payloadPath };
    const r = provider === services.offlineImages
      ? { ok: true as const, value: await provider.image(req, opts.signal) }
      : await tryTwice(ctx, 'pictures', provider.engine, () => provider.image(req, opts.signal));
    if (!r.ok) return { failure: failureText(r.failure) };
    const ext = r.value.bytes[0] === 0xff ? 'jpg' : 'png';
    const path = cacheFile(services.config.dataDir, 'images', key, ext);
    writeAtomic(path, r.value.bytes);
    await putCached(services.db, 'images', key, { ext }, path);
    opts.addCost?.(r.value.costMicros);
    return { path };
  };
  const lane = async () => {
    while (next < job.plan.scenes.length) {
      const i = next++;
      const req = imageRequestFor(job, i, services);
      let got = await draw(services.images, req);
      if (!('path' in got)) {
        fellBack.push(i + 1);
        reason ||= got.failure;
        got = await draw(services.offlineImages, req);
      }
      paths[i] = (got as { path: string }).path;
      opts.onDone?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.lanes ?? 3, job.plan.scenes.length) }, lane));
  fellBack.sort((a, b) => a - b);
  const fallback: Fallback | null = fellBack.length
    ? { kind: 'pictures', engine: services.images.engine, to: 'offline art', reason, ...(fellBack.length < paths.length ? { scenes: fellBack } : {}) }
    : null;
  return { paths, fallback };
}

/** images_generate: one picture per scene (3 at a time), cached. */
export const imagesGenerate: RenderStep = {
  name: 'images_generate',
  weight: 35,
  timeoutMs: 15 * 60_000,
  inputs: (job, _o, s) => ({ provider: s.images.id, size: [s.format.width, s.format.height], scenes: job.plan.scenes.map((_, i) => imageRequestFor(job, i, s)) }),
  files: (o) => (o.images as string[]) ?? ['(missing)'],
  async run(job, h) {
    const { paths: images, fallback } = await makeSceneImages(job, h.services, {
      signal: h.signal,
      onDone: (n) => h.progress(n / job.plan.scenes.length),
      addCost: h.addCost,
    });
    if (fallback) h.log(fallbackText(fallback), 'warn');
    h.log(`Pictures ready: ${images.length} (${h.services.images.id}).`);
    return { images, fallbacks: fallback ? [fallback] : [] };
  },
};
