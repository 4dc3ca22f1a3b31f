import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findBinaries } from '../../../pipeline/render/binaries';
import { escapeFilterValue } from '../../../pipeline/render/graph/video';
import { ensureFontsDir } from '../../../pipeline/render/steps/captionsBuild';
import { alignTokens } from '../../../pipeline/media/words';
import { buildAss, captionLayout } from '../../../pipeline/render/captions/ass';
import { assColor, assTime, escapeAssText } from '../../../pipeline/render/captions/escape';
import { pageWords } from '../../../pipeline/render/captions/pages';
import { buildSrt } from '../../../pipeline/render/captions/srt';
import { getPack } from '../../../pipeline/plan/packs';

const words = (text: string, step = 0.4) => text.split(' ').map((word, i) => ({ word, start: i * step, end: i * step + step * 0.9 }));

describe('caption text escaping', () => {
  it('shows override blocks, line breaks and filter syntax literally', () => {
    expect(escapeAssText('{\\an8}top')).toBe('\\{\\\u2060an8\\}top');
    expect(escapeAssText('a\\Nb \\h')).toBe('a\\\u2060Nb \\\u2060h');
    expect(escapeAssText('{}')).toBe('\\{\\}');
    expect(escapeAssText("[0:v]drawtext=text='x';")).toBe("[0:v]drawtext=text='x';");
    expect(escapeAssText('line\nbreak\u0000')).toBe('line break ');
    expect(escapeAssText('Dialogue: 0,0:00:00.00,9:99:99.99,Caption,,0,0,0,,x')).not.toContain('\n');
  });

  it('formats colours and times the way libass reads them', () => {
    expect(assColor('#FFD60A')).toBe('&H000AD6FF');
    expect(assColor('#000000', 0x80)).toBe('&H80000000');
    expect(assTime(3723.456)).toBe('1:02:03.46');
  });
});

describe('caption pages', () => {
  it('never exceeds two lines or the line width, and breaks after sentences', () => {
    const pages = pageWords(words('One two three four five six seven eight nine ten. Eleven twelve thirteen fourteen fifteen sixteen seventeen'), { maxLineChars: 16, maxLines: 2, breakGapSec: 0.6 });
    for (const p of pages) {
      expect(p.lines.length).toBeLessThanOrEqual(2);
      for (const l of p.lines) expect(l.map((w) => w.word).join(' ').length).toBeLessThanOrEqual(16);
    }
    expect(pages.some((p) => p.lines.flat().at(-1)?.word === 'ten.')).toBe(true);
    for (let i = 1; i < pages.length; i++) expect(pages[i]!.start).toBeGreaterThanOrEqual(pages[i - 1]!.end);
  });

  it('keeps captions at most 900 px wide inside the safe zone on a 1080x1920 frame', () => {
    const layout = captionLayout(1080, getPack('facts').captionStyle);
    expect(layout.marginL).toBeGreaterThanOrEqual(90);
    expect(layout.marginR).toBeGreaterThanOrEqual(150);
    expect(layout.maxLineChars * layout.fontSize * 0.62).toBeLessThanOrEqual(900);
  });
});

