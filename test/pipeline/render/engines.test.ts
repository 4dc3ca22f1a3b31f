import { readFileSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fallbackNotes } from '../../../commands/runViews';
import { getRun } from '../../../db/repos/runs';
import { encodeWav } from '../../../pipeline/media/wav';
import { EngineUnavailableError } from '../../../pipeline/render/engineCalls';
import { executeRun } from '../../../pipeline/render/execute';
import { isPassingFailure } from '../../../pipeline/render/runner';
import { wordsFileSchema } from '../../../pipeline/render/steps/asrAlign';
import { sendJson } from '../../support/fakes/http';
import { startFakeOpenAI, type FakeOpenAI } from '../../support/fakes/openai';
import { makeRenderHarness, queueShortRun, type RenderHarness } from '../../support/render';

/** Speech with a pause in the middle, like a real clip: two bursts of tone. */
function twoBursts(): Buffer {
  const rate = 24_000;
  const s = new Int16Array(rate * 2);
  for (let i = 0; i < s.length; i++) s[i] = i < rate * 0.8 || i > rate * 1.2 ? Math.round(9000 * Math.sin((2 * Math.PI * 180 * i) / rate)) : 0;
  return encodeWav(s, rate, 1);
}

const fakes: FakeOpenAI[] = [];
let h: RenderHarness | undefined;
afterEach(async () => {
  await h?.dispose();
  h = undefined;
});
afterAll(async () => {
  for (const f of fakes) await f.close();
});

async function fake(extra?: Parameters<typeof startFakeOpenAI>[0]) {
  const f = await startFakeOpenAI(extra);
  fakes.push(f);
  return f;
}

async function render(env: Record<string, string>) {
  h = await makeRenderHarness(env);
  const run = await queueShortRun(h);
  await executeRun(h.services, run.id, { signal: new AbortController().signal });
  const done = await getRun(h.db.prisma, run.id);
  expect(done.resumeState.lastCompletedStep).toBe('finalize_artifacts');
  const words = wordsFileSchema.parse(JSON.parse(readFileSync(String(done.resumeState.steps.asr_align!.outputs.wordsPath), 'utf8'))).words;
  return { run: done, words };
}

describe('each render engine on its own, with fallbacks that never lose the run', () => {
  it('Kokoro-FastAPI: the captioned endpoint gives the audio and the word timings in one call', async () => {
    const kokoro = await fake((req, res) => {
      if (req.path !== '/dev/captioned_speech') return false;
      const body = JSON.parse(req.body.toString()) as { input: string; voice: string; stream: boolean };
      expect(body).toMatchObject({ voice: 'af_alloy', stream: false });
      const words = body.input.split(' ');
      sendJson(res, 200, { audio: twoBursts().toString('base64'), audio_format: 'wav', timestamps: words.map((word, i) => ({ word: word.replace(/[.,]/g, ''), start_time: 0.1 + i * 0.4, end_time: 0.4 + i * 0.4 })) });
      return true;
    });
    const { run, words } = await render({ VOICE_ENGINE: 'openai', VOICE_BASE_URL: kokoro.baseURL, VOICE_MODEL: 'kokoro' });
    expect(kokoro.requests.filter((r) => r.path === '/dev/captioned_speech')).toHaveLength(3);
    expect(kokoro.mediaCalls).toEqual([]);
    expect(words.slice(0, 4).map((w) => [w.word, w.start])).toEqual([['Octopuses', 0.1], ['have', 0.5], ['three', 0.9], ['hearts.', 1.3]]);
    expect(fallbackNotes(run)).toEqual([]);
    expect(run.costMicros).toBe(0);
  });

  it('a speech server without captions: the plain endpoint, then timings aligned offline from the audio', async () => {
    const plain = await fake();
    const { run, words } = await render({ VOICE_ENGINE: 'openai', VOICE_BASE_URL: plain.baseURL, VOICE_MODEL: 'kokoro' });
    // The captioned endpoint answered 404 (once per lane already in flight) and was not asked again.
    expect(plain.requests.filter((r) => r.path === '/dev/captioned_speech').length).toBeLessThanOrEqual(2);
    expect(plain.mediaCalls.filter((p) => p === '/v1/audio/speech')).toHaveLength(3);
    expect(plain.mediaCalls).not.toContain('/v1/audio/transcriptions');
    expect(words.map((w) => w.word).slice(0, 4)).toEqual(['Octopuses', 'have', 'three', 'hearts.']);
    for (let i = 1; i < words.length; i++) expect(words[i]!.start).toBeGreaterThanOrEqual(words[i - 1]!.start);
    expect(run.resumeState.steps.asr_align!.outputs.fallbacks).toEqual([]);
  });

  it('a transcription server that fails: captions are aligned offline and the run says so', async () => {
    const down = await fake((req, res) => {
      if (req.path !== '/v1/audio/transcriptions') return false;
      sendJson(res, 500, { error: { message: 'model not loaded' } });
      return true;
    });
    const { run, words } = await render({ VOICE_ENGINE: 'openai', VOICE_BASE_URL: down.baseURL, TRANSCRIBE_ENGINE: 'openai', TRANSCRIBE_BASE_URL: down.baseURL, TRANSCRIBE_MODEL: 'Systran/faster-whisper-small' });
    expect(words.length).toBeGreaterThan(10);
    expect(fallbackNotes(run)).toEqual(['Caption timings fell back from openai to offline alignment (HTTP 500: model not loaded).']);
  });

  it('a picture engine that fails on one scene: that scene gets offline art, the others keep theirs', async () => {
    let calls = 0;
    const flaky = await fake((req, res) => {
      if (req.path !== '/v1/images/generations') return false;
      const prompt = (JSON.parse(req.body.toString()) as { prompt: string }).prompt;
      calls++;
      if (!prompt.includes('literal')) return false;
      sendJson(res, 400, { error: { message: 'Your request was rejected by the safety system.' } });
      return true;
    });
    const { run } = await render({ IMAGE_ENGINE: 'openai', IMAGE_BASE_URL: flaky.baseURL });
    expect(calls).toBe(4); // three scenes, the refused one asked twice
    expect(fallbackNotes(run)).toEqual(['Pictures for scene 2 fell back from openai to offline art (HTTP 400: Your request was rejected by the safety system.).']);
  });

  it('hands the job queue only what can pass: an offline engine that died, 5xx, 429, dropped connections', () => {
    expect(isPassingFailure(new EngineUnavailableError('The offline voice failed twice'))).toBe(true);
    expect(isPassingFailure(Object.assign(new Error('overloaded'), { status: 503 }))).toBe(true);
    expect(isPassingFailure(Object.assign(new Error('slow down'), { status: 429 }))).toBe(true);
    expect(isPassingFailure(Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNRESET' } }))).toBe(true);
    expect(isPassingFailure(Object.assign(new Error('bad key'), { status: 401 }))).toBe(false);
    expect(isPassingFailure(new Error('ffmpeg exited with 1'))).toBe(false);
  });

});
