import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { cacheKey, getCached, putCached } from '../../../db/repos/cache';
import type { RenderStep } from '../context';
import { writeAtomic } from '../files';
import type { WordTiming } from '../media/espeak';
import { readTimeline } from './ttsGenerate';

const wordList = z.array(z.object({ word: z.string(), start: z.number(), end: z.number() }));
const ttsResult = z.object({ durationSec: z.number(), words: wordList.optional() });

export const wordsFileSchema = z.object({ words: wordList });

/**
 * asr_align: word timings for captions. Offline, the speech engine already reported them; with
 * OpenAI, each clip is transcribed with word timestamps (cached by a hash of the audio bytes
 * themselves, so different audio never shares an entry). Times become absolute on the timeline.
 */
export const asrAlign: RenderStep = {
  name: 'asr_align',
  weight: 10,
  timeoutMs: 10 * 60_000,
  inputs: (_job, o, s) => ({ timeline: o.tts_generate?.timelinePath, timings: s.timings?.id ?? 'engine', tts: o.tts_generate }),
  files: (o) => [String(o.wordsPath)],
  async run(job, h) {
    const { services } = h;
    const timeline = readTimeline(String(h.outputs.tts_generate?.timelinePath));
    const all: WordTiming[] = [];
    for (const [i, scene] of timeline.scenes.entries()) {
      const text = job.plan.scenes[i]!.narrationText;
      let words: WordTiming[] | undefined = (await getCached(services.db, scene.ttsKey, ttsResult))?.result.words;
      if (!words || !words.length) {
        if (!services.timings) throw new Error(`No word timings for scene ${i + 1} and no speech recogniser configured.`);
        const audio = readFileSync(scene.clipPath);
        const key = cacheKey('asr', { provider: services.timings.id, audio: createHash('sha256').update(audio).digest('hex'), text });
        const hit = await getCached(services.db, key, wordList);
        if (hit) words = hit.result;
        else {
          const r = await services.timings.align(audio, text, h.signal);
          words = r.words;
          h.addCost(r.costMicros);
          await putCached(services.db, 'asr', key, words);
        }
      }
      for (const w of words) all.push({ word: w.word, start: round3(scene.start + w.start), end: round3(scene.start + Math.min(w.end, scene.speechSec + 0.2)) });
      h.progress((i + 1) / timeline.scenes.length);
    }
    const wordsPath = join(job.dir, 'words.json');
    writeAtomic(wordsPath, JSON.stringify({ words: all }));
    h.log(`Aligned ${all.length} words.`);
    return { wordsPath, wordCount: all.length };
  },
};

const round3 = (n: number) => Math.round(n * 1000) / 1000;
