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
 * `durationSec` fit in `limitBytes` with 5% headroom for the container. The audio is copied as is
 * (192 kb/s): re-encoding AAC would add inter-sample peaks above the −1 dBTP ceiling.
 */
export function planFit(limitBytes: number, durationSec: number, width: number, height: number): FitPlan {
  const totalKbps = (limitBytes * 0.95 * 8) / 1000 / durationSec;
  const videoKbps = Math.floor(totalKbps - 192);
  if (videoKbps < 150) throw new Error(`A ${Math.round(durationSec)} s video cannot fit in ${(limitBytes / 2 ** 20).toFixed(1)} MiB.`);
  // Below ~2.5 Mb/s full-size 9:16 turns blocky; 720x1280 looks better at the same size.
  const shrink = videoKbps < 2500 && width > 720 ? 720 / width : 1;
  return { videoKbps, width: 2 * Math.round((width * shrink) / 2), height: 2 * Math.round((height * shrink) / 2) };
}

/** The name of a video's copy for an upload limit (made by the render or by `fitToLimit`). */
export const chatCopyName = (limitBytes: number): string => `video-${Math.floor(limitBytes / 1024)}k.mp4`;

/**
 * Whether the render should make the copy for a chat's upload limit alongside the video, and at
 * what size and bitrate. Only when the video will almost surely be over the limit: even flat,
 * drawn pictures need ~1 Mb/s, so a minute fits Discord's 10 MiB and 90 s does not. The copy
 * aims 10% under the limit (one pass, no retry: if it still misses, `fitToLimit` re-encodes).
 */
export function chatCopyPlan(limitBytes: number | undefined, durationSec: number, width: number, height: number): (FitPlan & { limitBytes: number }) | null {
  if (!limitBytes || (durationSec * 1_000_000) / 8 <= limitBytes * 0.95) return null;
  try {
    return { ...planFit(limitBytes * 0.9, durationSec, width, height), limitBytes };
  } catch {
    return null; // too long for the limit at any usable bitrate: delivery says so
  }
}

/** Returns `input` if it fits `limitBytes`, else a re-encoded copy beside it that does. */
export async function fitToLimit(ffmpeg: string, input: string, limitBytes: number, durationSec: number, width: number, height: number, signal?: AbortSignal): Promise<string> {
  if (statSync(input).size <= limitBytes) return input;
  const plan = planFit(limitBytes, durationSec, width, height);
  const out = join(dirname(input), chatCopyName(limitBytes));
  if (existsSync(out) && statSync(out).size <= limitBytes) return out;
  // One-pass rate control overshoots a little (more on short clips): aim lower until it fits.
  let kbps = plan.videoKbps;
  for (let attempt = 0; attempt < 3; attempt++) {
    await runFfmpeg(ffmpeg, [
      '-hide_banner', '-nostdin', '-y', '-loglevel', 'error', '-i', input,
      '-vf', `scale=${plan.width}:${plan.height}`,
      // The chat copy is a preview (the full file stays the one to publish), so speed wins:
      // superfast with fixed B-frames takes 11.5 s for a minute where veryfast took 18.3 s, at
      // SSIM 0.9966 vs 0.9973 against the full video.
      '-c:v', 'libx264', '-preset', 'superfast', '-x264-params', 'b-adapt=0', '-profile:v', 'high', '-pix_fmt', 'yuv420p',
      '-b:v', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${kbps}k`,
      '-c:a', 'copy', '-movflags', '+faststart', out,
    ], { signal, timeoutMs: 10 * 60_000 });
    const size = statSync(out).size;
    if (size <= limitBytes) return out;
    kbps = Math.floor(kbps * (limitBytes / size) * 0.9);
    if (kbps < 100) break;
  }
  throw new Error('The size-fitted copy is still over the upload limit.');
}
