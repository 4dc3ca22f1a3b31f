import { existsSync, renameSync } from 'node:fs';
import { readTopic, topicNouns } from '../plan/topic';
import { describeFailure, failureText } from '../providers/failure';
import { downloadClip, type ClipCache, type VerifyClip } from '../providers/stock/download';
import { MIN_CLIP_SECONDS, type StockClip, type StockProvider } from '../providers/stock/types';
import { tryTwice, type CallContext, type Fallback } from './engineCalls';
import { runFfmpeg } from './ffmpeg';

/** A scene's footage: the clip on disk, its first frame (for storyboards and thumbnails) and its credit. */
export interface SceneClip {
  path: string;
  firstFrame: string;
  credit: Credit;
}

/** What export.json and the caption say about a clip: who, where, under which licence. */
export type Credit = Omit<StockClip, 'file' | 'durationSec'>;

/**
 * Search phrases for a scene, most specific first: the picture's lead phrase when it is a short
 * concrete one (the AI planner writes "octopus swimming coral reef" before the first comma), then
 * the subject with the on-screen text's or the picture's first concrete noun ("octopuses
 * evidence"), then the topic's subject, then its other nouns. Libraries match short phrases best.
 */
export function stockQueries(scene: { visualPrompt: string; onScreenText: string }, topic: string): string[] {
  const reading = readTopic(topic);
  const idea = scene.visualPrompt.split(',')[0] ?? '';
  const concrete = (p: string) => p.toLowerCase() !== reading.keyword.toLowerCase() && !p.toLowerCase().split(/\s+/).some((w) => PHOTO_WORDS.has(w));
  const said = [...topicNouns(scene.onScreenText.toLowerCase()), ...topicNouns(idea)].filter(concrete);
  const specific = said.length ? `${reading.keyword} ${said[0]}` : undefined;
  const words = idea.trim().split(/\s+/);
  const lead = words.length >= 2 && words.length <= 5 && topicNouns(idea).length && !words.some((w) => PHOTO_WORDS.has(w.toLowerCase())) ? idea.trim().toLowerCase() : undefined;
  const queries = [lead, specific, reading.keyword, topicNouns(topic).join(' ')].map((q) => q?.replace(/\s+/g, ' ').trim().slice(0, 80)).filter((q): q is string => !!q);
  return [...new Set(queries)];
}

/** Words that describe a picture rather than what is in it ("close-up", "detail shot"): no use to a footage search. */
const PHOTO_WORDS = new Set(['shot', 'close-up', 'closeup', 'image', 'view', 'scene', 'illustration', 'photography', 'photo', 'picture', 'composition', 'spotlight', 'texture', 'card', 'setting', 'background', 'overview', 'angle', 'light', 'focus', 'macro', 'reveal']);

