import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { cacheKey, getCached, putCached } from '../../../db/repos/cache';
import type { WordTiming } from '../../media/words';
import type { TimingProvider } from '../../providers/speech/types';
import type { RenderStep } from '../context';
import { failureText, fallbackText, tryTwice, type Fallback } from '../engineCalls';
import { writeAtomic } from '../files';
import { readTimeline } from './ttsGenerate';

const wordList = z.array(z.object({ word: z.string(), start: z.number(), end: z.number() }));
const ttsResult = z.object({ durationSec: z.number(), words: wordList.optional() });

export const wordsFileSchema = z.object({ words: wordList });

/**
 * asr_align: word timings for captions. The voice engine's own timings when it gave them (eSpeak,
 * Edge, Kokoro, Festival); else a Whisper-compatible transcription when one is configured (cached
 * by a hash of the audio bytes, so different audio never shares an entry); else — or when that
 * server fails twice — aligned offline from the text and the audio. Times become absolute.
 */
export const asrAlign: RenderStep = {
  name: 'asr_align',
  weight: 10,
  timeoutMs: 10 * 60_000,
  inputs: (_job, o, s) => ({ timeline: o.tts_generate?.timelinePath, timings: s.timings?.id ?? s.aligner.id, tts: o.tts_generate }),
  files: (o) => [String(o.wordsPath)],
  async run(job, h) {
    const { services } = h;
    const timeline = readTimeline(String(h.outputs.tts_generate?.timelinePath));
    const all: WordTiming[] = [];
    const fallbacks: Fallback[] = [];
    let timings: TimingProvider = services.timings ?? services.aligner;
    const ctx = { log: services.log, runId: job.run.id, projectId: job.project.id, signal: h.signal };
    for (const [i, scene] of timeline.scenes.entries()) {
      const text = job.plan.scenes[i]!.narrationText;
      let words: WordTiming[] | undefined = (await getCached(services.db, scene.ttsKey, ttsResult))?.result.words;
      if (!words || !words.length) {
        const audio = readFileSync(scene.clipPath);
        const key = cacheKey('asr', { provider: timings.id, audio: createHash('sha256').update(audio).digest('hex'), text });
        const hit = await getCached(services.db, key, wordList);
        if (hit) words = hit.result;
        else {
          const aligner = timings;
          let r = aligner === services.aligner ? { ok: true as const, value: await aligner.align(audio, text, h.signal) } : await tryTwice(ctx, 'timings', aligner.engine, () => aligner.align(audio, text, h.signal));
          if (!r.ok) {
            const f: Fallback = { kind: 'timings', engine: aligner.engine, to: 'offline alignment', reason: failureText(r.failure) };
            fallbacks.push(f);
            h.log(fallbackText(f), 'warn');
            // The rest of the run aligns offline too; what it makes is not the server's answer, so
            // it is not cached under the server's key (a later render asks the server again).
            timings = services.aligner;
            r = { ok: true, value: await timings.align(audio, text, h.signal) };
          } else {
            await putCached(services.db, 'asr', key, r.value.words);
          }
          words = r.value.words;
          h.addCost(r.value.costMicros);
        }
      }
      for (const w of words) all.push({ word: w.word, start: round3(scene.start + w.start), end: round3(scene.start + Math.min(w.end, scene.speechSec + 0.2)) });
      h.progress((i + 1) / timeline.scenes.length);
    }
    const wordsPath = join(job.dir, 'words.json');
    writeAtomic(wordsPath, JSON.stringify({ words: all }));
    h.log(`Aligned ${all.length} words.`);
    return { wordsPath, wordCount: all.length, fallbacks };
  },
};

const round3 = (n: number) => Math.round(n * 1000) / 1000;
