import type { Config } from '../../core/config';
import { describeFailure, failureText } from '../../pipeline/providers/failure';
import { makeOpenAIClient } from '../../pipeline/providers/openaiClient';
import { drawArt } from '../../pipeline/providers/images/art';
import { speakOffline } from '../../pipeline/providers/speech/espeak';
import { speakFlite } from '../../pipeline/providers/speech/flite';
import { makeEspeakSpeech, makeOfflineSpeech } from '../../pipeline/providers/speech/offline';
import type { SpeechRequest } from '../../pipeline/providers/speech/types';
import { makeWhisperTimings } from '../../pipeline/providers/speech/transcribe';
import { findBinaries } from '../../pipeline/render/binaries';
import { makeSpeech } from '../../pipeline/render/services';
import type { CheckRow } from './doctor';

const TEST_TEXT = 'Ready to record.';
const where = (base?: string) => (base ?? 'https://api.openai.com/v1').replace(/\/$/, '');

/** What to set for an engine, by the kind of failure. */
function adviceFor(prefix: string, status: number | string): string {
  if (status === 401 || status === 403) return `Check ${prefix}_API_KEY (or OPENAI_API_KEY).`;
  if (status === 404) return `Check ${prefix}_MODEL: the server does not know it (for Ollama: ollama pull <model>).`;
  return `Check that the server at ${prefix}_BASE_URL is running and reachable.`;
}

/** The planner: offline, or one tiny chat completion on its server (a few tokens). */
async function checkPlanner(config: Config): Promise<CheckRow> {
  const p = config.engines.planner;
  if (p.kind === 'offline') {
    return { name: 'planner', state: 'ok', detail: 'offline (built-in writer)', advice: 'For AI-written plans: PLANNER_BASE_URL and PLANNER_MODEL (a local model, e.g. Ollama), or OPENAI_API_KEY.' };
  }
  const started = Date.now();
  try {
    const client = makeOpenAIClient({ ...p, timeoutMs: 20_000 }, 0);
    await client.chat.completions.create({ model: p.model, messages: [{ role: 'user', content: 'Reply with OK.' }], max_tokens: 3 });
    return { name: 'planner', state: 'ok', detail: `${p.model} at ${where(p.baseURL)} (answered in ${((Date.now() - started) / 1000).toFixed(1)} s)`, advice: '' };
  } catch (err) {
    const f = describeFailure(err);
    return { name: 'planner', state: 'error', detail: `${p.model} at ${where(p.baseURL)}: ${failureText(f)}`, advice: adviceFor('PLANNER', f.status) };
  }
}

/** The voice: speaks a short line with the configured engine. */
async function checkVoice(config: Config): Promise<CheckRow> {
  const v = config.engines.voice;
  const espeak = (req: SpeechRequest) => speakOffline(req.text, req);
  const offline = makeOfflineSpeech({ espeak, flite: (req) => speakFlite(req.text, req) });
  const prefix = { openai: 'VOICE', edge: 'VOICE', sherpa: 'SHERPA', festival: 'FESTIVAL', offline: 'VOICE', espeak: 'VOICE' }[v.kind];
  const hint = 'For a natural voice: VOICE_ENGINE=edge (free, online), festival (Debian package), sherpa (SHERPA_MODEL_DIR) or openai (VOICE_BASE_URL, e.g. Kokoro-FastAPI).';
  try {
    const speech = makeSpeech(config, findBinaries(config.ffmpeg), offline, makeEspeakSpeech(espeak));
    const started = Date.now();
    const clip = await speech.speak({ text: TEST_TEXT, voice: 'alloy', language: 'en', wpm: 160 }, AbortSignal.timeout(30_000));
    const ms = Date.now() - started;
    const timings = clip.words?.length ? `${clip.words.length} word timings` : 'no word timings (aligned afterwards)';
    const engine = v.kind === 'offline' ? 'offline Flite (English; eSpeak NG for other languages)' : v.kind === 'espeak' ? 'offline eSpeak NG' : v.kind === 'openai' ? `${v.model} at ${where(v.baseURL)}` : v.kind === 'sherpa' ? `sherpa model in ${v.sherpaModelDir}` : v.kind;
    return { name: 'voice', state: clip.durationSec > 0.2 ? 'ok' : 'error', detail: `${engine}: ${clip.durationSec.toFixed(1)} s test clip in ${ms} ms, ${timings}`, advice: v.kind === 'offline' || v.kind === 'espeak' ? hint : '' };
  } catch (err) {
    const f = describeFailure(err);
    const why = failureText(f);
    return {
      name: 'voice', state: 'error', detail: `${v.kind}: ${why}`,
      advice: v.kind === 'openai' ? adviceFor('VOICE', f.status) : /SHERPA_MODEL_DIR|festival/.test(why) ? 'Set what the message names, or choose another VOICE_ENGINE.' : `Renders fall back to the offline voice until this works (check ${prefix}_* settings and the network).`,
    };
  }
}

