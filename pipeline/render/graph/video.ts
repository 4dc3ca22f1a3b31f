import { buildMotionFilter, fitSize, frameSetExpr, movesByFrameCount, pieceChangeFrames } from './motion';

export interface VideoScene {
  effectPreset: string;
  /** Frames this scene lasts (already rounded so the total matches the audio). */
  frames: number;
  /**
   * A piece of a longer scene (split between two parts of the video): `frames` of the scene's
   * `sceneFrames`, from its frame `from` on. Its motion carries on from where the piece before
   * left it; only a piece that starts the scene has the `fade` preset's dip.
   */
  from?: number;
  sceneFrames?: number;
  /**
   * The scene's input is a video clip (stock footage), looped by its input when shorter than the
   * scene: cut to the scene's frames at the output rate, muted, and moved only by the presets
   * that suit footage (`clipPreset`).
   */
  clip?: boolean;
}

/**
 * The preset a clip plays with: fades, flash cuts, glitch and the gentle zooms as planned; a pan
 * or tilt (made for stills) holds still, since the footage moves by itself.
 */
export function clipPreset(preset: string): string {
  return ['pan_left', 'pan_right', 'tilt_up', 'tilt_down'].includes(preset) ? 'static' : preset;
}

export interface VideoGraphInput {
  width: number;
  height: number;
  fps: number;
  scenes: VideoScene[];
  /** Filter-escaped path of the ASS file, or null for none (the encoder floor). */
  assFilterArg: string | null;
  /**
   * Frames of the whole video on which the captions may change (`captionChangeFrames`). With
   * them, a scene sends only the frames where its picture or its captions change through the
   * motion and caption filters and repeats each until the next; without them (and captions on),
   * every frame goes through.
   */
  captionFrames?: number[];
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
 * Frames the `fade` preset's dip changes, from the scene's start. Its last step lands a frame or
 * two after its nominal end, by build: a margin of three.
 */
export const dipFrameCount = (fps: number) => Math.ceil((FADES.hold + FADES.scene) * fps) + 3;

/**
 * The frames of a scene (starting at frame `at` of the video) that can differ from the one
 * before: where its motion moves, its captions change (`captions`, frames of the video) or the
 * `fade` preset's dip runs. Null when that is every frame, or when captions are burned in but
 * where they change is not known.
 */
function keptFrames(preset: string, scene: VideoScene, at: number, input: VideoGraphInput, captions: Set<number> | null): number[] | null {
  const { frames, from = 0 } = scene;
  const moving = pieceChangeFrames(preset, { width: input.width, height: input.height, frames: scene.sceneFrames ?? frames }, from, frames);
  if (!moving || (input.assFilterArg && !captions)) return null;
  const keep = new Set(moving);
  const dipFrames = preset === 'fade' && from === 0 ? dipFrameCount(input.fps) : 0;
  for (let n = 0; n < Math.min(dipFrames, frames); n++) keep.add(n);
  for (let n = 0; captions && n < frames; n++) if (captions.has(at + n)) keep.add(n);
  return keep.size < frames ? [...keep].sort((a, b) => a - b) : null;
}

/**
 * The video half of the render graph: each scene's still is scaled once, looped in the graph
 * (decoded once, not per frame), moved by its preset and captioned at its place in the video;
 * frames that would repeat the one before skip the moving and captioning and are repeated by
 * `fps` (same frames, by reference). Then all scenes are concatenated. Input i is the part's
 * scene i's image. Output label: [vout].
 */
export function buildVideoGraph(input: VideoGraphInput): string {
  const { width: w, height: h, fps } = input;
  const captions = input.captionFrames && input.assFilterArg ? new Set(input.captionFrames) : null;
  let sceneStart = input.startFrame ?? 0;
  const chains = input.scenes.map((scene, i) => {
    const preset = input.motion === false ? 'static' : scene.clip ? clipPreset(scene.effectPreset) : scene.effectPreset;
    const at = sceneStart;
    sceneStart += scene.frames;
    const src = fitSize(preset, w, h);
    // Cut from the middle to the pixel (`exact`: an odd margin would otherwise round to even).
    const fit = `scale=${src.width}:${src.height}:force_original_aspect_ratio=increase,crop=${src.width}:${src.height}:exact=1,setsar=1`;
    // Frame times in whole frames: a still's own time base (1/25 for images) would round them.
    // A still is decoded once and looped; a clip is resampled to the frame rate and its piece cut
    // out by frame number (its input loops it, so a short clip runs on).
    const loop = scene.clip
      ? `setpts=PTS-STARTPTS,fps=${fps},trim=start_frame=${scene.from ?? 0}:end_frame=${(scene.from ?? 0) + scene.frames},settb=1/${fps},setpts=N`
      : `loop=loop=${scene.frames - 1}:size=1:start=0,settb=1/${fps},setpts=N`;
    const motion = buildMotionFilter(preset, { width: w, height: h, fps, frames: scene.sceneFrames ?? scene.frames, from: scene.from, id: `m${i}` });
    // The `fade` preset rises from black at the scene's start (under the captions).
    const dip = preset === 'fade' && !scene.from ? `fade=t=in:st=${FADES.hold}:d=${FADES.scene}` : null;
    // Every frame of footage differs: nothing to skip.
    const keep = input.motion === false || scene.clip ? null : keptFrames(preset, scene, at, input, captions);
    const select = keep ? `select='${frameSetExpr(keep)}'` : null;
    // Motion runs in 4:2:0, so pans move in 2 px steps; 4:4:4 would allow 1 px but costs ~75%
    // more render time (measured), and at ≤ 1 px per frame the difference is not visible.
    // A clip is cut to its frames before it is scaled (fewer frames through the scaler).
    const steps = scene.clip ? [loop, fit, 'format=yuv420p'] : [fit, 'format=yuv420p', loop];
    // A preset that counts frames (pans) must see every one: the repeats are dropped after it.
    if (select && !movesByFrameCount(preset)) steps.push(select);
    if (motion !== 'null') steps.push(motion);
    if (select && movesByFrameCount(preset)) steps.push(select);
    if (dip) steps.push(dip);
    steps.push('setsar=1');
    // Captions see the scene's place in the whole video; the repeats are filled in on the
    // scene's own clock (ffmpeg 4's `fps` loses the last frame of a stream that starts later).
    if (input.assFilterArg) steps.push(...(at ? [`setpts=PTS+${at}`, `ass=${input.assFilterArg}`, `setpts=PTS-${at}`] : [`ass=${input.assFilterArg}`]));
    if (keep) steps.push(`fps=${fps}`, `trim=end_frame=${scene.frames}`);
    return `[${i}:v]${steps.join(',')}[s${i}]`;
  });
  const labels = input.scenes.map((_, i) => `[s${i}]`).join('');
  // Frame-exact timestamps after the joins (concat alone can leave a frame's gap at a seam, and
  // the encoder would then drop or repeat frames).
  const restamp = `setpts=N/${fps}/TB`;
  // The video opens from black and closes to black over everything, captions included.
  const seconds = input.scenes.reduce((n, s) => n + s.frames, 0) / fps;
  const open = input.opensVideo ? `,fade=t=in:st=${FADES.hold}:d=${FADES.open}` : '';
  const close = input.closesVideo ? `,fade=t=out:st=${Math.max(0, seconds - FADES.hold - FADES.close).toFixed(3)}:d=${FADES.close}` : '';
  return [...chains, `${labels}concat=n=${input.scenes.length}:v=1:a=0,${restamp}${open}${close},format=yuv420p[vout]`].join(';');
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
