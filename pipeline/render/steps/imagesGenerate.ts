import { existsSync } from 'node:fs';
import { z } from 'zod';
import { cacheKey, getCached, putCached } from '../../../db/repos/cache';
import { readTopic, topicNouns } from '../../plan/topic';
import type { ImageProvider, ImageRequest } from '../../providers/images/types';
import type { RenderJob, RenderStep, RenderServices } from '../context';
import { visualsFor, type VisualSource } from '../../../core/config';
import { failureText, fallbackText, tryTwice, type Fallback } from '../engineCalls';
import { findSceneFootage, type Credit, type SceneClip } from '../footage';
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
  opts: {
    signal: AbortSignal; lanes?: number; onDone?: (count: number) => void; addCost?: (m: number) => void;
    /** The engine to draw with (default: the configured one). */
    provider?: ImageProvider;
    /** Scenes that need no picture (they have footage). */
    skip?: Set<number>;
  },
): Promise<{ paths: string[]; fallback: Fallback | null }> {
  const paths: string[] = new Array(job.plan.scenes.length);
  const engine = opts.provider ?? services.images;
  const todo = job.plan.scenes.map((_s, i) => i).filter((i) => !opts.skip?.has(i));
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
    while (next < todo.length) {
      const i = todo[next++]!;
      const req = imageRequestFor(job, i, services);
      let got = await draw(engine, req);
      if (!('path' in got)) {
        fellBack.push(i + 1);
        reason ||= got.failure;
        got = await draw(services.offlineImages, req);
      }
      paths[i] = (got as { path: string }).path;
      opts.onDone?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.lanes ?? 3, todo.length) }, lane));
  fellBack.sort((a, b) => a - b);
  const fallback: Fallback | null = fellBack.length
    ? { kind: 'pictures', engine: engine.engine, to: 'offline art', reason, ...(fellBack.length < paths.length ? { scenes: fellBack } : {}) }
    : null;
  return { paths, fallback };
}

/** What a project's scenes show: its own choice, else the deployment's; footage needs a library key. */
export function visualSourceFor(project: { visuals?: string | null }, services: Pick<RenderServices, 'config' | 'footage'>): VisualSource {
  const chosen = visualsFor(project, services.config);
  return chosen === 'stock' && !services.footage ? 'ai' : chosen;
}

/** A scene's footage as the render and export.json read it. */
export type ClipOutput = Credit & { path: string };

/**
 * images_generate: each scene's visual. With footage on, a clip per scene from the stock
 * libraries (its first frame stands for it in storyboards and thumbnails); a scene with no usable
 * clip, and every scene otherwise, gets a picture (3 at a time, cached) — from the image engine,
 * or offline art when the project chose it.
 */
export const imagesGenerate: RenderStep = {
  name: 'images_generate',
  weight: 35,
  timeoutMs: 15 * 60_000,
  inputs: (job, _o, s) => ({
    provider: s.images.id, visuals: visualSourceFor(job.project, s), stock: s.footage?.providers.map((p) => p.id) ?? [],
    skips: job.plan.scenes.map((x) => x.footageSkip),
    size: [s.format.width, s.format.height], scenes: job.plan.scenes.map((_, i) => imageRequestFor(job, i, s)),
  }),
  files: (o) => [...((o.images as string[]) ?? ['(missing)']), ...((o.clips as (ClipOutput | null)[] | undefined) ?? []).flatMap((c) => (c ? [c.path] : []))],
  async run(job, h) {
    const { services } = h;
    const source = visualSourceFor(job.project, services);
    const count = job.plan.scenes.length;
    let clips: (SceneClip | null)[] = job.plan.scenes.map(() => null);
    let footageFallback: Fallback | null = null;
    if (source === 'stock' && services.footage) {
      const scenes = job.plan.scenes.map((s) => ({ visualPrompt: s.visualPrompt, onScreenText: s.onScreenText, durationSec: s.durationTargetSec, skip: s.footageSkip }));
      const ctx = { log: services.log, runId: job.run.id, projectId: job.project.id, signal: h.signal };
      ({ clips, fallback: footageFallback } = await findSceneFootage(scenes, job.project.topic, { ...services.footage, bins: services.bins, format: services.format }, ctx, (n) => h.progress((0.8 * n) / count)));
      if (footageFallback) h.log(fallbackText(footageFallback), 'warn');
    }
    const skip = new Set(clips.flatMap((c, i) => (c ? [i] : [])));
    const { paths, fallback } = await makeSceneImages(job, services, {
      signal: h.signal,
      provider: source === 'offline' ? services.offlineImages : services.images,
      skip,
      onDone: (n) => h.progress((skip.size ? 0.8 : 0) + ((skip.size ? 0.2 : 1) * n) / Math.max(1, count - skip.size)),
      addCost: h.addCost,
    });
    if (fallback) h.log(fallbackText(fallback), 'warn');
    // (`paths` has holes where scenes have footage: map over the scenes, not the array.)
    const images = job.plan.scenes.map((_s, i) => clips[i]?.firstFrame ?? paths[i]!);
    h.log(skip.size ? `Footage for ${skip.size} of ${count} scenes; pictures for the rest.` : `Pictures ready: ${images.length} (${source === 'offline' ? services.offlineImages.id : services.images.id}).`);
    return {
      images,
      clips: clips.map((c): ClipOutput | null => (c ? { path: c.path, ...c.credit } : null)),
      fallbacks: [footageFallback, fallback].filter((f): f is Fallback => f !== null),
    };
  },
};
