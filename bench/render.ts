import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../core/config';
import { makeLogger } from '../core/logger';
import { openDatabase } from '../db/client';
import { getRun, queueRunForPlan } from '../db/repos/runs';
import { parseProjectOptions } from '../pipeline/plan/input';
import { makeOfflinePlanner } from '../pipeline/plan/offline/offlinePlanner';
import { chooseHook, startProject } from '../pipeline/plan/service';
import { executeRun } from '../pipeline/render/execute';
import { runFfmpeg } from '../pipeline/render/ffmpeg';
import { launcher } from '../pipeline/render/launcher';
import { buildRenderArgs } from '../pipeline/render/graph/args';
import { sceneCuts } from '../pipeline/render/graph/segments';
import { buildAudioGraph, type MasterPlan } from '../pipeline/render/graph/audio';
import { buildVideoGraph, framesFor } from '../pipeline/render/graph/video';
import { makeRenderServices } from '../pipeline/render/services';
import { readTimeline } from '../pipeline/render/steps/ttsGenerate';
import { burnedInCaptions, encodeSettings, MUSIC_GAIN } from '../pipeline/render/steps/ffmpegRender';
import { pictureBreakdown } from './breakdown';

const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;

/** CPU seconds a process has used (all threads) with its finished children. */
function cpuOf(pid: number | 'self'): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14-17 (utime, stime, cutime, cstime) sit at 11-14 after the command name.
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(f[i]), 0) / 100;
}

/** CPU seconds used so far by this process, the process launcher and the ffmpegs it has run. */
function cpuSeconds(): number {
  const helper = launcher.helperPid;
  return cpuOf('self') + (helper ? cpuOf(helper) : 0);
}

/** One render's wall times (seconds): the whole run, its ffmpeg_render step, the floor. */
export interface RenderBench {
  totalSec: number;
  renderSec: number;
  floorSec: number;
}

/**
 * Renders one video offline at full size from a cold cache and prints per-step wall time, the
 * realtime factor, peak memory and file size, plus the encoder floor (same stills and audio, no
 * motion, no captions) measured right after, so the overhead reads as a ratio.
 */
