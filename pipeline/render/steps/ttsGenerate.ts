import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { cacheKey, getCached, putCached } from '../../../db/repos/cache';
import { wpmFor } from '../../plan/estimates';
import type { RenderStep } from '../context';
import { cacheFile, writeAtomic } from '../files';
import { encodeWav } from '../media/wav';
import { parseWav } from '../media/wavParse';

/** Silence after each scene's narration, and a longer tail on the last one (seconds). */
export const SCENE_GAP = 0.35;
export const TAIL = 0.9;

export const timelineSchema = z.object({
  totalSec: z.number(),
  scenes: z.array(z.object({ start: z.number(), end: z.number(), speechSec: z.number(), clipPath: z.string(), ttsKey: z.string() })),
});
export type Timeline = z.infer<typeof timelineSchema>;

const wordsSchema = z.object({ durationSec: z.number(), words: z.array(z.object({ word: z.string(), start: z.number(), end: z.number() })).optional() });

/**
 * tts_generate: speaks each scene's narration (cached per scene by engine, voice, tempo, language
 * and text, so editing one scene re-speaks only that one), then lays the clips end to end with
 * short pauses. Scene lengths follow the speech: the timeline is what the video is cut to.
 */
export const ttsGenerate: RenderStep = {
  name: 'tts_generate',
  weight: 20,
  timeoutMs: 10 * 60_000,
  inputs: (job, _o, s) => ({ speech: s.speech.id, voice: job.project.voicePreset, tempo: job.project.tempo, language: job.project.language, text: job.plan.scenes.map((x) => x.narrationText) }),
  files: (o) => [String(o.voicePath), String(o.timelinePath)],
  async run(job, h) {
    const { services } = h;
    const scenes = job.plan.scenes;
    const clips: { pcm: ReturnType<typeof parseWav>; path: string; key: string }[] = new Array(scenes.length);
    let next = 0;
    let done = 0;
    // Two lanes: the worker pool has two threads, and OpenAI calls overlap their latency.
    const lane = async () => {
      while (next < scenes.length) {
        const i = next++;
        const req = { text: scenes[i]!.narrationText, voice: job.project.voicePreset, language: job.project.language, wpm: wpmFor(job.project.tempo) };
        const key = cacheKey('tts', { provider: services.speech.id, ...req });
        const path = cacheFile(services.config.dataDir, 'tts', key, 'wav');
        const hit = await getCached(services.db, key, wordsSchema);
        if (!hit?.payloadPath || !existsSync(hit.payloadPath)) {
          const clip = await services.speech.speak(req, h.signal);
          writeAtomic(path, clip.wav);
          await putCached(services.db, 'tts', key, { durationSec: clip.durationSec, words: clip.words }, path);
          h.addCost(clip.costMicros);
        }
        clips[i] = { pcm: parseWav(readFileSync(hit?.payloadPath && existsSync(hit.payloadPath) ? hit.payloadPath : path)), path: hit?.payloadPath ?? path, key };
        h.progress(++done / scenes.length);
      }
    };
    await Promise.all([lane(), lane()]);
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
    h.log(`Voice ready: ${scenes.length} scenes, ${t.toFixed(1)} s (${services.speech.id}).`);
    return { voicePath, timelinePath, totalSec: t };
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
