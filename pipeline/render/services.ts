import OpenAI from 'openai';
import type { Config } from '../../core/config';
import type { Logger } from '../../core/logger';
import type { Db } from '../../db/client';
import { makeOfflineImages } from '../providers/images/offline';
import { makeOpenAIImages } from '../providers/images/openai';
import { makeOfflineSpeech } from '../providers/speech/offline';
import { makeOpenAISpeech, makeOpenAITimings } from '../providers/speech/openai';
import { findBinaries, probeCapabilities } from './binaries';
import type { RenderServices } from './context';
import { launcher } from './launcher';
import { WorkerPool } from './workers/pool';

/**
 * Builds what the render steps share: binaries (checked for the filters we use), a worker pool, and providers — OpenAI-compatible with a key, offline without.
 */
export async function makeRenderServices(config: Config, db: Db, log: Logger): Promise<RenderServices> {
  const bins = findBinaries(config.ffmpeg);
  const caps = await probeCapabilities(bins.ffmpeg);
  if (caps.missing.length) throw new Error(`ffmpeg at ${bins.ffmpeg} lacks filters: ${caps.missing.join(', ')}`);
  // Before the worker threads grow this process: the launcher is forked from it once.
  launcher.prestart();
  const pool = new WorkerPool();
  const warm = pool.warmUp(!config.openai.apiKey);
  const client = config.openai.apiKey
    ? new OpenAI({ apiKey: config.openai.apiKey, baseURL: config.openai.baseURL, timeout: config.openai.timeoutMs, maxRetries: 3 })
    : null;
  return {
    config,
    db,
    log,
    bins,
    pool,
    speech: client ? makeOpenAISpeech(client) : makeOfflineSpeech(pool),
    timings: client ? makeOpenAITimings(client) : null,
    images: client ? makeOpenAIImages(client) : makeOfflineImages(pool),
    format: { width: config.render.width, height: config.render.height, fps: 30, preset: config.render.preset, crf: config.render.crf },
    musicDir: config.render.musicDir ?? null,
    warm,
  };
}
