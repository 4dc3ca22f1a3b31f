import type { WordTiming } from '../../media/words';

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
  /** Word timings when the engine knows them (eSpeak, Edge, Kokoro, Festival do; plain OpenAI TTS and sherpa do not). */
  words?: WordTiming[];
  costMicros: number;
}

/** Text to speech. `id` names engine and model for cache keys. */
export interface SpeechProvider {
  readonly id: string;
  /** The engine's name as configured (VOICE_ENGINE), for logs and chat. */
  readonly engine: string;
  speak(req: SpeechRequest, signal?: AbortSignal): Promise<SpeechClip>;
}

/** Word timings for a spoken clip whose engine gave none (speech recognition). */
export interface TimingProvider {
  readonly id: string;
  /** The engine's name as configured (TRANSCRIBE_ENGINE). */
  readonly engine: string;
  align(wav: Buffer, text: string, signal?: AbortSignal): Promise<{ words: WordTiming[]; costMicros: number }>;
}
