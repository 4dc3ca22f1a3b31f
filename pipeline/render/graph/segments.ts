import type { VideoScene } from './video';

/** A stretch of one scene inside a part: all of it or, at a part's edge, a piece of it. */
export interface ScenePiece {
  scene: number;
  /** Its first frame within the scene, and how many frames it has. */
  from: number;
  frames: number;
}

/** A run of consecutive frames encoded by one ffmpeg process. */
export interface Segment {
  pieces: ScenePiece[];
  /** Frame where it starts in the whole video, and how many frames it has. */
  startFrame: number;
  frames: number;
  /** Estimated encode cost (frames weighted by `frameCost`). */
  cost: number;
}

/**
 * Relative cost of one frame by motion preset, filters and encoder together (each preset timed on
 * the same scene, captions on, x264 superfast, 1080x1920): a zoom rescales the picture on most
 * frames and changes every pixel, ~1.5× a still; a pan, tilt, fade or glitch moves or changes it
 * in ways the encoder predicts well, within 5% of a still.
 */
export function frameCost(preset: string, clip = false): number {
  // Footage is decoded, resampled and scaled on every frame, and every pixel changes.
  if (clip) return preset === 'slow_zoom_in' || preset === 'slow_zoom_out' ? 2.4 : 1.9;
  switch (preset) {
    case 'slow_zoom_in':
    case 'slow_zoom_out':
      return 1.5;
    case 'pan_left':
    case 'pan_right':
    case 'tilt_up':
    case 'tilt_down':
    case 'glitch':
    case 'fade':
      return 1.05;
    default:
      return 1;
  }
}

/**
 * Shares of the work per part, in video order: one big part per lane, then one small part per
 * lane (`tail` of the work between them). Lanes take the big parts first; the small ones even
 * out what the cost model got wrong, so the lanes finish together. One lane: one part.
 */
export function partShares(lanes: number, tail = 0.2): number[] {
  if (lanes <= 1) return [1];
  return [...new Array<number>(lanes).fill((1 - tail) / lanes), ...new Array<number>(lanes).fill(tail / lanes)];
}

/**
 * Cuts the video into parts whose estimated costs follow `shares` (fractions adding up to 1).
 * A cut falls on a scene boundary when one is within `snap` of the work from where it should
 * be; otherwise inside the scene, at least `minPiece` frames from either end (the scene is then
 * split in two pieces, each moved as in the whole scene). Cuts that would coincide merge, so
 * short videos get fewer parts.
 */
export function planParts(scenes: VideoScene[], shares: number[], opts: { minPiece: number; snap?: number }): Segment[] {
  const snap = opts.snap ?? 0.02;
  const starts = [0];
  const bounds = [0];
  for (const s of scenes) {
    starts.push(starts.at(-1)! + s.frames);
    bounds.push(bounds.at(-1)! + s.frames * frameCost(s.effectPreset));
  }
  const total = bounds.at(-1)!;
  const totalFrames = starts.at(-1)!;
  const cutAt = (target: number): number => {
    let s = 0;
    while (s < scenes.length - 1 && bounds[s + 1]! <= target) s++;
    const nearest = target - bounds[s]! <= bounds[s + 1]! - target ? s : s + 1;
    const scene = scenes[s]!;
    if (Math.abs(bounds[nearest]! - target) <= snap * total || scene.frames < 2 * opts.minPiece) return starts[nearest]!;
    const inside = Math.floor((target - bounds[s]!) / frameCost(scene.effectPreset));
    return starts[s]! + Math.min(scene.frames - opts.minPiece, Math.max(opts.minPiece, inside));
  };
  let acc = 0;
  const cuts = new Set<number>();
  for (const share of shares.slice(0, -1)) cuts.add(cutAt((acc += share) * total));
  const edges = [0, ...[...cuts].filter((f) => f > 0 && f < totalFrames).sort((a, b) => a - b), totalFrames];
  return edges.slice(0, -1).map((startFrame, k) => {
    const end = edges[k + 1]!;
    const pieces: ScenePiece[] = [];
    let cost = 0;
    scenes.forEach((scene, i) => {
      const [a, b] = [Math.max(startFrame, starts[i]!), Math.min(end, starts[i + 1]!)];
      if (b <= a) return;
      pieces.push({ scene: i, from: a - starts[i]!, frames: b - a });
      cost += (b - a) * frameCost(scene.effectPreset, scene.clip);
    });
    return { pieces, startFrame, frames: end - startFrame, cost };
  });
}

/** The pieces of a part as the video graph takes them (each knows its scene's whole length). */
export function pieceScenes(scenes: VideoScene[], pieces: ScenePiece[]): VideoScene[] {
  return pieces.map((p) => ({
    effectPreset: scenes[p.scene]!.effectPreset, frames: p.frames, from: p.from, sceneFrames: scenes[p.scene]!.frames,
    ...(scenes[p.scene]!.clip ? { clip: true } : {}),
  }));
}

/** Where each scene after the first starts, in frames from the first one's start: the cuts. */
export function sceneCuts(scenes: VideoScene[]): number[] {
  const cuts: number[] = [];
  let at = 0;
  for (const scene of scenes.slice(0, -1)) cuts.push((at += scene.frames));
  return cuts;
}
