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
