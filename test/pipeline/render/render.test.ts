import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRun, queueRunForPlan } from '../../../db/repos/runs';
import { editScene } from '../../../pipeline/plan/edit';
import { makeOfflinePlanner } from '../../../pipeline/plan/offline/offlinePlanner';
import { executeRun } from '../../../pipeline/render/execute';
import { RenderRunner } from '../../../pipeline/render/runner';
import { checkVideo } from '../../../pipeline/render/qa';
import { runFfmpeg } from '../../../pipeline/render/ffmpeg';
import { sceneCuts } from '../../../pipeline/render/graph/segments';
import { framesFor } from '../../../pipeline/render/graph/video';
import { findBinaries } from '../../../pipeline/render/binaries';
import { makeRenderHarness, queueShortRun, type RenderHarness } from '../../support/render';

let h: RenderHarness;
beforeAll(async () => {
  h = await makeRenderHarness();
});
afterAll(async () => {
  await h.dispose();
});

describe('render pipeline (small, offline, real ffmpeg)', () => {
  it('renders a checked H.264/AAC video with captions, thumbnail, storyboard and export', async () => {
    const run = await queueShortRun(h);
    const runner = new RenderRunner(h.services, { pollMs: 100 });
    const progress: number[] = [];
    runner.on('progress', (e) => progress.push(e.percent));
    const done = new Promise<string>((resolve) => {
      runner.on('done', () => resolve('done'));
      runner.on('failed', (e) => resolve(e.reason));
    });
    await runner.start();
    try {
      expect(await done).toBe('done');
    } finally {
      await runner.stop();
    }

    const finished = await getRun(h.db.prisma, run.id);
    expect(finished.status).toBe('done');
    expect(finished.progress).toBe(100);
    const project = await h.db.prisma.project.findUniqueOrThrow({ where: { id: run.projectId } });
    expect(project.status).toBe('DONE');
    const a = finished.artifacts;
    for (const p of [a.mp4Path, a.thumbPath, a.storyboardPath, a.srtPath, a.assPath, a.exportJsonPath]) expect(p && existsSync(p), p).toBe(true);

    const qa = await checkVideo(h.services.bins, a.mp4Path!, { width: 270, height: 480, fps: 30, durationSec: JSON.parse(readFileSync(a.exportJsonPath!, 'utf8')).durationSec, loudnessI: -14, loudnessTolerance: 1.5, truePeakMax: -1 });
    expect(qa.problems).toEqual([]);
    expect(qa.measured).toMatchObject({ width: 270, height: 480, fps: 30, videoCodec: 'h264', profile: 'High', pixFmt: 'yuv420p', audioCodec: 'aac', sampleRate: 48000, channels: 2, faststart: true });
    // The soundtrack's gain is corrected for what the limiter takes: on target, not just inside QA's ±1.5 LU.
    expect(Math.abs(qa.measured.loudnessI! + 14)).toBeLessThanOrEqual(0.5);
    expect(qa.measured.truePeak!).toBeLessThanOrEqual(-1);
    // finalize_artifacts took the loudness measured on the soundtrack during the render (the file
    // carries exactly its packets), and it is what decoding the finished file measures.
    const exported = JSON.parse(readFileSync(a.exportJsonPath!, 'utf8')) as { qa: typeof qa.measured; hashtags: string[]; caption: string };
    expect(qa.measured.audioMeasuredFrom).toBe('file');
    expect(exported.qa.audioMeasuredFrom).toBe('soundtrack');
    expect(exported.qa).toMatchObject({ loudnessI: qa.measured.loudnessI, truePeak: qa.measured.truePeak, silences: 0 });

    // Encoded in parallel parts, joined frame-exact (no frame lost or repeated at the seams),
    // and no part or soundtrack file left behind.
    const render = finished.resumeState.steps.ffmpeg_render!.outputs;
    expect(render.parts).toBeGreaterThan(1);
    const { stdout } = await runFfmpeg(h.services.bins.ffprobe, ['-v', 'error', '-count_packets', '-select_streams', 'v', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', a.mp4Path!]);
    expect(Number(stdout.trim())).toBe(Math.round(Number(render.durationSec) * 30));
    expect(readdirSync(dirname(a.mp4Path!)).filter((f) => f.includes('partial') || f.startsWith('piece-'))).toEqual([]);
    // Every scene starts on a keyframe (named for the encoder, not left to its cut detection).
    const timeline = JSON.parse(readFileSync(join(dirname(a.mp4Path!), 'timeline.json'), 'utf8')) as { scenes: { start: number; end: number }[] };
    const cuts = sceneCuts(framesFor(timeline.scenes.map((x) => x.end - x.start), 30).map((frames) => ({ effectPreset: 'static', frames })));
    const probe = await runFfmpeg(h.services.bins.ffprobe, ['-v', 'error', '-select_streams', 'v', '-show_entries', 'frame=key_frame,pts_time', '-of', 'csv=p=0', a.mp4Path!]);
    const keyframes = probe.stdout.split('\n').map((l) => l.split(',')).filter(([key]) => key === '1').map(([, t]) => Math.round(Number(t) * 30));
    expect(cuts.length).toBeGreaterThan(0);
    for (const cut of cuts) expect(keyframes).toContain(cut);

    // Progress rose monotonically to 100 through all seven steps.
    expect(progress.at(-1)).toBe(100);
    expect([...progress].sort((x, y) => x - y)).toEqual(progress);
    expect(finished.logs.map((l) => l.step).filter(Boolean)).toEqual(expect.arrayContaining(['tts_generate', 'ffmpeg_render', 'finalize_artifacts']));

    // Captions show hostile on-screen text literally (escaped), and the SRT has the words.
    const ass = readFileSync(a.assPath!, 'utf8');
    expect(ass).toContain('\\{\\\u2060AN8\\} LITERAL');
    expect(readFileSync(a.srtPath!, 'utf8')).toMatch(/Octopuses have three hearts\./);
    expect(exported.hashtags).toContain('#octopuses');
    expect(exported.caption).toMatch(/#science/);
  });

  it('re-renders after one edited scene by regenerating only that scene’s voice and picture', async () => {
    const run = await queueShortRun(h);
    await executeRun(h.services, run.id, { signal: new AbortController().signal });
    const counts = async () => ({
      tts: await h.db.prisma.cache.count({ where: { kind: 'tts' } }),
      images: await h.db.prisma.cache.count({ where: { kind: 'images' } }),
    });
    const before = await counts();
    const deps = { db: h.db.prisma, planner: makeOfflinePlanner() };
    await h.db.prisma.project.update({ where: { id: run.projectId }, data: { status: 'DONE' } });
    const edited = await editScene(deps, run.projectId, 1, { narrationText: 'Two hearts pump blood through the gills.', onScreenText: 'GILLS', visualPrompt: 'octopus gills, macro photo' });
    const rerun = await queueRunForPlan(h.db.prisma, { projectId: run.projectId, planVersionId: edited.plan.id, requestedByUserId: 'u' }, ['PLAN_READY', 'DONE']);
    await executeRun(h.services, rerun.id, { signal: new AbortController().signal });
    const after = await counts();
    expect(after.tts - before.tts).toBe(1);
    expect(after.images - before.images).toBe(1);
  });

  it('a soundtrack that cannot be measured ahead costs only speed: QA measures the video itself', async () => {
    // ffmpeg as installed, except that it fails the render's early soundtrack measurement (the
    // only call that writes packet checksums) as a broken or older build might.
    const real = findBinaries({ ffmpegPath: process.env.FFMPEG_PATH, ffprobePath: process.env.FFPROBE_PATH });
    const wrapper = join(h.dataDir, 'ffmpeg-without-framehash');
    writeFileSync(wrapper, `#!/bin/sh\nfor a in "$@"; do [ "$a" = framehash ] && { echo "framehash: not here" >&2; exit 1; }; done\nexec '${real.ffmpeg}' "$@"\n`);
    chmodSync(wrapper, 0o755);
    const h2 = await makeRenderHarness({ FFMPEG_PATH: wrapper, FFPROBE_PATH: real.ffprobe });
    try {
      const run = await queueShortRun(h2);
      const outputs = await executeRun(h2.services, run.id, { signal: new AbortController().signal });
      expect(outputs.ffmpeg_render?.audioQa).toBeUndefined();
      const exported = JSON.parse(readFileSync(String(outputs.finalize_artifacts?.exportJsonPath), 'utf8')) as { qa: { audioMeasuredFrom: string; loudnessI: number } };
      expect(exported.qa.audioMeasuredFrom).toBe('file');
      expect(Math.abs(exported.qa.loudnessI + 14)).toBeLessThanOrEqual(0.5);
      const logs = (await getRun(h2.db.prisma, run.id)).logs;
      expect(logs.some((l) => l.level === 'warn' && /could not be measured ahead/.test(l.message))).toBe(true);
    } finally {
      await h2.dispose();
    }
  });
});
