import { buildMotionFilter, sourceSize } from './motion';

export interface VideoScene {
  effectPreset: string;
  /** Frames this scene lasts (already rounded so the total matches the audio). */
  frames: number;
}

export interface VideoGraphInput {
  width: number;
  height: number;
  fps: number;
  scenes: VideoScene[];
  /** Filter-escaped path of the ASS file, or null for none (the encoder floor). */
  assFilterArg: string | null;
  /** false: no motion at all (the encoder floor measurement). */
  motion?: boolean;
  /** Where this part starts in the whole video (frames), so captions keep their timing. */
  startFrame?: number;
  /** The part opens the video (fades in from black) and/or closes it (fades out to black). */
  opensVideo?: boolean;
  closesVideo?: boolean;
}

/** Fades from and to black, in seconds: a short hold of black, then the fade. */
export const FADES = { hold: 0.05, open: 0.3, scene: 0.45, close: 0.45 };

/**
 * The video half of the render graph: each scene's still is scaled once, looped in the graph
 * (decoded once, not per frame), moved by its preset, then all scenes are concatenated and the
 * captions burned in. Input i is the part's scene i's image. Output label: [vout].
 */
export function buildVideoGraph(input: VideoGraphInput): string {
  const { width: w, height: h, fps } = input;
  const chains = input.scenes.map((scene, i) => {
    const preset = input.motion === false ? 'static' : scene.effectPreset;
    const src = sourceSize(preset, w, h);
    // Cut from the middle to the pixel (`exact`: an odd margin would otherwise round to even).
    const fit = `scale=${src.width}:${src.height}:force_original_aspect_ratio=increase,crop=${src.width}:${src.height}:exact=1,setsar=1`;
    // Frame times in whole frames: a still's own time base (1/25 for images) would round them.
    const loop = `loop=loop=${scene.frames - 1}:size=1:start=0,settb=1/${fps},setpts=N`;
    const motion = buildMotionFilter(preset, { width: w, height: h, fps, frames: scene.frames, id: `m${i}` });
    // The `fade` preset rises from black at the scene's start (under the captions).
    const dip = preset === 'fade' ? `,fade=t=in:st=${FADES.hold}:d=${FADES.scene}` : '';
    // Motion runs in 4:2:0, so pans move in 2 px steps; 4:4:4 would allow 1 px but costs ~75%
    // more render time (measured), and at ≤ 1 px per frame the difference is not visible.
    return `[${i}:v]${fit},format=yuv420p,${loop},${motion}${dip},setsar=1[s${i}]`;
  });
  const labels = input.scenes.map((_, i) => `[s${i}]`).join('');
  // Frame-exact timestamps after the joins (concat alone can leave a frame's gap at a seam, and
  // the encoder would then drop or repeat frames); captions see the part's place in the video.
  const start = input.startFrame ?? 0;
  const restamp = `setpts=N/${fps}/TB`;
  const tail = !input.assFilterArg ? restamp
    : start > 0 ? `setpts=(N+${start})/${fps}/TB,ass=${input.assFilterArg},${restamp}`
    : `${restamp},ass=${input.assFilterArg}`;
  // The video opens from black and closes to black over everything, captions included.
  const seconds = input.scenes.reduce((n, s) => n + s.frames, 0) / fps;
  const open = input.opensVideo ? `,fade=t=in:st=${FADES.hold}:d=${FADES.open}` : '';
  const close = input.closesVideo ? `,fade=t=out:st=${Math.max(0, seconds - FADES.hold - FADES.close).toFixed(3)}:d=${FADES.close}` : '';
  return [...chains, `${labels}concat=n=${input.scenes.length}:v=1:a=0,${tail}${open}${close},format=yuv420p[vout]`].join(';');
}

/**
 * Adds a second, smaller picture to a part's graph for a chat's upload limit: [vout] is split
 * into [vmain] (the video as is) and [vchat] (scaled to `width`x`height`).
 */
export function withChatCopy(graph: string, size: { width: number; height: number }): string {
  return `${graph};[vout]split=2[vmain][vfit];[vfit]scale=${size.width}:${size.height}:flags=bilinear,setsar=1[vchat]`;
}

/** Escapes a value for use inside a filter argument (filtergraph quoting rules). */
export function escapeFilterValue(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "'\\\\\\''").replace(/:/g, '\\:')}'`;
}

/** Frames per scene from durations, rounding so the running total never drifts. */
export function framesFor(durations: number[], fps: number): number[] {
  let acc = 0;
  let prevFrames = 0;
  return durations.map((d) => {
    acc += d;
    const total = Math.round(acc * fps);
    const f = Math.max(1, total - prevFrames);
    prevFrames += f;
    return f;
  });
}
