import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { cacheKey, getCached, putCached } from '../../../db/repos/cache';
import type { RenderStep } from '../context';
import { cacheFile, writeAtomic } from '../files';
import { readTimeline } from './ttsGenerate';

const AUDIO_EXT = /\.(mp3|m4a|aac|wav|ogg|flac|opus)$/i;

/** A track from MUSIC_DIR: MUSIC_DIR/<mood>/… first, else any file there; chosen by the project id. */
export function pickMusicFile(dir: string, mood: string, seed: string): string | null {
  const moodDir = join(dir, mood);
  const from = existsSync(moodDir) ? moodDir : dir;
  const files = existsSync(from) ? readdirSync(from).filter((f) => AUDIO_EXT.test(f)).sort() : [];
  if (!files.length) return null;
  let h = 0;
  for (const c of seed) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return join(from, files[h % files.length]!);
}

/**
 * music_build: a bed for the whole video in the pack's mood — a file from MUSIC_DIR when one is
 * configured, else generated (cached by mood and length). Always WAV or the file as is; ffmpeg
 * loops nothing: generated beds are made to length, files are padded and faded in the mix.
 */
export const musicBuild: RenderStep = {
  name: 'music_build',
  weight: 5,
  timeoutMs: 2 * 60_000,
  inputs: (job, o, s) => ({ mood: job.pack.musicMood, total: o.tts_generate?.totalSec, dir: s.musicDir, project: job.project.id }),
  files: (o) => [String(o.musicPath)],
  async run(job, h) {
    const { services } = h;
    const timeline = readTimeline(String(h.outputs.tts_generate?.timelinePath));
    const mood = job.pack.musicMood;
    if (services.musicDir) {
      const file = pickMusicFile(services.musicDir, mood, job.project.id);
      if (file) {
        h.log(`Music: ${file}`);
        return { musicPath: file, source: 'file' };
      }
      h.log(`No music files in ${services.musicDir}; generating a ${mood} bed instead.`, 'warn');
    }
    const durationSec = Math.ceil(timeline.totalSec) + 1;
    const key = cacheKey('music', { engine: 'synth:v1', mood, durationSec });
    const hit = await getCached(services.db, key, z.object({ durationSec: z.number() }));
    if (hit?.payloadPath && existsSync(hit.payloadPath)) return { musicPath: hit.payloadPath, source: 'generated' };
    const wav = await services.pool.run('music', { mood, durationSec, seed: 1 }, h.signal);
    const path = cacheFile(services.config.dataDir, 'music', key, 'wav');
    writeAtomic(path, wav);
    await putCached(services.db, 'music', key, { durationSec }, path);
    h.progress(1);
    h.log(`Music: generated ${mood} bed, ${durationSec} s.`);
    return { musicPath: path, source: 'generated' };
  },
};
