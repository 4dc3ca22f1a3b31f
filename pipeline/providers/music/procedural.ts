import { encodeWav, floatToInt16 } from '../../media/wav';

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
  // The bed repeats every four bars (chord cycle, breathing and pulse all divide it), so one
  // cycle is synthesised, converted to 16 bits and tiled; only the fades are worked out again.
  const cycleSamples = Math.round(((60 / spec.bpm) * 4 * spec.chords.length) * rate);
  const cycle = Math.min(n, cycleSamples);
  const out = new Float32Array(cycle * 2);
  const beat = 60 / spec.bpm;
  const bar = beat * 4;
  const detune = 1 + ((seed % 7) - 3) * 0.0008;
  // Per chord, each note's angular frequency and stereo position, worked out once (not per sample).
  const notesOf = spec.chords.map((notes) => notes.map((n, k) => ({
    w: 2 * Math.PI * freq(spec.root + n) * detune,
    pan: (k / Math.max(1, notes.length - 1)) * 0.6 + 0.2,
  })));
  // The pad, note by note over each bar's samples: every note is an oscillator that starts at its
  // exact phase where the bar (or the crossfade) starts and then turns by a fixed rotation per
  // sample — two multiply-adds instead of a sine and a cosine (this loop was most of the cost).
  const padL = new Float64Array(cycle);
  const padR = new Float64Array(cycle);
  const barSamples = bar * rate;
  const xfSamples = barSamples * 0.15; // crossfade from the previous chord over 15% of the bar
  // Harmonic weights: v = s + b·½·sin 2x + b·¼·sin 3x, with sin 2x = 2 s c and sin 3x = s (3 − 4 s²).
  const h2 = spec.brightness;
  const h3 = spec.brightness * 0.25;
  // Adds the notes over [from, to) with a gain that starts at `gain`, moves by `slope` a sample
  // and never exceeds `cap` (a crossfade ramp, then the level it reaches).
  const sound = (notes: { w: number; pan: number }[], from: number, to: number, gain: number, slope: number, cap: number) => {
    for (const { w, pan } of notes) {
      let s = Math.sin((w * from) / rate);
      let c = Math.cos((w * from) / rate);
      const rs = Math.sin(w / rate);
      const rc = Math.cos(w / rate);
      const left = 1 - pan;
      let g = gain;
      for (let i = from; i < to; i++) {
        const v = s * (1 + h2 * c + h3 * (3 - 4 * s * s)) * (g < cap ? g : cap);
        padL[i]! += v * left;
        padR[i]! += v * pan;
        const next = s * rc + c * rs;
        c = c * rc - s * rs;
        s = next;
        g += slope;
      }
    }
  };
  const level = 0.09;
  for (let barIdx = 0; barIdx * barSamples < cycle; barIdx++) {
    const barStart = barIdx * barSamples;
    const from = Math.ceil(barStart);
    const to = Math.min(cycle, Math.ceil(barStart + barSamples));
    // The crossfade: this chord rises from 0 while the one before falls to 0.
    const rampEnd = Math.min(to, Math.ceil(barStart + xfSamples));
    const rise = ((from - barStart) / xfSamples) * level;
    const slope = level / xfSamples;
    sound(notesOf[barIdx % spec.chords.length]!, from, to, rise, slope, level);
    sound(notesOf[(barIdx + spec.chords.length - 1) % spec.chords.length]!, from, rampEnd, level - rise, -slope, level);
  }
  for (let i = 0; i < cycle; i++) {
    const t = i / rate;
    const breathe = 0.8 + 0.2 * Math.sin(2 * Math.PI * t / (bar * 2));
    let l = padL[i]! * breathe;
    let r = padR[i]! * breathe;
    const sinceBeat = t % beat;
    // The kick dies away within 0.5 s (its envelope is below 10⁻⁴ there): no need to compute on.
    if (spec.pulse && sinceBeat < 0.5) {
      const env = Math.exp(-sinceBeat * 18);
      const kick = Math.sin(2 * Math.PI * (55 + 60 * Math.exp(-sinceBeat * 30)) * sinceBeat) * env * 0.35;
      l += kick;
      r += kick;
    }
    out[i * 2] = Math.tanh(l);
    out[i * 2 + 1] = Math.tanh(r);
  }
  const pcm = new Int16Array(n * 2);
  pcm.set(floatToInt16(out));
  for (let at = cycle; at < n; at += cycle) pcm.copyWithin(at * 2, 0, Math.min(cycle, n - at) * 2);
  // Fade in over 1.5 s and out over the last 2 s.
  const fadeIn = Math.min(n, Math.ceil(1.5 * rate));
  const fadeOutFrom = Math.max(fadeIn, Math.floor(n - 2 * rate));
  for (const [from, to] of [[0, fadeIn], [fadeOutFrom, n]] as const) {
    for (let i = from; i < to; i++) {
      const t = i / rate;
      const fade = Math.max(0, Math.min(1, t / 1.5, (durationSec - t) / 2));
      const j = (i % cycle) * 2;
      pcm[i * 2] = Math.round(out[j]! * fade * 32767);
      pcm[i * 2 + 1] = Math.round(out[j + 1]! * fade * 32767);
    }
  }
  return encodeWav(pcm, rate, 2);
}
