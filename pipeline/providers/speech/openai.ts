import type OpenAI from 'openai';
import { z } from 'zod';
import { parseWav } from '../../media/wavParse';
import { wavSeconds } from '../../media/wav';
import { timingsFromWords } from '../../media/words';
import type { SpeechClip, SpeechProvider, SpeechRequest } from './types';
import { openaiVoice } from './voices';

/** OpenAI's TTS price in micro-dollars per input character, for OpenAI's models (local models cost nothing). */
const TTS_MICROS_PER_CHAR = 15;

const captioned = z.object({
  audio: z.string().min(1),
  timestamps: z.array(z.object({ word: z.string(), start_time: z.number(), end_time: z.number() })).default([]),
});

/**
 * Speech from OpenAI or any server with `/v1/audio/speech` (WAV out). With a Kokoro model the
 * Kokoro-FastAPI captioned endpoint is tried first, for word timings with the audio; a server
 * without it (404) is remembered and spoken to through the plain endpoint.
 */
export function makeOpenAISpeech(client: OpenAI, model: string): SpeechProvider {
  const pricePerChar = /^(tts-1|gpt-4o)/.test(model) ? TTS_MICROS_PER_CHAR : 0;
  let hasCaptions = /kokoro/i.test(model);
  const speed = (req: SpeechRequest) => Math.min(4, Math.max(0.25, req.wpm / 150));
  const plain = async (req: SpeechRequest, signal?: AbortSignal): Promise<SpeechClip> => {
    const res = await client.audio.speech.create(
      { model, voice: openaiVoice(req.voice, model) as 'alloy', input: req.text, response_format: 'wav', speed: speed(req) },
      { signal },
    );
    const wav = Buffer.from(await res.arrayBuffer());
    return { wav, durationSec: wavSeconds(parseWav(wav)), costMicros: [...req.text].length * pricePerChar };
  };
  return {
    id: `openai-tts:${model}`,
    engine: 'openai',
    async speak(req, signal) {
      if (!hasCaptions) return plain(req, signal);
      const url = new URL('../dev/captioned_speech', client.baseURL.replace(/\/?$/, '/')).toString();
      const res = await client.post<unknown>(url, {
        body: { model, input: req.text, voice: openaiVoice(req.voice, model), response_format: 'wav', stream: false, speed: speed(req) },
        signal,
      }).catch((err: { status?: number }) => {
        if (err.status === 404 || err.status === 405) return null;
        throw err;
      });
      if (res === null) {
        hasCaptions = false;
        return plain(req, signal);
      }
      const body = captioned.parse(res);
      const wav = Buffer.from(body.audio, 'base64');
      const durationSec = wavSeconds(parseWav(wav));
      const words = timingsFromWords(req.text, body.timestamps.map((t) => ({ word: t.word, start: t.start_time })), durationSec);
      return { wav, durationSec, words, costMicros: 0 };
    },
  };
}
