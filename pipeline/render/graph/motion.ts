export interface MotionSpec {
  width: number;
  height: number;
  fps: number;
  /** Frames the whole scene lasts: the motion runs over all of them. */
  frames: number;
  /** Names this scene's filters in the graph (commands are sent to them by name). */
  id: string;
  /**
   * Where the filtered frames start in the scene (a piece of a scene split between two parts
   * of the video): the filter's frame 0 is the scene's frame `from`. 0 when omitted.
   */
  from?: number;
}

/** How much bigger than the frame a preset needs its source (room to move). */
export function sourceScale(preset: string): number {
  switch (preset) {
    case 'slow_zoom_in':
    case 'slow_zoom_out':
      return 1.15;
    case 'pan_left':
    case 'pan_right':
    case 'tilt_up':
    case 'tilt_down':
      return 1.2;
    case 'glitch':
      return 1.04;
    default:
      return 1;
  }
}

/** The even-sized source a preset moves over: `sourceScale` × the frame. */
export function sourceSize(preset: string, width: number, height: number): { width: number; height: number } {
  const m = sourceScale(preset);
  return { width: 2 * Math.ceil((width * m) / 2), height: 2 * Math.ceil((height * m) / 2) };
}

/**
 * The size a preset's still is fitted to before it moves. Pans, tilts and glitch crop a window
 * from their bigger `sourceSize`. Zooms start from the frame size and scale it up to each
 * frame's size (`zoomSizes`): upscaling reads fewer pixels with fewer taps than scaling a
 * `sourceSize` picture down (0.78 vs 0.91 CPU-s for 300 frames), and an image drawn at the frame
 * size is resampled once, not twice.
 */
export function fitSize(preset: string, width: number, height: number): { width: number; height: number } {
  return preset === 'slow_zoom_in' || preset === 'slow_zoom_out' ? { width, height } : sourceSize(preset, width, height);
}

const even = (n: number) => 2 * Math.round(n / 2);

/** Smoothstep: the move starts and ends gently. */
const ease = (p: number) => 3 * p * p - 2 * p * p * p;

/**
 * The size the whole source is scaled to on each frame of a zoom (the frame is then cropped from
 * its centre). Heights step by 2 px — the finest even step, one pixel at the top and the bottom —
 * and widths follow the height, so both change on the same frames and every frame in between
 * is identical (cheap for the encoder). Even sizes keep the centre on a whole pixel.
 */
export function zoomSizes(preset: 'slow_zoom_in' | 'slow_zoom_out', spec: Pick<MotionSpec, 'width' | 'height' | 'frames'>): { width: number; height: number }[] {
  const { width: w, height: h, frames } = spec;
  const src = sourceSize(preset, w, h);
  const last = Math.max(1, frames - 1);
  return Array.from({ length: frames }, (_, n) => {
    const t = preset === 'slow_zoom_in' ? ease(n / last) : 1 - ease(n / last);
    const height = h + even((src.height - h) * t);
    return { width: w + even(((height - h) * w) / h), height };
  });
}

/** The frames (after the first) on which a zoom's size changes. */
function zoomChanges(sizes: { width: number; height: number }[]): number[] {
  return sizes.flatMap((b, n) => (n > 0 && (b.width !== sizes[n - 1]!.width || b.height !== sizes[n - 1]!.height) ? [n] : []));
}

/**
 * A zoom: the still (fitted to the frame) scaled up to this frame's size and the frame cut from
 * its centre. ffmpeg's `crop` fixes its size at set-up and per-frame `scale` expressions need
 * ffmpeg 5 (and even there the crop keeps the first frame's bounds, pinning a zoom-in to the
 * top-left corner), so the sizes are worked out here and sent to named `scale` and `crop`
 * filters as commands, timed by the frame they are for — so frames that repeat the one before
 * may be left out upstream (see `motionChangeFrames`). Same result on every ffmpeg ≥ 4.1.
 * `exact` crops odd offsets too (luma stays centred; chroma, at half resolution, within half a
 * sample). Frame times must be whole frames (`settb` before it) so each command lands on its
 * frame: a command is timed half a frame ahead. A piece from frame `from` on starts at that
 * frame's size, with its commands timed from there.
 */
function zoomFilter(preset: 'slow_zoom_in' | 'slow_zoom_out', spec: MotionSpec): string {
  const { width: w, height: h, fps, id } = spec;
  const from = spec.from ?? 0;
  const sizes = zoomSizes(preset, spec);
  const offset = (s: { width: number; height: number }) => `${(s.width - w) / 2}:${(s.height - h) / 2}`;
  const commands = zoomChanges(sizes).filter((n) => n > from).map((n) => {
    const [a, b] = [sizes[n - 1]!, sizes[n]!];
    const set: string[] = [];
    if (b.width !== a.width) set.push(`scale@${id} w ${b.width}`, `crop@${id} x ${(b.width - w) / 2}`);
    if (b.height !== a.height) set.push(`scale@${id} h ${b.height}`, `crop@${id} y ${(b.height - h) / 2}`);
    return `${((n - from - 0.5) / fps).toFixed(4)} ${set.join(', ')}`;
  });
  const first = sizes[from]!;
  // bilinear, not fast_bilinear: the fast one samples half a pixel off horizontally at these
  // ratios, so the centre would drift as the size changes (it saves only ~0.6 ms a frame).
  const move = `scale@${id}=${first.width}:${first.height}:flags=bilinear,crop@${id}=${w}:${h}:${offset(first)}:exact=1`;
  return commands.length ? `sendcmd=c='${commands.join(';')}',${move}` : move;
}

