import { describe, expect, it } from 'vitest';
import { WorkerPool } from '../../../pipeline/render/workers/pool';

describe('worker pool', () => {
  it('warms every worker, then runs jobs; a warm-up cut short by close never rejects', async () => {
    const pool = new WorkerPool(2);
    await expect(pool.warmUp(true)).resolves.toBeUndefined();
    const clip = await pool.run('speak', { text: 'Three hearts.', voice: 'alloy', language: 'en', wpm: 160 });
    expect(clip.words.map((w) => w.word)).toEqual(['Three', 'hearts.']);
    await pool.close();

    const cut = new WorkerPool(2);
    const warming = cut.warmUp(true);
    await cut.close();
    await expect(warming).resolves.toBeUndefined();
  });

  it('warms the speech engine up until it runs fast, but gives way at once to a waiting job', async () => {
    const idle = new WorkerPool(1);
    try {
      const { speechCalls } = await idle.run('warm', { speech: true });
      // More than the one call that loads the engine (how fast it then runs is the bench's to say).
      expect(speechCalls).toBeGreaterThan(1);
    } finally {
      await idle.close();
    }
    const busy = new WorkerPool(1);
    try {
      const warming = busy.run('warm', { speech: true });
      const clip = busy.run('speak', { text: 'Three hearts.', voice: 'alloy', language: 'en', wpm: 160 });
      expect((await warming).speechCalls).toBe(0);
      expect((await clip).words).toHaveLength(2);
    } finally {
      await busy.close();
    }
  });

  it('stops a job on abort and rejects with an AbortError, then keeps working', async () => {
    const pool = new WorkerPool(1);
    try {
      const stop = new AbortController();
      const long = pool.run('music', { mood: 'calm', durationSec: 600, seed: 1 }, stop.signal);
      setTimeout(() => stop.abort(), 50);
      await expect(long).rejects.toMatchObject({ name: 'AbortError' });
      const wav = await pool.run('music', { mood: 'calm', durationSec: 1, seed: 1 });
      expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
    } finally {
      await pool.close();
    }
  });
});
