/** The PCM inside a 16-bit WAV file. */
export interface Pcm {
  samples: Int16Array;
  sampleRate: number;
  channels: number;
}

/** Reads a 16-bit PCM RIFF/WAVE file (walks chunks; tolerates streaming-size headers). */
export function parseWav(buf: Buffer): Pcm {
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a WAV file');
  let offset = 12;
  let sampleRate = 0;
  let channels = 0;
  let bits = 0;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    let size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      channels = buf.readUInt16LE(body + 2);
      sampleRate = buf.readUInt32LE(body + 4);
      bits = buf.readUInt16LE(body + 14);
    } else if (id === 'data') {
      if (bits !== 16) throw new Error(`unsupported WAV: ${bits}-bit`);
      if (size === 0xffffffff || body + size > buf.length) size = buf.length - body;
      const copy = Buffer.from(buf.subarray(body, body + size - (size % 2)));
      return { samples: new Int16Array(copy.buffer, copy.byteOffset, copy.length / 2), sampleRate, channels };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('WAV has no data chunk');
}
