import OpenAI, { toFile } from 'openai';
import { alignTokens, type TimingMark } from '../../render/captions/align';
import { parseWav } from '../../render/media/wavParse';
import type { SpeechProvider, TimingProvider } from './types';

/** Prices in micro-dollars: TTS per input character, transcription per audio second. */
const TTS_MICROS_PER_CHAR = 15;
const WHISPER_MICROS_PER_SEC = 100;

/** OpenAI-compatible text to speech (WAV out), the project's voice. */
export function makeOpenAISpeech(client: OpenAI, model = 'tts-1'): SpeechProvider {
  return {
    id: `openai-tts:${model}`,
    async speak(req, signal) {
      const res = await client.audio.speech.create(
        { model, voice: req.voice as 'alloy', input: req.text, response_format: 'wav', speed: Math.min(4, Math.max(0.25, req.wpm / 150)) },
        { signal },
      );
      const wav = Buffer.from(await res.arrayBuffer());
      const pcm = parseWav(wav);
      return { wav, durationSec: pcm.samples.length / pcm.channels / pcm.sampleRate, costMicros: [...req.text].length * TTS_MICROS_PER_CHAR };
    },
  };
}

const norm = (w: string) => w.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

/**
 * Whisper word timestamps, mapped back onto the script's own words (so captions show what was
 * written, with punctuation): recognised words are matched in order to script tokens.
 */
export function makeOpenAITimings(client: OpenAI, model = 'whisper-1'): TimingProvider {
  return {
    id: `openai-asr:${model}`,
    async align(wav, text, signal) {
      const res = await client.audio.transcriptions.create(
        { file: await toFile(wav, 'clip.wav', { type: 'audio/wav' }), model, response_format: 'verbose_json', timestamp_granularities: ['word'] },
        { signal },
      );
      const recognised = (res as unknown as { words?: { word: string; start: number }[]; duration?: number }).words ?? [];
      const pcm = parseWav(wav);
      const duration = pcm.samples.length / pcm.channels / pcm.sampleRate;
      const marks: TimingMark[] = [];
      let r = 0;
      const tokenRe = /\S+/gu;
      for (const m of text.matchAll(tokenRe)) {
        const charIndex = [...text.slice(0, m.index)].length;
        const target = norm(m[0]);
        for (let look = r; look < Math.min(recognised.length, r + 4); look++) {
          if (norm(recognised[look]!.word) === target) {
            marks.push({ charIndex, start: recognised[look]!.start });
            r = look + 1;
            break;
          }
        }
      }
      return { words: alignTokens(text, marks, duration), costMicros: Math.round(duration * WHISPER_MICROS_PER_SEC) };
    },
  };
}
