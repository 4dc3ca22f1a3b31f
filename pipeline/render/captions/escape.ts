/** U+2060 WORD JOINER: invisible, and it stops libass reading `\x` as an override escape. */
const JOINER = '\u2060';

/**
 * Makes user text safe inside an ASS Dialogue line so it shows literally: braces cannot open
 * override blocks (`{\an8}` stays text), backslash sequences like `\N` or `\h` do not act, and
 * line breaks and control characters cannot break the line format.
 */
export function escapeAssText(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\\/g, `\\${JOINER}`)
    .replace(/\{/g, '\\{')
    .replace(/\}/g, '\\}');
}

/** `#RRGGBB` (+ alpha 0–255, 0 = opaque) to ASS `&HAABBGGRR`. */
export function assColor(hex: string, alpha = 0): string {
  const n = hex.replace('#', '');
  const [r, g, b] = [n.slice(0, 2), n.slice(2, 4), n.slice(4, 6)];
  return `&H${alpha.toString(16).padStart(2, '0').toUpperCase()}${b}${g}${r}`.toUpperCase();
}

/** Seconds to ASS time `H:MM:SS.cc`. */
export function assTime(sec: number): string {
  const cs = Math.max(0, Math.round(sec * 100));
  const h = Math.floor(cs / 360000);
  const m = Math.floor((cs % 360000) / 6000);
  const s = Math.floor((cs % 6000) / 100);
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(cs % 100).padStart(2, '0')}`;
}

/** Seconds to SRT time `HH:MM:SS,mmm`. */
export function srtTime(sec: number): string {
  const ms = Math.max(0, Math.round(sec * 1000));
  const h = Math.floor(ms / 3600000);
  const m = Math.floor((ms % 3600000) / 60000);
  const s = Math.floor((ms % 60000) / 1000);
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')},${String(ms % 1000).padStart(3, '0')}`;
}
