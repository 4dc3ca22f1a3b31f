import { describe, expect, it } from 'vitest';
import { synthesizeMusic } from '../../../pipeline/providers/music/procedural';
import { parseWav } from '../../../pipeline/media/wavParse';

const rms = (s: Int16Array, from: number, to: number) => {
  let sum = 0;
  for (let i = from; i < to; i++) sum += s[i]! * s[i]!;
  return Math.sqrt(sum / Math.max(1, to - from)) / 32768;
};

describe('generated music bed', () => {
  it('is stereo 48 kHz of the asked length, audible in the middle, faded in and out', () => {
    const wav = parseWav(synthesizeMusic('tense', 12, 1));
    expect(wav).toMatchObject({ sampleRate: 48_000, channels: 2 });
    const frames = wav.samples.length / 2;
    expect(frames).toBe(12 * 48_000);
    const middle = rms(wav.samples, frames, frames + 48_000); // seconds 6–7, both channels interleaved
    expect(middle).toBeGreaterThan(0.02);
    expect(rms(wav.samples, 0, 200)).toBeLessThan(middle / 20); // the first 2 ms: fading in
    expect(rms(wav.samples, wav.samples.length - 200, wav.samples.length)).toBeLessThan(middle / 20);
    // Nothing clips: the pad is soft-limited.
    let peak = 0;
    for (const v of wav.samples) peak = Math.max(peak, Math.abs(v));
    expect(peak).toBeLessThan(32767);
  });

  it('is the same for the same mood and seed, and differs between moods', () => {
    const a = synthesizeMusic('calm', 5, 3);
    expect(synthesizeMusic('calm', 5, 3).equals(a)).toBe(true);
    expect(synthesizeMusic('driving', 5, 3).equals(a)).toBe(false);
  });
});
