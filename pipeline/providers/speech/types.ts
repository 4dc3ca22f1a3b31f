import type { WordTiming } from '../../render/media/espeak';

export interface SpeechRequest {
  text: string;
  voice: string;
  language: string;
  wpm: number;
}

export interface SpeechClip {
  /** 16-bit PCM WAV. */
  wav: Buffer;
  durationSec: number;
  /** Word timings when the engine knows them (offline eSpeak does; OpenAI TTS does not). */
  words?: WordTiming[];
  costMicros: number;
}

/** Text to speech. `id` names engine and model for cache keys. */
export interface SpeechProvider {
  readonly id: string;
  speak(req: SpeechRequest, signal?: AbortSignal): Promise<SpeechClip>;
}

/** Word timings for a spoken clip whose engine gave none (speech recognition). */
export interface TimingProvider {
  readonly id: string;
  align(wav: Buffer, text: string, signal?: AbortSignal): Promise<{ words: WordTiming[]; costMicros: number }>;
}
