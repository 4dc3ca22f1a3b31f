import type { SpeechProvider, SpeechRequest } from './types';
import type { SpeechResult } from './espeak';

/** Runs eSpeak somewhere off the main thread (the render's worker pool) and gives back its result. */
export type OfflineSpeaker = (req: SpeechRequest, signal?: AbortSignal) => Promise<SpeechResult>;

/** eSpeak NG, the voice that always works; word timings come from the engine itself. */
export function makeOfflineSpeech(speak: OfflineSpeaker): SpeechProvider {
  return {
    id: 'espeak-ng:v1',
    engine: 'offline',
    async speak(req, signal) {
      const r = await speak(req, signal);
      return { wav: r.wav, durationSec: r.durationSec, words: r.words, costMicros: 0 };
    },
  };
}
