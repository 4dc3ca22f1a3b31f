import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { cacheKey, getCached, putCached } from '../../../db/repos/cache';
import { encodeWav } from '../../media/wav';
import { parseWav } from '../../media/wavParse';
import { wpmFor } from '../../plan/estimates';
import type { SpeechProvider } from '../../providers/speech/types';
import type { RenderJob, RenderStep, StepHelpers } from '../context';
import { EngineUnavailableError, failureText, fallbackText, tryTwice, type Fallback } from '../engineCalls';
import { cacheFile, writeAtomic } from '../files';

/** Silence after each scene's narration, and a longer tail on the last one (seconds). */
export const SCENE_GAP = 0.35;
export const TAIL = 0.9;

export const timelineSchema = z.object({
  totalSec: z.number(),
  scenes: z.array(z.object({ start: z.number(), end: z.number(), speechSec: z.number(), clipPath: z.string(), ttsKey: z.string() })),
});
export type Timeline = z.infer<typeof timelineSchema>;

const wordsSchema = z.object({ durationSec: z.number(), words: z.array(z.object({ word: z.string(), start: z.number(), end: z.number() })).optional() });

type Clip = { pcm: ReturnType<typeof parseWav>; path: string; key: string };

/** A voice engine gave up on a scene: the whole track is spoken again offline. */
class VoiceGaveUp extends Error {
  constructor(readonly fallback: Fallback) {
    super(fallback.reason);
  }
}

/**
 * Speaks every scene with one engine (cached per scene by engine, voice, tempo, language and
 * text, so editing one scene re-speaks only that one), two scenes at a time: the worker pool has
 * two threads, and network engines overlap their latency.
 */
async function speakAll(job: RenderJob, h: StepHelpers, speech: SpeechProvider, onDone: () => void): Promise<Clip[]> {
  const { services } = h;
  const scenes = job.plan.scenes;
  const clips: Clip[] = new Array(scenes.length);
  let next = 0;
  let stop = false;
  const ctx = { log: services.log, runId: job.run.id, projectId: job.project.id, signal: h.signal };
  const lane = async () => {
    while (next < scenes.length && !stop) {
      const i = next++;
      const req = { text: scenes[i]!.narrationText, voice: job.project.voicePreset, language: job.project.language, wpm: wpmFor(job.project.tempo) };
      const key = cacheKey('tts', { provider: speech.id, ...req });
      const path = cacheFile(services.config.dataDir, 'tts', key, 'wav');
      const hit = await getCached(services.db, key, wordsSchema);
      let at = hit?.payloadPath && existsSync(hit.payloadPath) ? hit.payloadPath : null;
      if (!at) {
        // Every engine gets its retry; the offline voice is the last resort, so its second
        // failure fails the step (the run resumes from here on retry).
        const r = await tryTwice(ctx, 'voice', speech.engine, () => speech.speak(req, h.signal));
        if (!r.ok && speech === services.offlineSpeech) throw new EngineUnavailableError(`The offline voice failed twice: ${failureText(r.failure)}`);
        if (!r.ok) {
          stop = true;
          throw new VoiceGaveUp({ kind: 'voice', engine: speech.engine, to: 'the offline voice', reason: failureText(r.failure) });
        }
        writeAtomic(path, r.value.wav);
        await putCached(services.db, 'tts', key, { durationSec: r.value.durationSec, words: r.value.words }, path);
        h.addCost(r.value.costMicros);
        at = path;
      }
      clips[i] = { pcm: parseWav(readFileSync(at)), path: at, key };
      onDone();
    }
  };
  const lanes = await Promise.allSettled([lane(), lane()]);
  const failed = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
  if (failed) throw failed.reason;
  return clips;
}

/**
 * tts_generate: the narration of every scene with the configured voice, laid end to end with
 * short pauses; scene lengths follow the speech (the timeline is what the video is cut to). When
 * the voice engine fails twice on any scene, the whole track is spoken by the offline voice — a
 * video never changes voice halfway — and the fallback is recorded for the run log and the chat.
 */
export const ttsGenerate: RenderStep = {
  name: 'tts_generate',
  weight: 20,
  timeoutMs: 10 * 60_000,
  inputs: (job, _o, s) => ({ speech: s.speech.id, voice: job.project.voicePreset, tempo: job.project.tempo, language: job.project.language, text: job.plan.scenes.map((x) => x.narrationText) }),
  files: (o) => [String(o.voicePath), String(o.timelinePath)],
  async run(job, h) {
    const { services } = h;
    const count = job.plan.scenes.length;
    let done = 0;
    const fallbacks: Fallback[] = [];
    let speech = services.speech;
    let clips: Clip[];
    try {
      clips = await speakAll(job, h, speech, () => h.progress(++done / count));
    } catch (err) {
      if (!(err instanceof VoiceGaveUp)) throw err;
      fallbacks.push(err.fallback);
      h.log(fallbackText(err.fallback), 'warn');
      speech = services.offlineSpeech;
      done = 0;
      clips = await speakAll(job, h, speech, () => h.progress(++done / count));
    }
    const rate = clips[0]?.pcm.sampleRate ?? 22050;
    const timeline: Timeline = { totalSec: 0, scenes: [] };
    const parts: Int16Array[] = [];
    let t = 0;
    clips.forEach((c, i) => {
      const pad = i === clips.length - 1 ? TAIL : SCENE_GAP;
      const mono = toMono(c.pcm);
      const speechSec = mono.length / rate;
      const sceneSec = Math.max(1.2, speechSec + pad);
      const padded = new Int16Array(Math.round(sceneSec * rate));
      padded.set(mono.subarray(0, padded.length));
      parts.push(padded);
      timeline.scenes.push({ start: t, end: t + padded.length / rate, speechSec, clipPath: c.path, ttsKey: c.key });
      t += padded.length / rate;
    });
    timeline.totalSec = t;
    const all = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
    let off = 0;
    for (const p of parts) {
      all.set(p, off);
      off += p.length;
    }
    const voicePath = join(job.dir, 'voice.wav');
    const timelinePath = join(job.dir, 'timeline.json');
    writeAtomic(voicePath, encodeWav(all, rate, 1));
    writeAtomic(timelinePath, JSON.stringify(timeline, null, 2));
    h.log(`Voice ready: ${count} scenes, ${t.toFixed(1)} s (${speech.id}).`);
    return { voicePath, timelinePath, totalSec: t, speechId: speech.id, fallbacks };
  },
};

function toMono(pcm: ReturnType<typeof parseWav>): Int16Array {
  if (pcm.channels === 1) return pcm.samples;
  const out = new Int16Array(Math.floor(pcm.samples.length / pcm.channels));
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (let c = 0; c < pcm.channels; c++) sum += pcm.samples[i * pcm.channels + c]!;
    out[i] = Math.round(sum / pcm.channels);
  }
  return out;
}

/** Reads the timeline written by tts_generate. */
export function readTimeline(path: string): Timeline {
  return timelineSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}
