/** Encodes 16-bit PCM samples (interleaved when stereo) as a RIFF/WAVE file. */
export function encodeWav(samples: Int16Array, sampleRate: number, channels: number): Buffer {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * channels * 2, 28);
  header.writeUInt16LE(channels * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** Float samples in [-1, 1] to 16-bit PCM, clipping. */
export function floatToInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(samples[i]! * 32767)));
  return out;
}

/** Scales quiet speech up so its peak sits at `peak` (0–1) of full scale; loud audio is left alone. */
export function normalizePeak(samples: Int16Array, peak = 0.9): Int16Array {
  let max = 1;
  for (const s of samples) max = Math.max(max, Math.abs(s));
  const gain = (peak * 32767) / max;
  if (gain <= 1) return samples;
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = Math.round(samples[i]! * gain);
  return out;
}

/** The length of a WAV's audio in seconds. */
export function wavSeconds(pcm: { samples: Int16Array; sampleRate: number; channels: number }): number {
  return pcm.samples.length / pcm.channels / pcm.sampleRate;
}

/**
 * Trims silence: at most `lead` seconds before the first sound and `tail` after the last, and any
 * quiet stretch inside longer than `maxGap` shortened to it. For engines that pad their output
 * generously (Flite pauses ~0.2 s at each end and longer between sentences) and report no word
 * times that would shift. Quiet means below 1% of full scale, in 10 ms frames.
 */
export function tightenSilences(samples: Int16Array, sampleRate: number, opts: { lead: number; tail: number; maxGap: number }): Int16Array {
  const frame = Math.max(1, Math.round(sampleRate * 0.01));
  const frames = Math.ceil(samples.length / frame);
  const loud = new Uint8Array(frames);
  for (let f = 0; f < frames; f++) {
    let peak = 0;
    for (let i = f * frame; i < Math.min(samples.length, (f + 1) * frame); i++) peak = Math.max(peak, Math.abs(samples[i]!));
    loud[f] = peak > 327 ? 1 : 0;
  }
  const first = loud.indexOf(1);
  if (first < 0) return samples;
  const last = loud.lastIndexOf(1);
  const keep: [number, number][] = [];
  const leadFrames = Math.round(opts.lead * 100);
  const gapFrames = Math.round(opts.maxGap * 100);
  let start = Math.max(0, first - leadFrames);
  for (let f = first; f <= last; ) {
    if (loud[f]) { f++; continue; }
    const from = f;
    while (f <= last && !loud[f]) f++;
    if (f - from > gapFrames) {
      const half = Math.floor(gapFrames / 2);
      keep.push([start, from + half]);
      start = f - (gapFrames - half);
    }
  }
  keep.push([start, Math.min(frames, last + 1 + Math.round(opts.tail * 100))]);
  const total = keep.reduce((n, [a, b]) => n + (Math.min(samples.length, b * frame) - a * frame), 0);
  const out = new Int16Array(total);
  let o = 0;
  for (const [a, b] of keep) {
    const part = samples.subarray(a * frame, Math.min(samples.length, b * frame));
    out.set(part, o);
    o += part.length;
  }
  return out;
}
