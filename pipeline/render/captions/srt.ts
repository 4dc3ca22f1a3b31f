import type { WordTiming } from '../../media/words';
import { srtTime } from './escape';
import { pageWords } from './pages';

/** The captions as SubRip text (plain, no highlighting), for platforms that take a captions file. */
export function buildSrt(words: WordTiming[], maxLineChars = 32): string {
  return pageWords(words, { maxLineChars, maxLines: 2, breakGapSec: 0.6 })
    .map((p, i) => `${i + 1}\n${srtTime(p.start)} --> ${srtTime(p.end)}\n${p.lines.map((l) => l.map((w) => w.word).join(' ')).join('\n')}\n`)
    .join('\n');
}
