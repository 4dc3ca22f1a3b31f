/**
 * One voice engine speaking 150 words as a render would (six scenes of 25 words), in its own
 * process so its memory is its own. Prints one JSON line: wall seconds, audio seconds.
 * Run by bench/voices.ts; `engine` is offline (Flite), espeak, festival or sherpa.
 */
import { speakOffline } from '../pipeline/providers/speech/espeak';
import { findFestival, makeFestivalSpeech } from '../pipeline/providers/speech/festival';
import { speakFlite, warmFlite } from '../pipeline/providers/speech/flite';
import { makeSherpaSpeech } from '../pipeline/providers/speech/sherpa';
import { VOICE_BENCH_TEXT } from './voiceText';

const engine = process.argv[2];
const scenes = VOICE_BENCH_TEXT;
type Speak = (text: string) => Promise<{ durationSec: number }>;
const speakers: Record<string, () => Promise<Speak>> = {
  baseline: async () => async () => ({ durationSec: 1 }),
  offline: async () => {
    await warmFlite();
    return (text) => speakFlite(text, { voice: 'alloy', wpm: 160 });
  },
  espeak: async () => (text) => speakOffline(text, { voice: 'alloy', language: 'en', wpm: 160 }),
  festival: async () => {
    const speech = makeFestivalSpeech({ festival: findFestival()! });
    return (text) => speech.speak({ text, voice: 'alloy', language: 'en', wpm: 160 });
  },
  sherpa: async () => {
    const speech = makeSherpaSpeech({ modelDir: process.env.SHERPA_MODEL_DIR!, threads: 2 });
    return (text) => speech.speak({ text, voice: 'alloy', language: 'en', wpm: 160 });
  },
};
const speak = await speakers[engine!]!();
const t0 = performance.now();
let audio = 0;
for (const text of scenes) audio += (await speak(text)).durationSec;
console.log(JSON.stringify({ wallSec: (performance.now() - t0) / 1000, audioSec: audio }));