const roundHalfEven = (v: number) => {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/**
 * The frames on which a crop that travels `travel` px over the scene lands on a new position:
 * `crop` evaluates its expression per frame, rounds to the nearest whole pixel (half-way to
 * even, as C's `lrint`) and, for 4:2:0, down to an even one — the same arithmetic here, in the
 * same order (a test compares the frames with every frame moved, on both ffmpeg builds).
 */
function travelChanges(travel: number, frames: number, backwards: boolean): number[] {
  const last = Math.max(1, frames - 1);
  const position = (n: number) => roundHalfEven(travel * (backwards ? 1 - n / last : n / last)) & ~1;
  const changes: number[] = [];
  for (let n = 1; n < frames; n++) if (position(n) !== position(n - 1)) changes.push(n);
  return changes;
}

/**
 * The frames of a scene on which its motion can change the picture (always the first and the
 * last), or null where it may change on every frame. Zooms change size on the frames
 * `zoomSizes` steps on; pans and tilts move in whole even pixels, less than one step a frame;
 * glitch jumps on two frames in 17; the rest hold still. The renderer keeps only these frames
 * (and the captions' changes) through the costly filters and repeats each until the next.
 */
export function motionChangeFrames(preset: string, spec: Pick<MotionSpec, 'width' | 'height' | 'frames'>): number[] | null {
  const { width: w, height: h, frames } = spec;
  const src = sourceSize(preset, w, h);
  const ends = frames > 1 ? [0, frames - 1] : [0];
  const withEnds = (changes: number[]) => [...new Set([...ends, ...changes])].sort((a, b) => a - b);
  switch (preset) {
    case 'slow_zoom_in':
    case 'slow_zoom_out':
      return withEnds(zoomChanges(zoomSizes(preset, spec)));
    case 'pan_left':
    case 'pan_right':
      return withEnds(travelChanges(src.width - w, frames, preset === 'pan_left'));
    case 'tilt_up':
    case 'tilt_down':
      return withEnds(travelChanges(src.height - h, frames, preset === 'tilt_up'));
    case 'glitch':
      return withEnds(Array.from({ length: frames }, (_, n) => n).filter((n) => n % 17 <= 2));
    case 'static':
    case 'fade':
    case 'flash_cut':
      return withEnds([]);
    default:
      return null;
  }
}

/**
 * `motionChangeFrames` for the piece of a scene from frame `from`, `count` frames long: the
 * scene's change frames in it, counted from the piece's start, and the piece's own first and
 * last frames. Null where every frame may change.
 */
export function pieceChangeFrames(preset: string, spec: Pick<MotionSpec, 'width' | 'height' | 'frames'>, from: number, count: number): number[] | null {
  const whole = motionChangeFrames(preset, spec);
  if (!whole) return null;
  const inside = whole.filter((n) => n >= from && n < from + count).map((n) => n - from);
  return [...new Set([0, ...inside, count - 1])].sort((a, b) => a - b);
}

/** True for presets whose filter counts frames (`n`): no frame may be left out before it. */
export function movesByFrameCount(preset: string): boolean {
  return ['pan_left', 'pan_right', 'tilt_up', 'tilt_down', 'glitch'].includes(preset);
}

/**
 * An ffmpeg expression that is non-zero exactly on the frames listed: runs of consecutive frames
 * as one `between`, summed as a balanced tree — ffmpeg 5 rejects an expression nested more than
 * 100 deep, and a flat sum of 100 terms already is.
 */
export function frameSetExpr(frames: number[]): string {
  const sorted = [...new Set(frames)].sort((a, b) => a - b);
  const terms: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    terms.push(i === j ? `eq(n,${sorted[i]})` : `between(n,${sorted[i]},${sorted[j]})`);
    i = j + 1;
  }
  const sum = (from: number, to: number, outer = false): string => {
    if (to - from === 1) return terms[from]!;
    const mid = (from + to) >> 1;
    const both = `${sum(from, mid)}+${sum(mid, to)}`;
    return outer ? both : `(${both})`;
  };
  return terms.length ? sum(0, terms.length, true) : '0';
}

/**
 * The filters that move one scene's looped still (already scaled to `fitSize`). Pans and tilts
 * crop a window that travels evenly over the whole scene; zooms are centred and change size on
 * the frames listed by `zoomSizes`; glitch jitters on a few frames. With `from`, the frames given
 * are the scene's from that frame on, moved as they are in the whole scene. Pure: returns
 * filter text.
 */
export function buildMotionFilter(preset: string, spec: MotionSpec): string {
  const { width: w, height: h, frames } = spec;
  const last = Math.max(1, frames - 1);
  // The scene's frame number: the filter's own count, plus where a piece starts in the scene.
  const n = spec.from ? `(n+${spec.from})` : 'n';
  const p = `(${n}/${last})`;
  switch (preset) {
    case 'pan_left':
      return `crop=${w}:${h}:x='(iw-ow)*(1-${p})':y='(ih-oh)/2'`;
    case 'pan_right':
      return `crop=${w}:${h}:x='(iw-ow)*${p}':y='(ih-oh)/2'`;
    case 'tilt_up':
      return `crop=${w}:${h}:x='(iw-ow)/2':y='(ih-oh)*(1-${p})'`;
    case 'tilt_down':
      return `crop=${w}:${h}:x='(iw-ow)/2':y='(ih-oh)*${p}'`;
    case 'slow_zoom_in':
    case 'slow_zoom_out':
      return zoomFilter(preset, spec);
    case 'glitch': {
      const jitter = even(w * 0.02);
      return `crop=${w}:${h}:x='(iw-ow)/2+if(lt(mod(${n},17),2),${jitter}*sin(${n}*7.3),0)':y='(ih-oh)/2'`;
    }
    default:
      return 'null';
  }
}
