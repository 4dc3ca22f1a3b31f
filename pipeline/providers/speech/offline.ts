import type { WorkerPool } from '../../render/workers/pool';
import type { SpeechProvider } from './types';

/** eSpeak NG on a worker thread; word timings come from the engine itself. */
export function makeOfflineSpeech(pool: WorkerPool): SpeechProvider {
  return {
    id: 'espeak-ng:v1',
    async speak(req, signal) {
      const r = await pool.run('speak', req, signal);
      return { wav: r.wav, durationSec: r.durationSec, words: r.words, costMicros: 0 };
    },
  };
}
