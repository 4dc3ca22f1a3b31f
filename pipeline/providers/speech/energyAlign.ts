import { parseWav } from '../../media/wavParse';
import { alignTokens, type TimingMark } from '../../media/words';
import type { TimingProvider } from './types';

const FRAME_SEC = 0.01;
/** A quiet stretch at least this long is a pause between words (sentence and comma breaks are longer). */
const MIN_PAUSE_SEC = 0.12;

/** Loudness per 10 ms frame (RMS of the mono mix). */
function frameLoudness(wav: Buffer): { rms: Float32Array; durationSec: number } {
  const pcm = parseWav(wav);
  const perFrame = Math.max(1, Math.round(pcm.sampleRate * FRAME_SEC));
  const frames = Math.floor(pcm.samples.length / pcm.channels / perFrame);
  const rms = new Float32Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let i = 0; i < perFrame; i++) {
      let v = 0;
      for (let c = 0; c < pcm.channels; c++) v += pcm.samples[(f * perFrame + i) * pcm.channels + c]!;
      v /= pcm.channels;
      sum += v * v;
    }
    rms[f] = Math.sqrt(sum / perFrame);
  }
  return { rms, durationSec: pcm.samples.length / pcm.channels / pcm.sampleRate };
}

/** Spoken weight of a token: roughly its syllables (vowel groups), digits counting as a word each. */
function weightOf(token: string): number {
  const letters = token.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
  if (!letters) return 0.2;
  const digits = (letters.match(/\p{N}/gu) ?? []).length;
  const groups = (letters.replace(/\p{N}/gu, '').match(/[aeiouyàâäéèêëíîïóôöúùûü]+/g) ?? []).length;
  return Math.max(1, groups + digits * 1.5) + 0.3;
}

/**
 * Word timings aligned offline from the text and the audio alone, for engines that give none
 * (sherpa, plain OpenAI-compatible TTS) when no transcription server is set. The audio's loudness
 * finds where speech is and where it pauses; each token gets a share of the spoken time by its
 * syllables; and every sentence or comma break is pulled onto the pause nearest to where the
 * shares put it, so a caption never runs ahead of a pause by more than a word.
 */
export function alignFromAudio(wav: Buffer, text: string): { words: ReturnType<typeof alignTokens>; durationSec: number } {
  const { rms, durationSec } = frameLoudness(wav);
  const sorted = Float32Array.from(rms).sort();
  const loud = sorted[Math.floor(sorted.length * 0.95)] ?? 0;
  const threshold = Math.max(loud * 0.08, 60);
  const voiced = Array.from(rms, (v) => v > threshold);
  const first = voiced.indexOf(true);
  const last = voiced.lastIndexOf(true);
  const tokens = [...text.matchAll(/\S+/gu)].map((m) => ({ word: m[0], charIndex: [...text.slice(0, m.index)].length }));
  if (first < 0 || !tokens.length) return { words: alignTokens(text, [], durationSec), durationSec };

  // Pauses inside the speech: runs of quiet frames long enough to be a break.
  const pauses: { from: number; to: number }[] = [];
  for (let f = first; f <= last; ) {
    if (voiced[f]) { f++; continue; }
    const from = f;
    while (f <= last && !voiced[f]) f++;
    if ((f - from) * FRAME_SEC >= MIN_PAUSE_SEC) pauses.push({ from: from * FRAME_SEC, to: f * FRAME_SEC });
  }
  const start = first * FRAME_SEC;
  const end = (last + 1) * FRAME_SEC;
  // Spoken time (pauses left out) ↔ clock time.
  const spokenTotal = end - start - pauses.reduce((n, p) => n + p.to - p.from, 0);
  const clockAt = (spoken: number) => {
    let t = start + spoken;
    for (const p of pauses) if (t >= p.from) t += p.to - p.from;
    return Math.min(end, t);
  };
  const weights = tokens.map((t) => weightOf(t.word));
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  const starts = weights.map((w) => {
    const s = clockAt((acc / totalWeight) * spokenTotal);
    acc += w;
    return s;
  });
  // A token after a break (.,;:!?) starts at the end of the nearest unused pause.
  const used = new Set<number>();
  tokens.forEach((tok, k) => {
    if (k === 0 || !/[.,;:!?…]["')\]]*$/u.test(tokens[k - 1]!.word)) return;
    let best = -1;
    for (const [i, p] of pauses.entries()) {
      if (used.has(i)) continue;
      if (best < 0 || Math.abs(p.to - starts[k]!) < Math.abs(pauses[best]!.to - starts[k]!)) best = i;
    }
    if (best >= 0 && Math.abs(pauses[best]!.to - starts[k]!) < 1.2) {
      used.add(best);
      starts[k] = pauses[best]!.to;
    }
  });
  const marks: TimingMark[] = tokens.map((t, k) => ({ charIndex: t.charIndex, start: starts[k]! }));
  return { words: alignTokens(text, marks, durationSec), durationSec };
}

/** The aligner as a timing provider: free, instant, no network. */
export function makeOfflineTimings(): TimingProvider {
  return {
    id: 'energy-align:v1',
    engine: 'offline',
    async align(wav, text) {
      return { words: alignFromAudio(wav, text).words, costMicros: 0 };
    },
  };
}
