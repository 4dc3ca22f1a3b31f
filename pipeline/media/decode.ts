import { spawn } from 'node:child_process';

/**
 * Decodes compressed audio (MP3, Opus…) to 16-bit mono WAV at `sampleRate` with ffmpeg, through
 * pipes: nothing touches the disk. Rejects with ffmpeg's last error line when it cannot decode.
 */
export function decodeToWav(ffmpeg: string, audio: Buffer, sampleRate: number, signal?: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-i', 'pipe:0', '-ac', '1', '-ar', String(sampleRate), '-c:a', 'pcm_s16le', '-f', 'wav', 'pipe:1'], { signal });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdin.on('error', () => undefined); // ffmpeg may stop reading early on bad input
    child.on('error', reject);
    child.on('close', (code) => {
      const wav = Buffer.concat(out);
      if (code === 0 && wav.length > 44) resolve(wav);
      else reject(new Error(`could not decode the audio: ${err.trim().split('\n').pop() || `ffmpeg exited with ${code}`}`));
    });
    child.stdin.end(audio);
  });
}
