export interface EncodeSettings {
  preset: string;
  crf: number;
  fps: number;
  audioBitrate: string;
}

export interface RenderArgsInput {
  images: string[];
  voicePath: string;
  musicPath: string | null;
  filterGraph: string;
  totalSec: number;
  output: string;
  encode: EncodeSettings;
}

/**
 * The full ffmpeg command line for the final render, as data: one input per scene image (decoded
 * once; the graph loops it), the voice, the music, one filter graph, H.264 High yuv420p at the
 * frame rate, AAC 48 kHz stereo, +faststart, progress on stdout.
 */
export function buildRenderArgs(r: RenderArgsInput): string[] {
  const inputs = r.images.flatMap((img) => ['-i', img]);
  const audio = ['-i', r.voicePath, ...(r.musicPath ? ['-i', r.musicPath] : [])];
  return [
    '-hide_banner', '-nostdin', '-y', '-loglevel', 'error', '-progress', 'pipe:1', '-nostats',
    ...inputs, ...audio,
    '-filter_complex', r.filterGraph,
    '-map', '[vout]', '-map', '[aout]',
    '-c:v', 'libx264', '-preset', r.encode.preset, '-crf', String(r.encode.crf), '-profile:v', 'high', '-pix_fmt', 'yuv420p',
    '-r', String(r.encode.fps), '-g', String(r.encode.fps * 2),
    '-c:a', 'aac', '-b:a', r.encode.audioBitrate, '-ar', '48000', '-ac', '2',
    '-t', r.totalSec.toFixed(3), '-movflags', '+faststart',
    r.output,
  ];
}
