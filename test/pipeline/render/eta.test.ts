import { describe, expect, it } from 'vitest';
import { EtaEstimator, expectedStepSeconds } from '../../../pipeline/render/eta';

const OFFLINE = { voice: 'offline', transcribes: false, images: 'offline' };
import type { PipelineStep } from '../../../db/json';

const STEPS: PipelineStep[] = ['tts_generate', 'asr_align', 'images_generate', 'captions_build', 'music_build', 'ffmpeg_render', 'finalize_artifacts'];

describe('render ETA', () => {
  it('expects about what the bench measures offline on two cores', () => {
    const total = (length: number, scenes: number) => STEPS.reduce((s, st) => s + expectedStepSeconds(st, length, scenes, OFFLINE), 0);
    // `npm run bench`: 60 s (9 scenes) ~15 s end to end, 180 s (17 scenes) ~35-38 s.
    expect(total(60, 9)).toBeGreaterThan(12);
    expect(total(60, 9)).toBeLessThan(18);
    expect(total(180, 17)).toBeGreaterThan(30);
    expect(total(180, 17)).toBeLessThan(42);
    // A render that also makes the chat's copy takes about half as long again.
    expect(expectedStepSeconds('ffmpeg_render', 90, 12, OFFLINE, true) / expectedStepSeconds('ffmpeg_render', 90, 12, OFFLINE)).toBeCloseTo(1.55);
    // With OpenAI the network steps dominate.
    expect(expectedStepSeconds('images_generate', 60, 9, { ...OFFLINE, images: 'openai' })).toBeGreaterThan(expectedStepSeconds('images_generate', 60, 9, OFFLINE) * 10);
  });

  it('extrapolates the running step from its own progress and scales the rest by the machine\'s speed', () => {
    const expected = (s: PipelineStep) => ({ tts_generate: 2, ffmpeg_render: 10, finalize_artifacts: 1 } as Record<string, number>)[s] ?? 0;
    const eta = new EtaEstimator(expected);
    // Before any step has finished: the expected times as they are.
    expect(eta.remaining('tts_generate', 0, 0, ['ffmpeg_render', 'finalize_artifacts'])).toBe(13);
    // Speech took twice as long as expected: this machine is slower, later steps scale by 2.
    eta.finished('tts_generate', 4);
    expect(eta.remaining('ffmpeg_render', 0, 0, ['finalize_artifacts'])).toBe(22);
    // A quarter of the render done in 6 s: 18 s more for it, plus the scaled finalize.
    expect(eta.remaining('ffmpeg_render', 0.25, 6, ['finalize_artifacts'])).toBeCloseTo(20);
    // Never negative, even when a step runs past its estimate.
    expect(eta.remaining('finalize_artifacts', 0, 60, [])).toBe(0);
  });
});
