import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

export interface Binaries {
  ffmpeg: string;
  ffprobe: string;
  /** Where they came from: env, system PATH, or the npm-shipped static build. */
  source: 'env' | 'system' | 'npm';
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

function npmShipped(pkg: string): string | undefined {
  try {
    const mod = require(pkg) as { path?: string };
    return mod.path && existsSync(mod.path) ? mod.path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Finds ffmpeg and ffprobe: FFMPEG_PATH/FFPROBE_PATH first, then a system install on PATH
 * (Debian's build is newer and faster), then the static build shipped through npm.
 */
export function findBinaries(env: { ffmpegPath?: string; ffprobePath?: string } = {}): Binaries {
  if (env.ffmpegPath) {
    return { ffmpeg: env.ffmpegPath, ffprobe: env.ffprobePath ?? join(env.ffmpegPath, '..', 'ffprobe'), source: 'env' };
  }
  const sysFfmpeg = onPath('ffmpeg');
  const sysFfprobe = onPath('ffprobe');
  if (sysFfmpeg && sysFfprobe) return { ffmpeg: sysFfmpeg, ffprobe: env.ffprobePath ?? sysFfprobe, source: 'system' };
  const ffmpeg = npmShipped('@ffmpeg-installer/ffmpeg');
  const ffprobe = env.ffprobePath ?? npmShipped('@ffprobe-installer/ffprobe');
  if (!ffmpeg || !ffprobe) {
    throw new Error('ffmpeg was not found: install it (apt-get install ffmpeg) or set FFMPEG_PATH and FFPROBE_PATH.');
  }
  return { ffmpeg, ffprobe, source: 'npm' };
}

/** The filters the renderer relies on. */
export const REQUIRED_FILTERS = ['ass', 'scale', 'crop', 'loop', 'settb', 'sendcmd', 'fade', 'sidechaincompress', 'amix', 'apad', 'alimiter', 'ebur128'] as const;

export interface FfmpegCapabilities {
  version: string;
  filters: Set<string>;
  missing: string[];
}

/** Asks ffmpeg for its version and filter list (once per process is enough). */
export async function probeCapabilities(ffmpeg: string): Promise<FfmpegCapabilities> {
  const version = (await run(ffmpeg, ['-hide_banner', '-version'])).stdout.split('\n')[0] ?? '';
  const listing = (await run(ffmpeg, ['-hide_banner', '-filters'], { maxBuffer: 4 * 1024 * 1024 })).stdout;
  const filters = new Set(
    listing
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((cols) => cols.length >= 3 && /^[A-Z.|]{2,4}$/.test(cols[0] ?? ''))
      .map((cols) => cols[1] ?? ''),
  );
  return { version: version.replace(/^ffmpeg version /, ''), filters, missing: REQUIRED_FILTERS.filter((f) => !filters.has(f)) };
}
