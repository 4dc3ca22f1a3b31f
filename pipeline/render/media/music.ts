import { encodeWav, floatToInt16 } from './wav';

export type MusicMood = 'tense' | 'bright' | 'uplifting' | 'calm' | 'driving' | 'mysterious';

interface MoodSpec {
  root: number; // MIDI note of the key
  chords: number[][]; // semitone offsets from the root
  bpm: number;
  pulse: boolean;
  brightness: number; // 0..1 share of upper harmonics
}

const MOODS: Record<MusicMood, MoodSpec> = {
  tense: { root: 45, chords: [[0, 3, 7], [1, 5, 8], [0, 3, 6], [-1, 3, 7]], bpm: 70, pulse: true, brightness: 0.2 },
  bright: { root: 60, chords: [[0, 4, 7], [7, 11, 14], [9, 12, 16], [5, 9, 12]], bpm: 112, pulse: true, brightness: 0.5 },
  uplifting: { root: 57, chords: [[0, 4, 7], [5, 9, 12], [9, 12, 16], [7, 11, 14]], bpm: 96, pulse: true, brightness: 0.45 },
  calm: { root: 55, chords: [[0, 4, 7, 11], [5, 9, 12, 16], [2, 5, 9, 12], [7, 11, 14, 17]], bpm: 72, pulse: false, brightness: 0.3 },
  driving: { root: 50, chords: [[0, 3, 7], [8, 12, 15], [3, 7, 10], [10, 14, 17]], bpm: 124, pulse: true, brightness: 0.4 },
  mysterious: { root: 48, chords: [[0, 3, 7, 10], [5, 8, 12], [-2, 2, 5], [0, 3, 8]], bpm: 66, pulse: false, brightness: 0.25 },
};

const freq = (midi: number) => 440 * 2 ** ((midi - 69) / 12);

/**
 * Generates a music bed for a mood: a slowly breathing chord pad (a bar per chord, crossfaded),
 * an optional soft low pulse on the beat, gentle fade in and out. Stereo 48 kHz WAV. The voice
 * is mixed on top later and ducks it, so the bed stays simple and low in the mids.
 */
export function synthesizeMusic(mood: MusicMood, durationSec: number, seed = 0): Buffer {
  const spec = MOODS[mood];
  const rate = 48_000;
  const n = Math.ceil(durationSec * rate);
  const out = new Float32Array(n * 2);
  // The bed repeats every four bars (chord cycle, breathing and pulse all divide it), so one
  // cycle is synthesised and tiled.
  const cycleSamples = Math.round(((60 / spec.bpm) * 4 * spec.chords.length) * rate);
  const cycle = Math.min(n, cycleSamples);
  const beat = 60 / spec.bpm;
  const bar = beat * 4;
  const detune = 1 + ((seed % 7) - 3) * 0.0008;
  // Per chord, each note's angular frequency and stereo position, worked out once (not per sample).
  const notesOf = spec.chords.map((notes) => notes.map((n, k) => ({
    w: 2 * Math.PI * freq(spec.root + n) * detune,
    pan: (k / Math.max(1, notes.length - 1)) * 0.6 + 0.2,
  })));
  for (let i = 0; i < cycle; i++) {
    const t = i / rate;
    const barIdx = Math.floor(t / bar);
    const inBar = (t % bar) / bar;
    const chord = notesOf[barIdx % spec.chords.length]!;
    const prev = notesOf[(barIdx + spec.chords.length - 1) % spec.chords.length]!;
    const xf = Math.min(1, inBar / 0.15); // crossfade from the previous chord over 15% of the bar
    let l = 0;
    let r = 0;
    const voice = (notes: { w: number; pan: number }[], gain: number) => {
      for (const { w, pan } of notes) {
        const s1 = Math.sin(w * t);
        const c1 = Math.cos(w * t);
        // Second and third harmonics from the first: sin 2x = 2 sin x cos x, sin 3x = 3 sin x − 4 sin³ x.
        const s = s1 + spec.brightness * 0.5 * (2 * s1 * c1) + spec.brightness * 0.25 * s1 * (3 - 4 * s1 * s1);
        l += s * gain * (1 - pan);
        r += s * gain * pan;
      }
    };
    voice(chord, 0.09 * xf);
    if (xf < 1) voice(prev, 0.09 * (1 - xf));
    const breathe = 0.8 + 0.2 * Math.sin(2 * Math.PI * t / (bar * 2));
    l *= breathe;
    r *= breathe;
    if (spec.pulse) {
      const sinceBeat = t % beat;
      const env = Math.exp(-sinceBeat * 18);
      const kick = Math.sin(2 * Math.PI * (55 + 60 * Math.exp(-sinceBeat * 30)) * sinceBeat) * env * 0.35;
      l += kick;
      r += kick;
    }
    out[i * 2] = Math.tanh(l);
    out[i * 2 + 1] = Math.tanh(r);
  }
  for (let i = cycle; i < n; i++) {
    out[i * 2] = out[(i % cycle) * 2]!;
    out[i * 2 + 1] = out[(i % cycle) * 2 + 1]!;
  }
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const fade = Math.max(0, Math.min(1, t / 1.5, (durationSec - t) / 2));
    out[i * 2]! *= fade;
    out[i * 2 + 1]! *= fade;
  }
  return encodeWav(floatToInt16(out), rate, 2);
}
