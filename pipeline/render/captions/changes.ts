/** One event of an ASS file, timed as libass times it (milliseconds). */
export interface AssEventTiming {
  start: number;
  end: number;
  /** Milliseconds after the start and before the end over which it changes on every frame. */
  changingIn: number;
  changingOut: number;
}

const TIME = /^(\d+):(\d{2}):(\d{2})\.(\d{2})$/;

function assMs(time: string): number {
  const m = TIME.exec(time.trim());
  if (!m) throw new Error(`Not an ASS time: ${time}`);
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]) * 10;
}

/**
 * The events' timings from an ASS file's `Dialogue:` lines. A `\fad(in,out)` makes the event
 * change on every frame of its fades; any other animation tag (`\t`, `\move`, `\fade`, karaoke)
 * is taken to change it on every frame it shows.
 */
export function assEventTimings(ass: string): AssEventTiming[] {
  return ass.split('\n').filter((line) => line.startsWith('Dialogue:')).map((line) => {
    const fields = line.slice('Dialogue:'.length).split(',');
    const [start, end] = [assMs(fields[1]!), assMs(fields[2]!)];
    const text = fields.slice(9).join(',');
    const fad = /\\fad\((\d+),(\d+)\)/.exec(text);
    const animated = /\\(t\(|move\(|fade\(|k\d|K\d|kf\d|ko\d)/.test(text);
    const whole = end - start;
    return animated ? { start, end, changingIn: whole, changingOut: whole }
      : { start, end, changingIn: fad ? Number(fad[1]) : 0, changingOut: fad ? Number(fad[2]) : 0 };
  });
}

/**
 * Frames in [from, to) whose captions may differ from the frame before: where an event appears
 * or goes, and every frame of a fade. Frame g shows the captions at `trunc(g / fps * 1000)` ms,
 * the same arithmetic ffmpeg's `ass` filter does, and libass shows an event from its start up
 * to, not including, its end — so the list is exact; the frame just after each fade is added
 * too, in case a build rounds the last fade step differently.
 */
export function captionChangeFrames(events: AssEventTiming[], fps: number, from: number, to: number): number[] {
  const ms = (g: number) => Math.trunc(g * (1 / fps) * 1000);
  // The first frame at or after `t` ms.
  const firstAt = (t: number) => {
    let g = Math.max(0, Math.ceil((t * fps) / 1000) - 1);
    while (ms(g) < t) g++;
    while (g > 0 && ms(g - 1) >= t) g--;
    return g;
  };
  const frames = new Set<number>();
  const add = (g: number) => {
    if (g >= from && g < to) frames.add(g);
  };
  for (const e of events) {
    const [first, after] = [firstAt(e.start), firstAt(e.end)];
    add(first);
    add(after);
    const fadeInEnd = firstAt(e.start + e.changingIn);
    for (let g = Math.max(first, from); g <= Math.min(fadeInEnd, to - 1) && e.changingIn > 0; g++) add(g);
    for (let g = Math.max(firstAt(e.end - e.changingOut), from); g < Math.min(after, to) && e.changingOut > 0; g++) add(g);
  }
  return [...frames].sort((a, b) => a - b);
}
