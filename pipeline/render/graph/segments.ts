import type { VideoScene } from './video';

/** A run of consecutive scenes encoded by one ffmpeg process. */
export interface Segment {
  /** Index of its first scene, and how many scenes it holds. */
  firstScene: number;
  sceneCount: number;
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
export function frameCost(preset: string): number {
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
 * Splits the scenes into at most `count` runs of consecutive scenes whose encode costs are as
 * even as possible (the slowest part decides the wall time): the classic linear partition,
 * solved exactly — scenes are few.
 */
export function planSegments(scenes: VideoScene[], count: number): Segment[] {
  const n = scenes.length;
  const k = Math.max(1, Math.min(count, n));
  const costs = scenes.map((s) => s.frames * frameCost(s.effectPreset));
  const prefix = [0];
  for (const c of costs) prefix.push(prefix[prefix.length - 1]! + c);
  const span = (a: number, b: number) => prefix[b]! - prefix[a]!;
  // best[j][i]: the least possible maximum part cost splitting the first i scenes into j parts.
  const best = Array.from({ length: k + 1 }, () => new Array<number>(n + 1).fill(Infinity));
  const cut = Array.from({ length: k + 1 }, () => new Array<number>(n + 1).fill(0));
  best[0]![0] = 0;
  for (let j = 1; j <= k; j++) {
    for (let i = j; i <= n; i++) {
      for (let m = j - 1; m < i; m++) {
        const v = Math.max(best[j - 1]![m]!, span(m, i));
        if (v < best[j]![i]!) {
          best[j]![i] = v;
          cut[j]![i] = m;
        }
      }
    }
  }
  const bounds: number[] = [n];
  for (let j = k, i = n; j > 0; j--) {
    i = cut[j]![i]!;
    bounds.unshift(i);
  }
  const segments: Segment[] = [];
  let startFrame = 0;
  for (let j = 0; j < k; j++) {
    const [a, b] = [bounds[j]!, bounds[j + 1]!];
    const frames = scenes.slice(a, b).reduce((sum, s) => sum + s.frames, 0);
    segments.push({ firstScene: a, sceneCount: b - a, startFrame, frames, cost: span(a, b) });
    startFrame += frames;
  }
  return segments;
}

/** Where each scene after the first starts, in frames from the first one's start: the cuts. */
export function sceneCuts(scenes: VideoScene[]): number[] {
  const cuts: number[] = [];
  let at = 0;
  for (const scene of scenes.slice(0, -1)) cuts.push((at += scene.frames));
  return cuts;
}
