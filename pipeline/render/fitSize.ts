import { existsSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { runFfmpeg } from './ffmpeg';

export interface FitPlan {
  videoKbps: number;
  width: number;
  height: number;
}

/**
 * The bitrate (and size, when the bitrate would be too low for full HD) that makes a video of
 * `durationSec` fit in `limitBytes` with 5% headroom for the container, keeping 128 kb/s audio.
 */
export function planFit(limitBytes: number, durationSec: number, width: number, height: number): FitPlan {
  const totalKbps = (limitBytes * 0.95 * 8) / 1000 / durationSec;
  const videoKbps = Math.floor(totalKbps - 128);
  if (videoKbps < 150) throw new Error(`A ${Math.round(durationSec)} s video cannot fit in ${(limitBytes / 2 ** 20).toFixed(1)} MiB.`);
  // Below ~2.5 Mb/s full-size 9:16 turns blocky; 720x1280 looks better at the same size.
  const shrink = videoKbps < 2500 && width > 720 ? 720 / width : 1;
  return { videoKbps, width: 2 * Math.round((width * shrink) / 2), height: 2 * Math.round((height * shrink) / 2) };
}

/** Returns `input` if it fits `limitBytes`, else a re-encoded copy beside it that does. */
export async function fitToLimit(ffmpeg: string, input: string, limitBytes: number, durationSec: number, width: number, height: number, signal?: AbortSignal): Promise<string> {
  if (statSync(input).size <= limitBytes) return input;
  const plan = planFit(limitBytes, durationSec, width, height);
  const out = join(dirname(input), `video-${Math.floor(limitBytes / 1024)}k.mp4`);
  if (existsSync(out) && statSync(out).size <= limitBytes) return out;
  await runFfmpeg(ffmpeg, [
    '-hide_banner', '-nostdin', '-y', '-loglevel', 'error', '-i', input,
    '-vf', `scale=${plan.width}:${plan.height}`,
    '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-pix_fmt', 'yuv420p',
    '-b:v', `${plan.videoKbps}k`, '-maxrate', `${plan.videoKbps}k`, '-bufsize', `${plan.videoKbps * 2}k`,
    '-c:a', 'aac', '-b:a', '128k', '-ar', '48000', '-ac', '2', '-movflags', '+faststart', out,
  ], { signal, timeoutMs: 10 * 60_000 });
  if (statSync(out).size > limitBytes) throw new Error('The size-fitted copy is still over the upload limit.');
  return out;
}
