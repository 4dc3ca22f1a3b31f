import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRun } from '../../../db/repos/runs';
import { executeRun } from '../../../pipeline/render/execute';
import { isFinishedPart, runDir } from '../../../pipeline/render/files';
import { checkVideo } from '../../../pipeline/render/qa';
import { RenderRunner, requestCancel, retryRun } from '../../../pipeline/render/runner';
import { createShortPlan, makeRenderHarness, queueShortRun, type RenderHarness } from '../../support/render';

let h: RenderHarness;
beforeAll(async () => {
  h = await makeRenderHarness({ RENDER_SIZE: '540x960' });
});
afterAll(async () => {
  await h.dispose();
});

const LONG_SCENES = [
  { narrationText: 'Octopuses have three hearts, and each one has a different job to do in the deep.', onScreenText: 'THREE', effectPreset: 'slow_zoom_in' },
  { narrationText: 'Two of them push blood through the gills, where it picks up oxygen from the water.', onScreenText: 'GILLS', effectPreset: 'pan_left' },
  { narrationText: 'The third sends that blood around the body, and it even stops while they swim.', onScreenText: 'BODY', effectPreset: 'slow_zoom_out' },
];

/** Processes whose command line mentions `needle` (ffmpeg children of a run). */
function processesMentioning(needle: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('cancel, crash and retry', () => {
  it('cancel stops a render within a second, kills ffmpeg and removes partial output', async () => {
    const run = await queueShortRun(h, LONG_SCENES);
    const runner = new RenderRunner(h.services, { pollMs: 100 });
    const canceled = new Promise<number>((resolve) => runner.on('canceled', () => resolve(Date.now())));
    const encoding = new Promise<void>((resolve) => runner.on('progress', (e) => e.step === 'ffmpeg_render' && e.percent > 66 && resolve()));
    await runner.start();
    try {
      await encoding;
      const dir = runDir(h.dataDir, run.id);
      // The encoders start moments after the step does.
      let encoders: number[] = [];
      for (let i = 0; i < 100 && !encoders.length; i++) {
        await new Promise((r) => setTimeout(r, 20));
        encoders = processesMentioning(dir);
      }
      expect(encoders.length).toBeGreaterThan(0);
      // ffmpeg runs at background priority (niceness is field 19 of /proc/<pid>/stat).
      const niceness = encoders.flatMap((pid) => {
        try {
          return [Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16])];
        } catch {
          return []; // exited meanwhile
        }
      });
      expect(niceness.length).toBeGreaterThan(0);
      expect(niceness.every((n) => n === 10)).toBe(true);
      const asked = Date.now();
      expect(await requestCancel(h.services, run.id, runner)).toBe('stopping');
      expect((await canceled) - asked).toBeLessThan(1000);
      // The encoders are killed, not left to finish: gone within moments (a loaded machine reaps
      // them a little later, so this waits up to two seconds rather than timing the kill).
      for (let i = 0; i < 100 && processesMentioning(dir).length; i++) await new Promise((r) => setTimeout(r, 20));
      expect(processesMentioning(dir)).toEqual([]);
      expect(existsSync(join(dir, 'video.partial.mp4'))).toBe(false);
      expect(readdirSync(dir).filter((f) => isFinishedPart(f) || f.includes('.partial.'))).toEqual([]);
      const after = await getRun(h.db.prisma, run.id);
      expect(after.status).toBe('canceled');
      expect((await h.db.prisma.project.findUniqueOrThrow({ where: { id: run.projectId } })).status).toBe('PLAN_READY');
    } finally {
      await runner.stop();
    }
  });

  it('cancels a queued run at once', async () => {
    const run = await queueShortRun(h);
    expect(await requestCancel(h.services, run.id)).toBe('canceled');
    expect((await getRun(h.db.prisma, run.id)).status).toBe('canceled');
    await expect(requestCancel(h.services, run.id)).rejects.toMatchObject({ code: 'not_running' });
  });

  it('a worker killed with SIGKILL mid-render is resumed by the next one without redoing finished steps', async () => {
    const run = await queueShortRun(h, LONG_SCENES);
    const script = join(import.meta.dirname, '../../support/workerProcess.ts');
    const start = () => spawn(process.execPath, ['--import', 'tsx', script, h.dataDir, h.db.url], { env: { ...process.env, RENDER_SIZE: '540x960' }, stdio: ['ignore', 'ignore', 'pipe'] });
    const first = start();
    let finishedEarly: Record<string, string> = {};
    for (let i = 0; i < 600; i++) {
      const r = await getRun(h.db.prisma, run.id);
      if (r.currentStep === 'ffmpeg_render' && r.resumeState.steps.music_build) {
        finishedEarly = Object.fromEntries(Object.entries(r.resumeState.steps).map(([k, v]) => [k, v!.finishedAt]));
        break;
      }
      await new Promise((res) => setTimeout(res, 50));
    }
    expect(Object.keys(finishedEarly)).toEqual(['tts_generate', 'asr_align', 'images_generate', 'captions_build', 'music_build']);
    first.kill('SIGKILL');
    await new Promise((res) => first.on('exit', res));
    expect((await getRun(h.db.prisma, run.id)).status).toBe('running');

    const second = start();
    let stderr = '';
    second.stderr.on('data', (c) => (stderr += c));
    const code = await new Promise<number | null>((res) => second.on('exit', res));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const done = await getRun(h.db.prisma, run.id);
    expect(done.status).toBe('done');
    for (const [step, at] of Object.entries(finishedEarly)) expect(done.resumeState.steps[step as 'tts_generate']?.finishedAt, step).toBe(at);
    expect(done.logs.some((l) => /stopped unexpectedly/.test(l.message))).toBe(true);
    expect(done.attempt).toBe(2);
  });

  it('a render stopped after some video parts keeps them and reuses them when it resumes', async () => {
    const run = await queueShortRun(h, LONG_SCENES);
    const dir = runDir(h.dataDir, run.id);
    const stop = new AbortController();
    // Stop the moment the first part is finished (the other parts are still encoding).
    const watcher = setInterval(() => existsSync(dir) && readdirSync(dir).some(isFinishedPart) && stop.abort(new Error('stop')), 20);
    try {
      await expect(executeRun(h.services, run.id, { signal: stop.signal })).rejects.toThrow();
    } finally {
      clearInterval(watcher);
    }
    const kept = readdirSync(dir).filter(isFinishedPart);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(LONG_SCENES.length);
    expect(readdirSync(dir).filter((f) => f.includes('.partial.'))).toEqual([]);

    const outputs = await executeRun(h.services, run.id, { signal: new AbortController().signal });
    const after = await getRun(h.db.prisma, run.id);
    expect(after.logs.map((l) => l.message)).toContainEqual(expect.stringMatching(new RegExp(`^Reused ${kept.length} of \\d+ video parts`)));
    const qa = await checkVideo(h.services.bins, String(outputs.ffmpeg_render?.mp4Path), { width: 540, height: 960, fps: 30, durationSec: Number(outputs.ffmpeg_render?.durationSec), loudnessI: -14, loudnessTolerance: 1.5, truePeakMax: -1 });
    expect(qa.problems).toEqual([]);
    expect(readdirSync(dir).filter(isFinishedPart)).toEqual([]);
  });

  it('a running worker picks up the runs of a worker that died elsewhere (no restart needed)', async () => {
    const runner = new RenderRunner(h.services, { pollMs: 100, staleAfterMs: 600 });
    await runner.start();
    try {
      // As if another machine claimed a run and then vanished: running, heartbeat long gone. Made
      // in one insert, so this runner never sees it queued (it would claim it itself).
      const ids = await createShortPlan(h);
      await h.db.prisma.project.update({ where: { id: ids.projectId }, data: { status: 'RENDERING' } });
      const run = await h.db.prisma.run.create({ data: { ...ids, requestedByUserId: 'u', status: 'running', claimedBy: 'gone:1', attempt: 1, heartbeatAt: new Date(Date.now() - 60_000) } });
      const done = new Promise<void>((resolve) => runner.on('done', (e) => e.runId === run.id && resolve()));
      await done;
      const after = await getRun(h.db.prisma, run.id);
      expect(after.status).toBe('done');
      expect(after.logs.some((l) => /stopped unexpectedly/.test(l.message))).toBe(true);
    } finally {
      await runner.stop();
    }
  });

  it('retry continues a failed run from the failed step', async () => {
    const run = await queueShortRun(h);
    const runner = new RenderRunner(h.services, { pollMs: 100 });
    const realFfmpeg = h.services.bins.ffmpeg;
    const failed = new Promise<void>((resolve) => runner.on('failed', () => resolve()));
    // Break only the render step: steps before it use ffmpeg through the worker pool, not this binary.
    h.services.bins.ffmpeg = '/nonexistent/ffmpeg';
    await runner.start();
    try {
      await failed;
      const broken = await getRun(h.db.prisma, run.id);
      expect(broken.status).toBe('failed');
      expect(broken.failureReason).toMatch(/Rendering failed/);
      const before = broken.resumeState.steps.images_generate?.finishedAt;
      h.services.bins.ffmpeg = realFfmpeg;
      const done = new Promise<void>((resolve) => runner.on('done', () => resolve()));
      await retryRun(h.services, run.id);
      runner.poke();
      await done;
      const fixed = await getRun(h.db.prisma, run.id);
      expect(fixed.status).toBe('done');
      expect(fixed.resumeState.steps.images_generate?.finishedAt).toBe(before);
    } finally {
      h.services.bins.ffmpeg = realFfmpeg;
      await runner.stop();
    }
  });
});
