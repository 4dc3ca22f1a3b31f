import OpenAI, { toFile } from 'openai';
import { wavSeconds } from '../../media/wav';
import { parseWav } from '../../media/wavParse';
import { timingsFromWords } from '../../media/words';
import type { TimingProvider } from './types';

/** OpenAI's Whisper price in micro-dollars per audio second, for OpenAI's models (local models cost nothing). */
const WHISPER_MICROS_PER_SEC = 100;

/**
 * Word timings from a Whisper-compatible transcription server (OpenAI, faster-whisper-server,
 * LocalAI…) asked for word timestamps, mapped back onto the script's own words.
 */
export function makeWhisperTimings(client: OpenAI, model: string): TimingProvider {
  const pricePerSec = /^(whisper-1|gpt-4o)/.test(model) ? WHISPER_MICROS_PER_SEC : 0;
  return {
    id: `openai-asr:${model}`,
    engine: 'openai',
    async align(wav, text, signal) {
      const res = await client.audio.transcriptions.create(
        { file: await toFile(wav, 'clip.wav', { type: 'audio/wav' }), model, response_format: 'verbose_json', timestamp_granularities: ['word'] },
        { signal },
      );
      const recognised = (res as unknown as { words?: { word: string; start: number }[] }).words;
      if (!recognised?.length) throw new Error('the transcription came back without word timestamps');
      const duration = wavSeconds(parseWav(wav));
      return { words: timingsFromWords(text, recognised, duration), costMicros: Math.round(duration * pricePerSec) };
    },
  };
}
