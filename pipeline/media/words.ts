/** A spoken word and where it sits in the audio (seconds). */
export interface WordTiming {
  word: string;
  start: number;
  end: number;
}

/** A timing mark from a speech engine: the character index (code points) where a word starts. */
export interface TimingMark {
  charIndex: number;
  start: number;
}

/**
 * Gives every whitespace-separated token of `text` a start and end time, from engine marks that
 * point into the text. Tokens keep their punctuation (what captions show); tokens the engine
 * skipped (dashes, symbols) get times interpolated from their neighbours.
 */
export function alignTokens(text: string, marks: TimingMark[], durationSec: number): WordTiming[] {
  const chars = [...text];
  const tokens: { word: string; from: number; to: number }[] = [];
  let i = 0;
  while (i < chars.length) {
    while (i < chars.length && /\s/.test(chars[i]!)) i++;
    const from = i;
    while (i < chars.length && !/\s/.test(chars[i]!)) i++;
    if (i > from) tokens.push({ word: chars.slice(from, i).join(''), from, to: i });
  }
  const starts: (number | undefined)[] = tokens.map((t) => {
    const inside = marks.filter((m) => m.charIndex >= t.from && m.charIndex < t.to).map((m) => m.start);
    return inside.length ? Math.min(...inside) : undefined;
  });
  // Fill gaps by interpolating between known neighbours (or the clip's ends).
  for (let k = 0; k < starts.length; k++) {
    if (starts[k] !== undefined) continue;
    let prev = k - 1;
    while (prev >= 0 && starts[prev] === undefined) prev--;
    let next = k + 1;
    while (next < starts.length && starts[next] === undefined) next++;
    const a = prev >= 0 ? starts[prev]! : 0;
    const b = next < starts.length ? starts[next]! : durationSec;
    starts[k] = a + ((b - a) * (k - prev)) / (next - prev);
  }
  // Keep starts monotonic: engines occasionally report a mark slightly out of order.
  for (let k = 1; k < starts.length; k++) starts[k] = Math.max(starts[k]!, starts[k - 1]!);
  return tokens.map((t, k) => {
    const start = starts[k]!;
    const nextStart = k + 1 < tokens.length ? starts[k + 1]! : durationSec;
    return { word: t.word, start: round3(start), end: round3(Math.max(start + 0.05, Math.min(nextStart, start + 1.5, durationSec))) };
  });
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

const norm = (w: string) => w.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

/**
 * Word times from an engine that reports its own words (a recogniser, Edge's word boundaries,
 * Kokoro's captions, Festival's utterance), put back onto the script's own tokens so captions show
 * what was written, with punctuation: engine words are matched in order to script tokens (looking
 * a few words ahead, since engines split or drop some), and unmatched tokens are interpolated.
 */
export function timingsFromWords(text: string, engineWords: { word: string; start: number }[], durationSec: number): WordTiming[] {
  const marks: TimingMark[] = [];
  let r = 0;
  for (const m of text.matchAll(/\S+/gu)) {
    const charIndex = [...text.slice(0, m.index)].length;
    const target = norm(m[0]);
    if (!target) continue;
    for (let look = r; look < Math.min(engineWords.length, r + 4); look++) {
      const said = norm(engineWords[look]!.word);
      if (said === target || (said.length > 2 && target.startsWith(said))) {
        marks.push({ charIndex, start: engineWords[look]!.start });
        r = look + 1;
        break;
      }
    }
  }
  return alignTokens(text, marks, durationSec);
}
