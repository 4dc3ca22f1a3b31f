import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OfflineTts, OfflineTtsConfig } from 'sherpa-onnx-node';
import { encodeWav, floatToInt16 } from '../../media/wav';
import type { SpeechProvider } from './types';
import { speakerId } from './voices';

/** The speed sherpa models speak at with speed 1 (words a minute), to follow the project's tempo. */
const BASE_WPM = 160;

/**
 * What a model directory holds, as sherpa-onnx expects it: a Piper/VITS model (model `.onnx`,
 * tokens.txt, and espeak-ng-data/ or lexicon.txt) or a Kokoro model (also voices.bin). Throws a
 * message naming the missing file: sherpa itself only prints the reason to stderr.
 */
export function sherpaConfig(dir: string, numThreads: number): OfflineTtsConfig {
  if (!existsSync(dir)) throw new Error(`SHERPA_MODEL_DIR ${dir} does not exist`);
  const files = readdirSync(dir);
  const onnx = files.includes('model.onnx') ? 'model.onnx' : files.filter((f) => f.endsWith('.onnx')).sort()[0];
  if (!onnx) throw new Error(`no .onnx model in ${dir}`);
  if (!files.includes('tokens.txt')) throw new Error(`no tokens.txt in ${dir}`);
  const dataDir = files.includes('espeak-ng-data') ? join(dir, 'espeak-ng-data') : undefined;
  const lexicon = files.includes('lexicon.txt') ? join(dir, 'lexicon.txt') : undefined;
  const base = { model: join(dir, onnx), tokens: join(dir, 'tokens.txt'), ...(dataDir ? { dataDir } : {}), ...(lexicon ? { lexicon } : {}) };
  if (files.includes('voices.bin')) return { model: { kokoro: { ...base, voices: join(dir, 'voices.bin') }, numThreads, provider: 'cpu' }, maxNumSentences: 1 };
  if (!dataDir && !lexicon) throw new Error(`${dir} has neither espeak-ng-data/ nor lexicon.txt: a Piper or VITS model needs one`);
  // sherpa's lexicon reader ends the whole process (an uncaught C++ exception) when tokens.txt has
  // no space token (a line holding only an id): refuse such a directory here instead.
  if (!dataDir && !/^\s+\d+\s*$/m.test(readFileSync(join(dir, 'tokens.txt'), 'utf8'))) throw new Error(`tokens.txt in ${dir} has no space token (a line with only its id), which a lexicon model needs`);
  return { model: { vits: base, numThreads, provider: 'cpu' }, maxNumSentences: 1 };
}

/**
 * A Piper/VITS or Kokoro voice model the operator provides (SHERPA_MODEL_DIR), run in this process
 * by sherpa-onnx-node. Loaded once, asynchronously (the synchronous loader aborts the process on a
 * corrupt file). sherpa gives no word timings: captions are aligned afterwards.
 */
export function makeSherpaSpeech(opts: { modelDir: string; threads: number }): SpeechProvider {
  let loading: Promise<OfflineTts> | undefined;
  const load = () => {
    loading ??= (async () => {
      const config = sherpaConfig(opts.modelDir, opts.threads);
      const { OfflineTts } = (await import('sherpa-onnx-node')).default;
      return OfflineTts.createAsync(config).catch((err: Error) => {
        throw new Error(`sherpa-onnx could not load the model in ${opts.modelDir}: ${err.message}`);
      });
    })();
    loading.catch(() => (loading = undefined));
    return loading;
  };
  return {
    id: `sherpa:${opts.modelDir}`,
    engine: 'sherpa',
    async speak(req, signal) {
      const tts = await load();
      signal?.throwIfAborted();
      const audio = await tts.generateAsync({ text: req.text, sid: speakerId(req.voice, tts.numSpeakers), speed: Math.min(3, Math.max(0.5, req.wpm / BASE_WPM)) });
      signal?.throwIfAborted();
      if (!audio.samples.length) throw new Error('the sherpa model returned no audio');
      const wav = encodeWav(floatToInt16(audio.samples), audio.sampleRate, 1);
      return { wav, durationSec: audio.samples.length / audio.sampleRate, costMicros: 0 };
    },
  };
}
