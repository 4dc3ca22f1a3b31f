import { join } from 'node:path';
import type { Config } from '../../core/config';
import type { Logger } from '../../core/logger';
import type { Db } from '../../db/client';
import { makeOfflineImages } from '../providers/images/offline';
import { makeOpenAIImages } from '../providers/images/openai';
import { makeOpenAIClient } from '../providers/openaiClient';
import { makeEdgeSpeech } from '../providers/speech/edge';
import { makeOfflineTimings } from '../providers/speech/energyAlign';
import { findFestival, makeFestivalSpeech } from '../providers/speech/festival';
import type { SpeechResult } from '../providers/speech/espeak';
import { makeEspeakSpeech, makeOfflineSpeech, type OfflineSpeaker } from '../providers/speech/offline';
import { makeOpenAISpeech } from '../providers/speech/openai';
import { speakFlite, warmFlite } from '../providers/speech/flite';
import { makeSherpaSpeech } from '../providers/speech/sherpa';
import { makeWhisperTimings } from '../providers/speech/transcribe';
import type { SpeechProvider } from '../providers/speech/types';
import { makePexels } from '../providers/stock/pexels';
import { makePixabay } from '../providers/stock/pixabay';
import { findBinaries, probeCapabilities, type Binaries } from './binaries';
import type { RenderServices } from './context';
import { launcher } from './launcher';
import { WorkerPool } from './workers/pool';

/** Edge speaks a scene in a few seconds: a socket that says nothing for this long is down. */
const EDGE_TIMEOUT_MS = 20_000;

/**
 * The configured voice engine. Settings that cannot work (sherpa without a model directory,
 * festival not installed) are refused here, at start-up, with what to set — never mid-render.
 */
export function makeSpeech(config: Config, bins: Binaries, offline: SpeechProvider, espeak: SpeechProvider): SpeechProvider {
  const v = config.engines.voice;
  switch (v.kind) {
    case 'espeak':
      return espeak;
    case 'openai':
      return makeOpenAISpeech(makeOpenAIClient(v, 0), v.model);
    case 'edge':
      return makeEdgeSpeech({ ffmpeg: bins.ffmpeg, timeoutMs: Math.min(EDGE_TIMEOUT_MS, v.timeoutMs) });
    case 'sherpa':
      if (!v.sherpaModelDir) throw new Error('VOICE_ENGINE=sherpa needs SHERPA_MODEL_DIR: a Piper/VITS or Kokoro model directory.');
      return makeSherpaSpeech({ modelDir: v.sherpaModelDir, threads: v.sherpaThreads });
    case 'festival': {
      const festival = findFestival(v.festivalPath);
      if (!festival) throw new Error('VOICE_ENGINE=festival but festival does not run here: apt-get install festival festvox-us-slt-hts, or set FESTIVAL_PATH.');
      return makeFestivalSpeech({ festival });
    }
    default:
      return offline;
  }
}

/**
 * Builds what the render steps share: binaries (checked for the filters we use), a worker pool,
 * and each engine as configured on its own — voice, word timings, pictures — with the offline
 * engines beside them as fallbacks.
 */
export async function makeRenderServices(config: Config, db: Db, log: Logger): Promise<RenderServices> {
  const bins = findBinaries(config.ffmpeg);
  const caps = await probeCapabilities(bins.ffmpeg);
  if (caps.missing.length) throw new Error(`ffmpeg at ${bins.ffmpeg} lacks filters: ${caps.missing.join(', ')}`);
  const { engines } = config;
  // Before the worker threads grow this process: the launcher is forked from it once.
  launcher.prestart();
  const pool = new WorkerPool();
  // eSpeak's JIT warm-up pays off only when it speaks every video; Flite is compiled either way.
  const warm = pool.warmUp(engines.voice.kind === 'espeak');
  const espeak: OfflineSpeaker<SpeechResult> = (req, signal) => pool.run('speak', req, signal);
  const offlineSpeech = makeOfflineSpeech({ espeak, flite: (req, signal) => speakFlite(req.text, req, signal) });
  // Flite's process compiles its voices once: start it now, off the first scene's clock.
  if (engines.voice.kind === 'offline') void warmFlite().catch(() => undefined);
  const offlineImages = makeOfflineImages((req, signal) => pool.run('art', req, signal));
  return {
    config,
    db,
    log,
    bins,
    pool,
    speech: makeSpeech(config, bins, offlineSpeech, makeEspeakSpeech(espeak)),
    offlineSpeech,
    timings: engines.transcribe.kind === 'openai' ? makeWhisperTimings(makeOpenAIClient(engines.transcribe, 0), engines.transcribe.model) : null,
    aligner: makeOfflineTimings(),
    images: engines.images.kind === 'openai' ? makeOpenAIImages(makeOpenAIClient(engines.images, 0), engines.images.model) : offlineImages,
    offlineImages,
    footage: makeFootage(config),
    format: { width: config.render.width, height: config.render.height, fps: 30, preset: config.render.preset, crf: config.render.crf },
    musicDir: config.render.musicDir ?? null,
    warm,
  };
}

/** The stock libraries whose keys are set, Pexels first, with the clip cache under the data folder. */
export function makeFootage(config: Config): RenderServices['footage'] {
  const { stock } = config;
  const providers = [
    ...(stock.pexels ? [makePexels(stock.pexels)] : []),
    ...(stock.pixabay ? [makePixabay(stock.pixabay)] : []),
  ];
  if (!providers.length) return null;
  return { providers, cache: { dir: join(config.dataDir, 'cache', 'footage'), maxBytes: stock.cacheBytes }, maxClipBytes: stock.clipMaxBytes, timeoutMs: stock.timeoutMs };
}
