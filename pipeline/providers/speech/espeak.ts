import Module from '@echogarden/espeak-ng-emscripten';
import { alignTokens, type WordTiming } from '../../media/words';
import { encodeWav } from '../../media/wav';


export interface SpeechResult {
  wav: Buffer;
  durationSec: number;
  words: WordTiming[];
}

/** Offline voices: OpenAI's names mapped to eSpeak pitch and range so each sounds distinct. */
const VOICE_SHAPES: Record<string, { pitch: number; range: number; variant?: string }> = {
  alloy: { pitch: 48, range: 50 },
  echo: { pitch: 38, range: 40 },
  fable: { pitch: 55, range: 65 },
  onyx: { pitch: 28, range: 35 },
  nova: { pitch: 62, range: 60 },
  shimmer: { pitch: 72, range: 70 },
};

/** eSpeak voice names by our language codes. */
const ESPEAK_LANGUAGE: Record<string, string> = {
  en: 'en-us', es: 'es', fr: 'fr-fr', de: 'de', it: 'it', pt: 'pt-br', nl: 'nl', pl: 'pl', tr: 'tr', hi: 'hi', ja: 'ja', ko: 'ko', zh: 'cmn',
};

interface EspeakEvent {
  type: string;
  text_position: number;
  word_length: number;
  audio_position: number;
}
interface EspeakWorker {
  set_voice(name: string): void;
  set_rate(wpm: number): void;
  set_pitch(p: number): void;
  set_range(r: number): void;
  get_samplerate(): number;
  synthesize(text: string, cb: (audio: Int16Array, events: EspeakEvent[]) => number): void;
}

let engine: Promise<EspeakWorker> | undefined;

function getEngine(): Promise<EspeakWorker> {
  engine ??= (Module as unknown as () => Promise<{ eSpeakNGWorker: new () => EspeakWorker }>)().then((m) => new m.eSpeakNGWorker());
  return engine;
}

/**
 * Speaks `text` with eSpeak NG and returns a WAV plus real word timings taken from the
 * synthesizer's own word events (no speech recognition needed offline). CPU-heavy: call it from
 * a worker thread.
 */
export async function speakOffline(text: string, opts: { voice: string; language: string; wpm: number }): Promise<SpeechResult> {
  const tts = await getEngine();
  const shape = VOICE_SHAPES[opts.voice] ?? VOICE_SHAPES.alloy!;
  tts.set_voice(ESPEAK_LANGUAGE[opts.language] ?? 'en-us');
  // eSpeak's effective pace is at or slightly above its nominal rate (measured 1.0–1.07×), so the
  // plan's words-per-minute is used as is; the video follows the speech either way.
  tts.set_rate(Math.round(opts.wpm));
  tts.set_pitch(shape.pitch);
  tts.set_range(shape.range);
  const chunks: Int16Array[] = [];
  const events: EspeakEvent[] = [];
  tts.synthesize(text, (audio, evs) => {
    chunks.push(audio);
    events.push(...evs);
    return 0;
  });
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const samples = new Int16Array(total);
  let offset = 0;
  for (const c of chunks) {
    samples.set(c, offset);
    offset += c.length;
  }
  const rate = tts.get_samplerate();
  const durationSec = total / rate;
  const marks = events.filter((e) => e.type === 'word').map((e) => ({ charIndex: e.text_position - 1, start: e.audio_position / 1000 }));
  return { wav: encodeWav(samples, rate, 1), durationSec, words: alignTokens(text, marks, durationSec) };
}
