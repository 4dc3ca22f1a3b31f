import type { WordTiming } from '../../media/words';

/** A group of words shown together: up to two lines. */
export interface CaptionPage {
  lines: WordTiming[][];
  start: number;
  end: number;
}

export interface PagingOptions {
  /** Characters that fit on one line at the caption size. */
  maxLineChars: number;
  maxLines: number;
  /** A pause longer than this starts a new page. */
  breakGapSec: number;
}

const endsSentence = (w: string) => /[.!?…]["”’)]*$/.test(w);

/**
 * Splits timed words into caption pages: lines no longer than `maxLineChars`, at most
 * `maxLines` per page, breaking after sentences and at pauses so captions follow the speech.
 */
export function pageWords(words: WordTiming[], opts: PagingOptions): CaptionPage[] {
  const pages: CaptionPage[] = [];
  let lines: WordTiming[][] = [[]];
  const flush = () => {
    const flat = lines.flat();
    if (flat.length) pages.push({ lines: lines.filter((l) => l.length), start: flat[0]!.start, end: flat.at(-1)!.end });
    lines = [[]];
  };
  words.forEach((w, i) => {
    let line = lines.at(-1)!;
    const width = line.reduce((n, x) => n + [...x.word].length + 1, 0) + [...w.word].length;
    if (line.length && width > opts.maxLineChars) {
      if (lines.length >= opts.maxLines) flush();
      else lines.push([]);
      line = lines.at(-1)!;
    }
    line.push(w);
    const next = words[i + 1];
    if (endsSentence(w.word) || (next && next.start - w.end > opts.breakGapSec)) flush();
  });
  flush();
  // Hold each page a moment after its last word, without running into the next one.
  return pages.map((p, i) => ({ ...p, end: Math.min(p.end + 0.35, pages[i + 1]?.start ?? p.end + 0.35) }));
}