describe('ASS builder', () => {
  const input = {
    width: 1080, height: 1920, style: getPack('facts').captionStyle, families: { caption: 'Montserrat ExtraBold', display: 'Anton' },
    scenes: [
      { start: 0, end: 2, onScreenText: '{\\an8} hi', effectPreset: 'slow_zoom_in' },
      { start: 2, end: 4, onScreenText: 'FACT', effectPreset: 'flash_cut' },
    ],
    words: words('Cats sleep a lot. Really.'),
  };

  it('writes styles inside the safe zone and a highlighted word per event', () => {
    const ass = buildAss(input);
    expect(ass).toContain('PlayResX: 1080\nPlayResY: 1920');
    expect(ass).toContain('Style: Caption,Montserrat ExtraBold,64,&H00FFFFFF,&H00FFFFFF,&H00000000,&H80000000,0,0,0,0,100,100,0,0,1,6,0,2,90,150,560,1');
    const captions = ass.split('\n').filter((l) => l.includes(',Caption,'));
    expect(captions).toHaveLength(5);
    expect(captions[0]).toBe('Dialogue: 1,0:00:00.00,0:00:00.40,Caption,,0,0,0,,{\\c&H000AD6FF\\bord8}Cats{\\r} sleep a lot.');
    expect(captions[1]).toContain('Cats {\\c&H000AD6FF\\bord8}sleep{\\r} a lot.');
  });

  it('moves the highlight without moving any other word (rendered by libass)', () => {
    // "Octopuses have three / hearts": the first frame highlights "Octopuses", the second "have";
    // "three" ends line 1 and "hearts" is line 2, white in both frames and in the same place.
    const dir = mkdtempSync(join(tmpdir(), 'shortsmith-captions-'));
    try {
      const assPath = join(dir, 'c.ass');
      writeFileSync(assPath, buildAss({ ...input, scenes: [], words: words('Octopuses have three hearts', 0.1) }));
      const fontsDir = ensureFontsDir(dir);
      const raw = execFileSync(findBinaries().ffmpeg, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=0x305030:s=1080x1920:r=10:d=0.3',
        '-vf', `ass=filename=${escapeFilterValue(assPath)}:fontsdir=${escapeFilterValue(fontsDir)}`, '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], { maxBuffer: 32 * 1024 * 1024 });
      const size = 1080 * 1920;
      // White text pixels as "row:column", split into the two lines at the widest gap in rows.
      const lines = (k: number) => {
        const frame = raw.subarray(k * size, (k + 1) * size);
        const white: [number, number][] = [];
        for (let i = 0; i < size; i++) if (frame[i]! > 230) white.push([Math.floor(i / 1080), i % 1080]);
        const rows = [...new Set(white.map(([r]) => r))];
        let split = rows[0]!;
        for (let j = 1; j < rows.length; j++) if (rows[j]! - rows[j - 1]! > 10) split = rows[j]!;
        return { first: white.filter(([r]) => r < split), second: white.filter(([r]) => r >= split).map(([r, c]) => `${r}:${c}`) };
      };
      const [a, b] = [lines(0), lines(1)];
      expect(a.second.length).toBeGreaterThan(100);
      expect(b.second).toEqual(a.second);
      expect(Math.max(...b.first.map(([, c]) => c))).toBe(Math.max(...a.first.map(([, c]) => c)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('draws on-screen text escaped and the white flash; fades to and from black are left to the video graph', () => {
    const ass = buildAss(input);
    expect(ass).toContain('OnScreen,,0,0,0,,{\\fad(120,120)}\\{\\\u2060AN8\\} HI');
    const overlays = ass.split('\n').filter((l) => l.includes(',Overlay,,'));
    expect(overlays).toHaveLength(1);
    expect(overlays[0]).toMatch(/^Dialogue: 5,0:00:02\.00,0:00:02\.30,Overlay,,0,0,0,,\{\\fad\(0,260\)\}\{\\an7\\pos\(0,0\)\\p1.*FFFFFF/);
  });

  it('writes an SRT with plain text', () => {
    expect(buildSrt(words('Cats sleep a lot.'))).toBe('1\n00:00:00,000 --> 00:00:01,910\nCats sleep a lot.\n');
  });
});

describe('word alignment', () => {
  it('gives every script word a time, interpolating words the engine skipped', () => {
    const aligned = alignTokens('Wait — “really?” yes.', [{ charIndex: 0, start: 0 }, { charIndex: 8, start: 1 }, { charIndex: 17, start: 2 }], 3);
    expect(aligned.map((w) => [w.word, w.start])).toEqual([['Wait', 0], ['—', 0.5], ['“really?”', 1], ['yes.', 2]]);
    expect(aligned.at(-1)?.end).toBe(3);
  });
});