/** ffprobe + a full decode: a file that is not video, has no picture, is shorter than a second or does not decode is refused. */
export function clipVerifier(bins: { ffmpeg: string; ffprobe: string }, signal?: AbortSignal): VerifyClip {
  return async (path) => {
    const { stdout } = await runFfmpeg(bins.ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height:format=duration', '-of', 'json', path], { signal });
    const info = JSON.parse(stdout || '{}') as { streams?: { width?: number; height?: number }[]; format?: { duration?: string } };
    const stream = info.streams?.[0];
    const durationSec = Number(info.format?.duration ?? NaN);
    if (!stream?.width || !stream.height) throw new Error('the file has no video picture');
    if (!(durationSec >= MIN_CLIP_SECONDS)) throw new Error(`the clip is shorter than ${MIN_CLIP_SECONDS} s`);
    await runFfmpeg(bins.ffmpeg, ['-hide_banner', '-nostdin', '-v', 'error', '-xerror', '-i', path, '-map', '0:v:0', '-f', 'null', '-'], { signal });
    return { durationSec, width: stream.width, height: stream.height };
  };
}

/** The clip's first frame, cut to the output size, as a JPEG next to it in the cache. */
async function firstFrame(ffmpeg: string, clip: string, width: number, height: number, signal?: AbortSignal): Promise<string> {
  const out = `${clip}.${width}x${height}.jpg`;
  if (existsSync(out)) return out;
  const part = `${out}.part.jpg`;
  await runFfmpeg(ffmpeg, ['-hide_banner', '-nostdin', '-y', '-v', 'error', '-i', clip, '-frames:v', '1', '-vf', `scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height},setsar=1`, '-q:v', '3', part], { signal });
  renameSync(part, out);
  return out;
}

export interface FootageServices {
  providers: StockProvider[];
  cache: ClipCache;
  maxClipBytes: number;
  timeoutMs: number;
  bins: { ffmpeg: string; ffprobe: string };
  format: { width: number; height: number };
}

/** How many results of a search are tried for one scene before it falls back. */
const TRIES_PER_SCENE = 3;

/**
 * Finds footage for each scene, in order, never the same clip twice in one video: each query in
 * turn on each library (Pexels, then Pixabay) until a clip downloads and decodes. A library that
 * fails twice (or rate-limits) is left alone for the rest of the video; a scene with no usable
 * result gets null (the caller draws a picture instead). Every skip is logged with its reason.
 */
export async function findSceneFootage(
  scenes: { visualPrompt: string; onScreenText: string; durationSec: number; skip?: number }[],
  topic: string,
  services: FootageServices,
  ctx: CallContext,
  onDone?: (count: number) => void,
): Promise<{ clips: (SceneClip | null)[]; fallback: Fallback | null }> {
  const used = new Set<string>();
  const down = new Map<string, string>();
  const searches = new Map<string, StockClip[]>();
  const verify = clipVerifier(services.bins, ctx.signal);
  const clips: (SceneClip | null)[] = [];
  const missed: number[] = [];
  let reason = '';
  const log = (i: number, what: string, detail: Record<string, unknown> = {}) => ctx.log.warn({ runId: ctx.runId, projectId: ctx.projectId, scene: i + 1, ...detail }, what);

  const search = async (provider: StockProvider, query: string): Promise<StockClip[]> => {
    const key = `${provider.id}|${query}`;
    const known = searches.get(key);
    if (known) return known;
    // A rate limit is not retried: the library said when to come back, and the render will not wait.
    const r = await tryTwice(ctx, 'footage', provider.engine, () => provider.search({ query, width: services.format.width, height: services.format.height, signal: ctx.signal }), (f) => f.status !== 429);
    if (!r.ok) {
      down.set(provider.engine, failureText(r.failure));
      return [];
    }
    searches.set(key, r.value);
    return r.value;
  };

  for (const [i, scene] of scenes.entries()) {
    let got: SceneClip | null = null;
    let tried = 0;
    // Swap clip: the results this scene was asked to pass over (the ones it had before).
    let skip = scene.skip ?? 0;
    for (const query of stockQueries(scene, topic)) {
      for (const provider of services.providers) {
        if (got || down.has(provider.engine)) continue;
        const results = (await search(provider, query)).filter((c) => !used.has(`${c.provider}:${c.id}`));
        // A clip as long as the scene first; a shorter one is looped.
        const ordered = [...results.filter((c) => c.durationSec >= scene.durationSec), ...results.filter((c) => c.durationSec < scene.durationSec)];
        for (const clip of ordered) {
          if (got || tried >= TRIES_PER_SCENE) break;
          if (skip > 0) {
            skip--;
            continue;
          }
          tried++;
          used.add(`${clip.provider}:${clip.id}`);
          try {
            const file = await downloadClip(clip.file.url, { cache: services.cache, maxBytes: services.maxClipBytes, timeoutMs: services.timeoutMs, verify, signal: ctx.signal });
            const frame = await firstFrame(services.bins.ffmpeg, file.path, services.format.width, services.format.height, ctx.signal);
            const { file: _file, durationSec: _d, ...credit } = clip;
            got = { path: file.path, firstFrame: frame, credit };
          } catch (err) {
            if (ctx.signal.aborted) throw err;
            const why = failureText(describeFailure(err));
            reason ||= why;
            log(i, 'footage clip skipped', { engine: clip.provider, clip: clip.id, reason: why });
          }
        }
      }
      if (got) break;
    }
    if (!got) {
      missed.push(i + 1);
      reason ||= [...down.values()][0] ?? 'no usable clip found';
      log(i, 'footage not found for scene', { queries: stockQueries(scene, topic), reason });
    }
    clips.push(got);
    onDone?.(i + 1);
  }
  const engine = services.providers.map((p) => p.engine).join('+') || 'stock';
  const fallback: Fallback | null = missed.length
    ? { kind: 'footage', engine, to: 'pictures', reason, ...(missed.length < scenes.length ? { scenes: missed } : {}) }
    : null;
  return { clips, fallback };
}

/** Credits for a caption, authors grouped by library: "Footage: Pexels (Jane Doe, Ann Lee), Pixabay (user)". Empty without footage. */
export function creditsLine(credits: Credit[]): string {
  const byLibrary = new Map<string, string[]>();
  for (const c of credits) {
    const library = c.provider === 'pexels' ? 'Pexels' : 'Pixabay';
    const authors = byLibrary.get(library) ?? [];
    if (c.author && !authors.includes(c.author)) authors.push(c.author);
    byLibrary.set(library, authors);
  }
  const parts = [...byLibrary].map(([library, authors]) => (authors.length ? `${library} (${authors.join(', ')})` : library));
  return parts.length ? `Footage: ${parts.join(', ')}` : '';
}
