import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRun } from '../../../db/repos/runs';
import { executeRun } from '../../../pipeline/render/execute';
import { fitToLimit, planFit } from '../../../pipeline/render/fitSize';
import { checkVideo } from '../../../pipeline/render/qa';
import { makeRenderHarness, queueShortRun, type RenderHarness } from '../../support/render';

let h: RenderHarness;
beforeAll(async () => {
  h = await makeRenderHarness({ RENDER_SIZE: '540x960' });
});
afterAll(async () => {
  await h.dispose();
});

describe('fitting a video to an upload limit', () => {
  it('computes the bitrate, and drops to 720p when full HD would be starved', () => {
    expect(planFit(10 * 1024 * 1024, 60, 1080, 1920)).toEqual({ videoKbps: 1136, width: 720, height: 1280 });
    expect(planFit(50 * 1000 * 1000, 60, 1080, 1920)).toEqual({ videoKbps: 6141, width: 1080, height: 1920 });
    expect(() => planFit(100_000, 180, 1080, 1920)).toThrow(/cannot fit/);
  });

  it('makes a copy under the limit that still passes the checks', async () => {
    const run = await queueShortRun(h);
    await executeRun(h.services, run.id, { signal: new AbortController().signal });
    const done = await getRun(h.db.prisma, run.id);
    const original = done.artifacts.mp4Path!;
    const size = statSync(original).size;
    const duration = Number(done.resumeState.steps.ffmpeg_render?.outputs.durationSec);
    expect(await fitToLimit(h.services.bins.ffmpeg, original, size + 1, duration, 540, 960)).toBe(original);
    // A limit well under the original that still leaves a usable bitrate (≥ 150 kb/s of video).
    const limit = Math.floor(size * 0.7);
    expect(limit).toBeGreaterThan(((150 + 192) * 1000 * duration) / 8 / 0.95);
    const fitted = await fitToLimit(h.services.bins.ffmpeg, original, limit, duration, 540, 960);
    expect(fitted).not.toBe(original);
    expect(statSync(fitted).size).toBeLessThanOrEqual(limit);
    const qa = await checkVideo(h.services.bins, fitted, { width: 540, height: 960, fps: 30, durationSec: duration, loudnessI: -14, loudnessTolerance: 1.5, truePeakMax: -1 });
    expect(qa.problems).toEqual([]);
  });
});