export async function benchRender(lengthSec: 60 | 180, topic: string, niche: string, opts: { breakdown?: boolean } = {}): Promise<RenderBench> {
  const dataDir = mkdtempSync(join(tmpdir(), 'shortsmith-bench-render-'));
  const config = loadConfig({ ...process.env, DATA_DIR: dataDir, DATABASE_URL: undefined, OPENAI_API_KEY: undefined });
  const db = await openDatabase(config.database.url);
  let ffmpegPeak = 0;
  const tServices = performance.now();
  const services = { ...(await makeRenderServices(config, db.prisma, makeLogger('warn'))), onFfmpegPeakRss: (b: number) => (ffmpegPeak = Math.max(ffmpegPeak, b)) };
  try {
    const deps = { db: db.prisma, planner: makeOfflinePlanner() };
    const draft = await startProject(deps, { platform: 'bench', chatId: 'b', ownerUserId: 'b' }, parseProjectOptions({ topic, niche, length: lengthSec }));
    const { project, plan } = await chooseHook(deps, draft.project.id, 0);
    const run = await queueRunForPlan(db.prisma, { projectId: project.id, planVersionId: plan.id, requestedByUserId: 'b' });
    // A worker process starts its threads and engines once, when it starts (as `shortsmith start`
    // does); the run is timed on a warm worker, and the start-up is reported on its own.
    await services.warm;
    const warmSec = (performance.now() - tServices) / 1000;
    const steps: [string, number, number, number][] = [];
    let cpuMark = cpuSeconds();
    let selfMark = process.cpuUsage();
    const t0 = performance.now();
    const outputs = await executeRun(services, run.id, {
      signal: new AbortController().signal,
      onStepDone: (s, sec) => {
        const now = cpuSeconds();
        const self = process.cpuUsage(selfMark);
        steps.push([s, sec, now - cpuMark, (self.user + self.system) / 1e6]);
        cpuMark = now;
        selfMark = process.cpuUsage();
      },
    });
    const total = (performance.now() - t0) / 1000;
    const done = await getRun(db.prisma, run.id);
    const videoSec = Number(outputs.ffmpeg_render?.durationSec);
    const size = statSync(String(done.artifacts.mp4Path)).size;

    // Encoder floor: the same stills, frames and audio mix; no motion, no captions.
    const timeline = readTimeline(String(outputs.tts_generate?.timelinePath));
    const images = outputs.images_generate?.images as string[];
    const frames = framesFor(timeline.scenes.map((s) => s.end - s.start), 30);
    const master = outputs.ffmpeg_render?.soundtrack as MasterPlan;
    const floorScenes = frames.map((f) => ({ effectPreset: 'static', frames: f }));
    const floorGraph = `${buildVideoGraph({ width: config.render.width, height: config.render.height, fps: 30, scenes: floorScenes, assFilterArg: null, motion: false })};${buildAudioGraph({ voiceInput: images.length, musicInput: images.length + 1, totalSec: videoSec, musicGain: MUSIC_GAIN, master })}`;
    const floorArgs = buildRenderArgs({
      images, voicePath: String(outputs.tts_generate?.voicePath), musicPath: String(outputs.music_build?.musicPath), filterGraph: floorGraph,
      totalSec: videoSec, output: join(dataDir, 'floor.mp4'), cuts: sceneCuts(floorScenes), encode: encodeSettings(services.format),
    });
    // Twice, averaged: a shared machine drifts by several percent from one run to the next.
    const floors: number[] = [];
    const floorCpu0 = cpuSeconds();
    for (let i = 0; i < 2; i++) {
      const t1 = performance.now();
      await runFfmpeg(services.bins.ffmpeg, floorArgs);
      floors.push((performance.now() - t1) / 1000);
    }
    const floor = (floors[0]! + floors[1]!) / 2;
    // One ffmpeg keeps the cores less busy than the render's parallel parts: shown so the ratio
    // can be read as work (CPU) and as layout (how busy the cores are).
    const floorCpu = (cpuSeconds() - floorCpu0) / 2;
    const renderStep = steps.find(([s]) => s === 'ffmpeg_render')?.[1] ?? 0;

    console.log(`\n# render ${lengthSec} s target (${plan.scenes.length} scenes, ${niche}) → ${videoSec.toFixed(1)} s video, ${config.render.width}x${config.render.height}, x264 ${config.render.preset} crf ${config.render.crf}, ffmpeg ${services.bins.source}`);
    console.log(`  (worker start-up, once per process: ${warmSec.toFixed(2)} s, not in the total)`);
    for (const [s, sec, cpu, self] of steps) console.log(`  ${s.padEnd(20)} ${sec.toFixed(2).padStart(7)} s   cpu ${cpu.toFixed(1).padStart(5)} s (${sec > 0.05 ? Math.round((100 * cpu) / sec) : 0}%; this process ${self.toFixed(1)} s)`);
    console.log(`  ${'total'.padEnd(20)} ${total.toFixed(2).padStart(7)} s   realtime factor ${(videoSec / total).toFixed(2)}x`);
    console.log(`  encoder floor        ${floor.toFixed(2).padStart(7)} s   cpu ${floorCpu.toFixed(1).padStart(5)} s (${Math.round((100 * floorCpu) / floor)}%; mean of ${floors.map((f) => f.toFixed(2)).join(' and ')} s)   total/floor ${(total / floor).toFixed(2)}   ffmpeg_render/floor ${(renderStep / floor).toFixed(2)}`);
    console.log(`  peak RSS node ${mib(process.resourceUsage().maxRSS * 1024)}, ffmpeg ${mib(ffmpegPeak)} · file ${mib(size)} (${((size * 8) / videoSec / 1e6).toFixed(1)} Mb/s)`);
    if (opts.breakdown) {
      const scenes = frames.map((f, i) => ({ effectPreset: plan.scenes[i]!.effectPreset, frames: f }));
      const totalFrames = frames.reduce((a, b) => a + b, 0);
      const cpu = await pictureBreakdown({
        ffmpeg: services.bins.ffmpeg, dir: dataDir, width: services.format.width, height: services.format.height, fps: services.format.fps, images, scenes,
        ...burnedInCaptions(outputs.captions_build ?? {}, services.format.fps, totalFrames),
        encode: encodeSettings(services.format), cpuSeconds,
      });
      const renderCpu = steps.find(([s]) => s === 'ffmpeg_render')?.[2] ?? 0;
      const ms = (sec: number) => `${((1000 * sec) / totalFrames).toFixed(2)} ms/frame`;
      console.log(`  the picture alone, one process, one thread (CPU s): floor ${cpu.floor.toFixed(1)} (${ms(cpu.floor)}) · +captions ${(cpu.captions - cpu.floor).toFixed(1)} · +motion ${(cpu.motion - cpu.floor).toFixed(1)} · both ${cpu.full.toFixed(1)} (+${(cpu.full - cpu.floor).toFixed(1)}, ${ms(cpu.full)})`);
      console.log(`  ffmpeg_render used ${renderCpu.toFixed(1)} CPU s: ${(renderCpu - cpu.full).toFixed(1)} more than that picture (soundtrack passes, process starts, parts); ${(cpu.full / 2).toFixed(1)} s of wall on two cores is the picture's own floor`);
    }
    return { totalSec: total, renderSec: renderStep, floorSec: floor };
  } finally {
    await services.pool.close();
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
