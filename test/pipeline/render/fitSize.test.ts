import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRun, queueRunForPlan } from '../../../db/repos/runs';
import { executeRun } from '../../../pipeline/render/execute';
import { chatCopyName, chatCopyPlan, fitToLimit, planFit } from '../../../pipeline/render/fitSize';
import { checkVideo } from '../../../pipeline/render/qa';
import { createShortPlan, makeRenderHarness, queueShortRun, type RenderHarness } from '../../support/render';

let h: RenderHarness;
beforeAll(async () => {
  // eSpeak's pacing: the limits below are derived from the short plan's length as it speaks it.
  h = await makeRenderHarness({ RENDER_SIZE: '540x960', VOICE_ENGINE: 'espeak' });
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

  it('plans a chat copy only when the video will surely be over the limit', () => {
    const discord = 10 * 1024 * 1024;
    expect(chatCopyPlan(discord, 60, 1080, 1920)).toBeNull(); // ~8 MiB: fits as it is
    expect(chatCopyPlan(undefined, 180, 1080, 1920)).toBeNull(); // no limit known (Telegram)
    expect(chatCopyPlan(discord, 90, 1080, 1920)).toEqual({ videoKbps: 604, width: 720, height: 1280, limitBytes: discord });
    expect(chatCopyPlan(100_000, 180, 1080, 1920)).toBeNull(); // cannot fit at all: delivery says so
  });

  it('makes the chat copy in the render passes when the chat has a small upload limit', async () => {
    const first = await queueShortRun(h);
    await executeRun(h.services, first.id, { signal: new AbortController().signal });
    const plain = await getRun(h.db.prisma, first.id);
    const duration = Number(plain.resumeState.steps.ffmpeg_render?.outputs.durationSec);
    expect(plain.artifacts.chatCopyPath).toBeUndefined();
    // A limit the full video misses, that the plan still counts as "surely over" and can meet.
    const limit = Math.floor(Math.min(statSync(plain.artifacts.mp4Path!).size * 0.7, duration * 125_000 * 0.9));
    expect(chatCopyPlan(limit, duration, 540, 960)).not.toBeNull();

    const ids = await createShortPlan(h);
    const run = await queueRunForPlan(h.db.prisma, { ...ids, requestedByUserId: 'u', messageRefs: { channelId: 'c', uploadLimit: String(limit) } });
    await executeRun(h.services, run.id, { signal: new AbortController().signal });
    const done = await getRun(h.db.prisma, run.id);
    const copy = done.artifacts.chatCopyPath!;
    expect(copy).toBe(join(dirname(done.artifacts.mp4Path!), chatCopyName(limit)));
    expect(statSync(copy).size).toBeLessThanOrEqual(limit);
    expect(statSync(done.artifacts.mp4Path!).size).toBeGreaterThan(limit);
    const qa = await checkVideo(h.services.bins, copy, { width: 540, height: 960, fps: 30, durationSec: duration, loudnessI: -14, loudnessTolerance: 1.5, truePeakMax: -1 });
    expect(qa.problems).toEqual([]);
    // Delivery takes it as it is: no second encode.
    const before = statSync(copy).mtimeMs;
    expect(await fitToLimit(h.services.bins.ffmpeg, done.artifacts.mp4Path!, limit, duration, 540, 960)).toBe(copy);
    expect(statSync(copy).mtimeMs).toBe(before);
    // Nothing from the parts is left behind.
    expect(existsSync(join(dirname(copy), 'chat.partial.mp4'))).toBe(false);
  });
});
