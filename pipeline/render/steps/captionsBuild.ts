import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { RenderStep } from '../context';
import { writeAtomic } from '../files';
import { buildAss } from '../captions/ass';
import { buildSrt } from '../captions/srt';
import { bundledFonts } from '../../media/fonts';
import { wordsFileSchema } from './asrAlign';
import { readTimeline } from './ttsGenerate';

/** libass takes one fonts folder: the bundled TTFs are gathered into DATA_DIR/fonts. */
export function ensureFontsDir(dataDir: string): string {
  const dir = join(dataDir, 'fonts');
  mkdirSync(dir, { recursive: true });
  for (const f of Object.values(bundledFonts())) {
    const target = join(dir, basename(f.file));
    if (!existsSync(target)) copyFileSync(f.file, target);
  }
  return dir;
}

/** captions_build: the ASS file (highlighted words, on-screen text, drawn transitions) and an SRT. */
export const captionsBuild: RenderStep = {
  name: 'captions_build',
  weight: 5,
  timeoutMs: 60_000,
  inputs: (job, o, s) => ({
    words: o.asr_align, timeline: o.tts_generate, size: [s.format.width, s.format.height], style: job.pack.captionStyle,
    scenes: job.plan.scenes.map((x) => [x.onScreenText, x.effectPreset]), v: 4,
  }),
  files: (o) => [String(o.assPath), String(o.srtPath)],
  async run(job, h) {
    const { format, config } = h.services;
    const timeline = readTimeline(String(h.outputs.tts_generate?.timelinePath));
    const { words } = wordsFileSchema.parse(JSON.parse(readFileSync(String(h.outputs.asr_align?.wordsPath), 'utf8')));
    const fonts = bundledFonts();
    const ass = buildAss({
      width: format.width,
      height: format.height,
      style: job.pack.captionStyle,
      families: { caption: fonts.caption.family, display: fonts.display.family },
      scenes: timeline.scenes.map((t, i) => ({ start: t.start, end: t.end, onScreenText: job.plan.scenes[i]!.onScreenText, effectPreset: job.plan.scenes[i]!.effectPreset })),
      words,
    });
    const assPath = join(job.dir, 'captions.ass');
    const srtPath = join(job.dir, 'captions.srt');
    writeAtomic(assPath, ass);
    writeAtomic(srtPath, buildSrt(words));
    const fontsDir = ensureFontsDir(config.dataDir);
    h.progress(1);
    return { assPath, srtPath, fontsDir };
  },
};
