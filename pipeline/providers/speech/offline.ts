import type { SpeechResult } from './espeak';
import type { SpeechProvider, SpeechRequest } from './types';

/** Runs an offline engine somewhere off the main thread (the render's worker pool). */
export type OfflineSpeaker<R> = (req: SpeechRequest, signal?: AbortSignal) => Promise<R>;

export interface OfflineVoices {
  espeak: OfflineSpeaker<SpeechResult>;
  flite: OfflineSpeaker<{ wav: Buffer; durationSec: number }>;
}

/**
 * The voice that always works, with nothing to install or configure: Flite for English (clearer;
 * its captions are aligned from the audio afterwards) and eSpeak NG for every other language
 * (Flite has only English voices; eSpeak reports exact word timings itself).
 */
export function makeOfflineSpeech(voices: OfflineVoices): SpeechProvider {
  return {
    id: 'offline-voice:v2',
    engine: 'offline',
    async speak(req, signal) {
      if (req.language === 'en') return { ...(await voices.flite(req, signal)), costMicros: 0 };
      const r = await voices.espeak(req, signal);
      return { wav: r.wav, durationSec: r.durationSec, words: r.words, costMicros: 0 };
    },
  };
}

/** eSpeak NG for every language (VOICE_ENGINE=espeak): robotic, but with exact word timings. */
export function makeEspeakSpeech(espeak: OfflineSpeaker<SpeechResult>): SpeechProvider {
  return {
    id: 'espeak-ng:v1',
    engine: 'espeak',
    async speak(req, signal) {
      const r = await espeak(req, signal);
      return { wav: r.wav, durationSec: r.durationSec, words: r.words, costMicros: 0 };
    },
  };
}
