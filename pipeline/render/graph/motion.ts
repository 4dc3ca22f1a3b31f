export interface MotionSpec {
  width: number;
  height: number;
  fps: number;
  frames: number;
  /** Names this scene's filters in the graph (commands are sent to them by name). */
  id: string;
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

/**
 * A zoom: the source scaled to this frame's size and the frame cut from its centre. ffmpeg's
 * `crop` fixes its size at set-up and per-frame `scale` expressions need ffmpeg 5 (and even there
 * the crop keeps the first frame's bounds, pinning a zoom-in to the top-left corner), so the
 * sizes are worked out here and sent to named `scale` and `crop` filters, frame by frame, as
 * commands — on exactly the frames where the size changes. Same result on every ffmpeg ≥ 4.1.
 * `exact` crops odd offsets too (luma stays centred; chroma, at half resolution, within half a
 * sample). Frame times must be whole frames (`settb` before it) so each command lands on its
 * frame: a command is timed half a frame ahead.
 */
function zoomFilter(preset: 'slow_zoom_in' | 'slow_zoom_out', spec: MotionSpec): string {
  const { width: w, height: h, fps, id } = spec;
  const sizes = zoomSizes(preset, spec);
  const offset = (s: { width: number; height: number }) => `${(s.width - w) / 2}:${(s.height - h) / 2}`;
  const commands: string[] = [];
  const changes: number[] = [];
  for (let n = 1; n < sizes.length; n++) {
    const [a, b] = [sizes[n - 1]!, sizes[n]!];
    const set: string[] = [];
    if (b.width !== a.width) set.push(`scale@${id} w ${b.width}`, `crop@${id} x ${(b.width - w) / 2}`);
    if (b.height !== a.height) set.push(`scale@${id} h ${b.height}`, `crop@${id} y ${(b.height - h) / 2}`);
    if (set.length) {
      commands.push(`${((n - 0.5) / fps).toFixed(4)} ${set.join(', ')}`);
      changes.push(n);
    }
  }
  const first = sizes[0]!;
  // bilinear, not fast_bilinear: the fast one samples half a pixel off horizontally at these
  // ratios, so the centre would drift as the size changes (it saves only ~0.6 ms a frame).
  const move = `scale@${id}=${first.width}:${first.height}:flags=bilinear,crop@${id}=${w}:${h}:${offset(first)}:exact=1`;
  if (!commands.length) return move;
  // Scaling is most of a zoom's filtering (~1.8 ms a 1080x1920 frame), and between two size
  // steps the frames are the same picture: only the first frame, the frames where the size
  // changes and the last go through; `fps` repeats each until the next (same frames, by
  // reference), and `trim` holds the count whatever a build does at the end of the stream.
  const select = `select='${frameSetExpr([0, ...changes, sizes.length - 1])}'`;
  return `${select},sendcmd=c='${commands.join(';')}',${move},fps=${fps},trim=end_frame=${sizes.length}`;
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
 * The filters that move one scene's looped still (already scaled to `sourceSize`). Pans and tilts
 * crop a window that travels evenly over the whole scene; zooms are centred and change size on
 * the frames listed by `zoomSizes`; glitch jitters on a few frames. Pure: returns filter text.
 */
export function buildMotionFilter(preset: string, spec: MotionSpec): string {
  const { width: w, height: h, frames } = spec;
  const last = Math.max(1, frames - 1);
  const p = `(n/${last})`;
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
      return `crop=${w}:${h}:x='(iw-ow)/2+if(lt(mod(n,17),2),${jitter}*sin(n*7.3),0)':y='(ih-oh)/2'`;
    }
    default:
      return 'null';
  }
}
