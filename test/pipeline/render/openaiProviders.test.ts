import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRun } from '../../../db/repos/runs';
import { executeRun } from '../../../pipeline/render/execute';
import { startFakeOpenAI, type FakeOpenAI } from '../../support/fakes/openai';
import { makeRenderHarness, queueShortRun, type RenderHarness } from '../../support/render';

let fake: FakeOpenAI;
let h: RenderHarness;
beforeAll(async () => {
  fake = await startFakeOpenAI();
  h = await makeRenderHarness({ OPENAI_API_KEY: 'sk-test-000000000000000000', OPENAI_BASE_URL: fake.baseURL });
});
afterAll(async () => {
  await h.dispose();
  await fake.close();
});

describe('OpenAI-compatible render providers against a fake server', () => {
  it('speaks, aligns and illustrates through the API, records cost, and caches ASR by the audio itself', async () => {
    const run = await queueShortRun(h);
    await executeRun(h.services, run.id, { signal: new AbortController().signal });
    const done = await getRun(h.db.prisma, run.id);
    expect(done.resumeState.lastCompletedStep).toBe('finalize_artifacts');
    const count = (p: string) => fake.mediaCalls.filter((c) => c === p).length;
    expect(count('/v1/audio/speech')).toBe(3);
    expect(count('/v1/audio/transcriptions')).toBe(3);
    expect(count('/v1/images/generations')).toBe(3);
    // 3 × 28-ish characters of TTS, 3 × 1.5 s of transcription, 3 images.
    expect(done.costMicros).toBeGreaterThan(3 * 80_000);
    const words = await h.db.prisma.cache.count({ where: { kind: 'asr' } });
    // The three clips are identical audio but different text: three entries, no collisions.
    expect(words).toBe(3);

    // Same plan again: everything comes from the cache, no API calls.
    const again = await queueShortRun(h);
    const before = fake.mediaCalls.length;
    await executeRun(h.services, again.id, { signal: new AbortController().signal });
    expect(fake.mediaCalls.length).toBe(before);
    expect((await getRun(h.db.prisma, again.id)).costMicros).toBe(0);
  });
});
