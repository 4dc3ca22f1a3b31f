import { Communicate } from 'edge-tts-universal';
import { decodeToWav } from '../../media/decode';
import { wavSeconds } from '../../media/wav';
import { parseWav } from '../../media/wavParse';
import { timingsFromWords } from '../../media/words';
import type { SpeechProvider } from './types';
import { edgeVoice } from './voices';

/** Edge's voices speak about this many words a minute at rate +0%. */
const EDGE_BASE_WPM = 155;
/** Edge streams 24 kHz MP3; we decode at the same rate. */
const SAMPLE_RATE = 24_000;
/** Edge reports times in 100-nanosecond ticks. */
const TICKS_PER_SEC = 10_000_000;

/**
 * Microsoft Edge's free neural voices (edge-tts-universal, a websocket to Edge's read-aloud
 * service; no key). The word boundaries Edge streams with the audio are the captions' timings.
 * The client waits forever for a socket that never opens, so every call has its own deadline.
 */
export function makeEdgeSpeech(opts: { ffmpeg: string; timeoutMs: number; firstAnswerMs?: number }): SpeechProvider {
  // Edge answers within a second or two when it is there; the client cannot say when its socket
  // was refused, so silence this long means it is not (and the render falls back sooner).
  const firstAnswerMs = Math.min(opts.firstAnswerMs ?? 8000, opts.timeoutMs);
  return {
    id: 'edge-tts:v1',
    engine: 'edge',
    async speak(req, signal) {
      const pct = Math.round((req.wpm / EDGE_BASE_WPM - 1) * 100);
      const voice = edgeVoice(req.voice, req.language);
      const tts = new Communicate(req.text, { voice, rate: `${pct >= 0 ? '+' : ''}${pct}%`, connectionTimeout: opts.timeoutMs });
      const audio: Buffer[] = [];
      const said: { word: string; start: number }[] = [];
      let answered = false;
      const collect = (async () => {
        for await (const chunk of tts.stream()) {
          answered = true;
          if (chunk.type === 'audio' && chunk.data) audio.push(chunk.data);
          else if (chunk.type === 'WordBoundary' && chunk.text !== undefined && chunk.offset !== undefined) said.push({ word: chunk.text, start: chunk.offset / TICKS_PER_SEC });
        }
      })();
      // A plain (ref'd) timer, not AbortSignal.timeout: while the client waits on a socket that
      // never opens, nothing else may be keeping a command-line process alive.
      let timer: NodeJS.Timeout | undefined;
      let first: NodeJS.Timeout | undefined;
      let onAbort: (() => void) | undefined;
      try {
        await Promise.race([
          collect,
          new Promise<never>((_, reject) => {
            first = setTimeout(() => answered || reject(new Error(`Edge did not answer within ${Math.round(firstAnswerMs / 1000)} s (voice ${voice}): unreachable or refused`)), firstAnswerMs);
            timer = setTimeout(() => reject(new Error(`Edge did not finish speaking within ${Math.round(opts.timeoutMs / 1000)} s (voice ${voice})`)), opts.timeoutMs);
            onAbort = () => reject(signal?.reason);
            if (signal?.aborted) onAbort();
            else signal?.addEventListener('abort', onAbort, { once: true });
          }),
        ]);
      } finally {
        clearTimeout(first);
        clearTimeout(timer);
        if (onAbort) signal?.removeEventListener('abort', onAbort);
      }
      if (!audio.length) throw new Error(`Edge sent no audio (voice ${voice})`);
      const wav = await decodeToWav(opts.ffmpeg, Buffer.concat(audio), SAMPLE_RATE, signal);
      const durationSec = wavSeconds(parseWav(wav));
      return { wav, durationSec, words: said.length ? timingsFromWords(req.text, said, durationSec) : undefined, costMicros: 0 };
    },
  };
}