/** Word timings: from the voice, a transcription server (tested on a spoken clip), or offline alignment. */
async function checkTimings(config: Config): Promise<CheckRow> {
  const t = config.engines.transcribe;
  if (t.kind === 'offline') {
    return { name: 'timings', state: 'ok', detail: 'from the voice engine when it gives them, else aligned offline from the audio', advice: '' };
  }
  try {
    const clip = await speakOffline(TEST_TEXT, { voice: 'alloy', language: 'en', wpm: 160 });
    const r = await makeWhisperTimings(makeOpenAIClient({ ...t, timeoutMs: 30_000 }, 0), t.model).align(clip.wav, TEST_TEXT);
    return { name: 'timings', state: 'ok', detail: `from the voice engine when it gives them, else ${t.model} at ${where(t.baseURL)} (test: ${r.words.length} words)`, advice: '' };
  } catch (err) {
    const f = describeFailure(err);
    return { name: 'timings', state: 'warn', detail: `${t.model} at ${where(t.baseURL)}: ${failureText(f)}; captions fall back to offline alignment`, advice: adviceFor('TRANSCRIBE', f.status) };
  }
}

/** Pictures: offline art drawn once; an image server is asked for its model list (an image would cost money). */
async function checkPictures(config: Config): Promise<CheckRow> {
  const i = config.engines.images;
  if (i.kind === 'offline') {
    try {
      const art = await drawArt({ width: 90, height: 160, palette: ['#000000', '#333333', '#ffffff'], title: 'ok', subtitle: '', seed: 'doctor', sceneNumber: 1 });
      return { name: 'pictures', state: 'ok', detail: `offline art (Skia), ${art.length} byte test frame`, advice: 'For AI pictures: IMAGE_ENGINE=openai with OPENAI_API_KEY (or IMAGE_BASE_URL).' };
    } catch (err) {
      return { name: 'pictures', state: 'error', detail: failureText(describeFailure(err)), advice: 'Run npm ci to restore @napi-rs/canvas.' };
    }
  }
  try {
    await makeOpenAIClient({ ...i, timeoutMs: 10_000 }, 0).models.list();
    return { name: 'pictures', state: 'ok', detail: `${i.model} at ${where(i.baseURL)} (server answers; no test image: it would cost money)`, advice: '' };
  } catch (err) {
    const f = describeFailure(err);
    return { name: 'pictures', state: 'error', detail: `${i.model} at ${where(i.baseURL)}: ${failureText(f)}; scenes fall back to offline art`, advice: adviceFor('IMAGE', f.status) };
  }
}

/** One row per engine, each tested with one tiny call. */
export function checkEngines(config: Config): Promise<CheckRow[]> {
  return Promise.all([checkPlanner(config), checkVoice(config), checkTimings(config), checkPictures(config)]);
}
