import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBinaries } from '../../../pipeline/render/binaries';
import { buildSegmentArgs } from '../../../pipeline/render/graph/args';
import { sceneCuts } from '../../../pipeline/render/graph/segments';
import { buildMotionFilter, frameSetExpr, motionChangeFrames, sourceSize } from '../../../pipeline/render/graph/motion';
import { buildVideoGraph, escapeFilterValue, type VideoScene } from '../../../pipeline/render/graph/video';
import { buildAss } from '../../../pipeline/render/captions/ass';
import { assEventTimings, captionChangeFrames } from '../../../pipeline/render/captions/changes';
import { ensureFontsDir } from '../../../pipeline/render/steps/captionsBuild';
import { getPack } from '../../../pipeline/plan/packs';

// Renders single moving scenes with the real graph and follows two white squares drawn on the
// still — one at its centre, one off to the side — frame by frame through the decoded output.
// Runs on every ffmpeg here: the one the renderer picks and the npm-shipped 4.x build.
const PRESETS = ['static', 'slow_zoom_in', 'pan_left', 'fade', 'tilt_up', 'flash_cut', 'slow_zoom_out', 'glitch', 'pan_right', 'tilt_down'];
const W = 180;
const H = 320;
const FRAMES = 90;
const npmPath = (pkg: string) => (createRequire(import.meta.url)(pkg) as { path: string }).path;
const npmFfmpeg = npmPath('@ffmpeg-installer/ffmpeg');
const ffprobeOf = new Map([[npmFfmpeg, npmPath('@ffprobe-installer/ffprobe')], [findBinaries().ffmpeg, findBinaries().ffprobe]]);
const ffmpegs = [...ffprobeOf.keys()];

let dir: string;
let still: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'shortsmith-motion-'));
  still = join(dir, 'still.png');
  // 360x640: a 12 px square centred on (180, 320) and another centred on (280, 500).
  execFileSync(npmFfmpeg, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=0x303030:s=360x640',
    '-vf', 'drawbox=x=174:y=314:w=12:h=12:c=white:t=fill,drawbox=x=274:y=494:w=12:h=12:c=white:t=fill', '-frames:v', '1', still]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Decoded grey frames of one scene moved by `preset`. */
function render(ffmpeg: string, preset: string): Uint8Array[] {
  const graph = buildVideoGraph({ width: W, height: H, fps: 30, scenes: [{ effectPreset: preset, frames: FRAMES }], assFilterArg: null });
  const raw = execFileSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-i', still, '-filter_complex', graph, '-map', '[vout]',
    '-r', '30', '-frames:v', String(FRAMES), '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], { maxBuffer: 64 * 1024 * 1024 });
  const size = W * H;
  expect(raw.length).toBe(size * FRAMES);
  return Array.from({ length: FRAMES }, (_, i) => raw.subarray(i * size, (i + 1) * size));
}

/** Brightness-weighted centre of the square found within `r` px of (x, y). */
function centroid(frame: Uint8Array, x: number, y: number, r = 12): { x: number; y: number } {
  let sum = 0;
  let sx = 0;
  let sy = 0;
  for (let j = Math.max(0, Math.round(y) - r); j <= Math.min(H - 1, Math.round(y) + r); j++) {
    for (let i = Math.max(0, Math.round(x) - r); i <= Math.min(W - 1, Math.round(x) + r); i++) {
      const v = Math.max(0, frame[j * W + i]! - 60);
      sum += v;
      sx += v * i;
      sy += v * j;
    }
  }
  return { x: sx / sum, y: sy / sum };
}

/** Follows both squares through the frames (each search starts where the square last was). */
function track(frames: Uint8Array[], offsetStart: { x: number; y: number }) {
  let side = offsetStart;
  return frames.map((f) => {
    const centre = centroid(f, (W - 1) / 2, (H - 1) / 2);
    side = centroid(f, side.x, side.y);
    return { centre, spread: Math.hypot(side.x - centre.x, side.y - centre.y) };
  });
}

describe.each(ffmpegs)('motion on %s', (ffmpeg) => {
  it.each(['slow_zoom_in', 'slow_zoom_out'])('%s stays centred and changes size smoothly, one way', (preset) => {
    // The still is fitted to 208x368 (1.15× the frame), then scaled: at zoom 1 (the whole still
    // in view, 360 → 180 px) the side square sits (100, 180) × 0.5 from the centre.
    const zoomIn = preset === 'slow_zoom_in';
    const k = zoomIn ? 0.5 : 0.5 * (208 / W);
    const points = track(render(ffmpeg, preset), { x: (W - 1) / 2 + 100 * k, y: (H - 1) / 2 + 180 * k });
    for (const p of points) {
      expect(Math.abs(p.centre.x - (W - 1) / 2)).toBeLessThan(0.3);
      expect(Math.abs(p.centre.y - (H - 1) / 2)).toBeLessThan(0.3);
    }
    const spreads = points.map((p) => p.spread);
    const first = spreads[0]!;
    const last = spreads[spreads.length - 1]!;
    expect(zoomIn ? last / first : first / last).toBeGreaterThan(1.12);
    expect(zoomIn ? last / first : first / last).toBeLessThan(1.18);
    for (let n = 1; n < spreads.length; n++) {
      const step = (spreads[n]! - spreads[n - 1]!) * (zoomIn ? 1 : -1);
      // Never backwards, never a jump: at most one 2-px size step (~1 px here) per frame.
      expect(step).toBeGreaterThan(-0.05);
      expect(step).toBeLessThan(1.6);
    }
    // Eased: slower over the first and last tenth than in the middle.
    const move = (a: number, b: number) => Math.abs(spreads[b]! - spreads[a]!);
    expect(move(0, 9)).toBeLessThan(move(40, 49) / 2);
    expect(move(80, 89)).toBeLessThan(move(40, 49) / 2);
  });

  /**
   * Real captions over `scenes` (word-by-word events, on-screen labels fading in and out), and a
   * renderer of a run of scenes starting at frame `at` of that video, as raw 4:2:0 frames.
   */
  function captioned(scenes: VideoScene[]) {
    let t = 0;
    const timed = scenes.map((s, i) => ({ start: t, end: (t += s.frames / 30), onScreenText: `SCENE ${i}`, effectPreset: s.effectPreset }));
    const words = 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen'.split(' ')
      .map((word, i) => ({ word, start: 0.13 + i * 0.41, end: 0.13 + i * 0.41 + 0.37 }));
    const ass = buildAss({ width: W, height: H, style: getPack('facts').captionStyle, families: { caption: 'Montserrat ExtraBold', display: 'Anton' }, scenes: timed, words });
    const assPath = join(dir, 'c.ass');
    writeFileSync(assPath, ass);
    const assFilterArg = `filename=${escapeFilterValue(assPath)}:fontsdir=${escapeFilterValue(ensureFontsDir(dir))}`;
    const captionFrames = captionChangeFrames(assEventTimings(ass), 30, 0, scenes.reduce((n, s) => n + s.frames, 0));
    const raw = (part: VideoScene[], at: number, frames?: number[]) => execFileSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', ...part.flatMap(() => ['-i', still]),
      '-filter_complex', buildVideoGraph({ width: W, height: H, fps: 30, scenes: part, assFilterArg, captionFrames: frames, startFrame: at, opensVideo: at === 0 }),
      '-map', '[vout]', '-vsync', '0', '-r', '30', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-'], { maxBuffer: 64 * 1024 * 1024 });
    return { assFilterArg, captionFrames, raw };
  }

  it('moving and captioning only the frames that change gives the same frames as doing every one', () => {
    // Every preset, with the flash and glitch overlays. A frame too many or too few would shift
    // what follows.
    const scenes = PRESETS.map((effectPreset, i) => ({ effectPreset, frames: 19 + 7 * (i % 3) }));
    const { assFilterArg, captionFrames, raw } = captioned(scenes);
    // The second part of the video, so the captions' offset is exercised too.
    const [first, second] = [scenes.slice(0, 4), scenes.slice(4)];
    const startFrame = first.reduce((n, s) => n + s.frames, 0);
    for (const [part, at] of [[first, 0], [second, startFrame]] as const) {
      const sparseGraph = buildVideoGraph({ width: W, height: H, fps: 30, scenes: part, assFilterArg, captionFrames, startFrame: at });
      expect(sparseGraph.match(/select='/g)?.length).toBeGreaterThanOrEqual(2);
      const skipped = raw(part, at, captionFrames);
      const frames = part.reduce((n, s) => n + s.frames, 0);
      expect(skipped.length).toBe((W * H * 3 / 2) * frames);
      expect(skipped.equals(raw(part, at))).toBe(true);
    }
  });

  it('a scene split between two parts moves and captions exactly as the whole scene does', () => {
    // The piece after the cut carries on from the scene's frame 21: zoom size, pan position,
    // glitch phase and captions; the `fade` dip stays with the first piece.
    const scenes = PRESETS.map((effectPreset) => ({ effectPreset, frames: 50 }));
    const { captionFrames, raw } = captioned(scenes);
    let at = 0;
    for (const scene of scenes) {
      const whole = raw([scene], at, captionFrames);
      const head = raw([{ ...scene, frames: 21, from: 0, sceneFrames: 50 }], at, captionFrames);
      const tail = raw([{ ...scene, frames: 29, from: 21, sceneFrames: 50 }], at + 21, captionFrames);
      expect(whole.length, scene.effectPreset).toBe((W * H * 3 / 2) * 50);
      expect(Buffer.concat([head, tail]).equals(whole), scene.effectPreset).toBe(true);
      at += scene.frames;
    }
  });

  it('a full-size zoom of ~9 s (145 size steps) runs and keeps its frame count', () => {
    // Small test renders have few size steps; this is the length where a long select expression
    // once broke ffmpeg 5. Grey frames at the frame size stand in for the fitted still.
    const frames = 261;
    const spec = { width: 1080, height: 1920, fps: 30, frames, id: 'z' };
    const zoom = `select='${frameSetExpr(motionChangeFrames('slow_zoom_in', spec)!)}',${buildMotionFilter('slow_zoom_in', spec)},fps=30,trim=end_frame=${frames}`;
    const crc = execFileSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `color=c=gray:s=1080x1920:r=30,trim=end_frame=${frames}`,
      '-filter_complex', `[0:v]format=gray,settb=1/30,setpts=N,${zoom}`, '-f', 'framecrc', '-']).toString();
    const lines = crc.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(lines).toHaveLength(frames);
    // Each frame is the 1080x1920 crop (grey: one byte a pixel).
    expect(lines.every((l) => l.split(',')[4]!.trim() === String(1080 * 1920))).toBe(true);
  });

  it.each(['pan_left', 'tilt_down', 'pan_right', 'tilt_up'])('a full-size %s moved on its change frames only gives every frame as moving each one', (preset) => {
    // The crop's rounding, reproduced to find the frames where it moves, is checked here at the
    // real size, in 4:2:0 as rendered: a detailed picture cropped every frame vs only on those
    // frames, then repeated.
    const frames = 240;
    const spec = { width: 1080, height: 1920, fps: 30, frames, id: 'p' };
    const src = sourceSize(preset, 1080, 1920);
    const crcs = (tail: string) => execFileSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=s=${src.width}x${src.height}:r=30`,
      '-filter_complex', `[0:v]trim=end_frame=1,format=yuv420p,loop=loop=${frames - 1}:size=1:start=0,settb=1/30,setpts=N,${buildMotionFilter(preset, spec)}${tail}`,
      '-vsync', '0', '-f', 'framecrc', '-']).toString().split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(',').at(-1)!.trim());
    const changes = motionChangeFrames(preset, spec)!;
    expect(changes.length).toBeLessThan(frames * 0.85);
    const every = crcs('');
    expect(every).toHaveLength(frames);
    expect(crcs(`,select='${frameSetExpr(changes)}',fps=30,trim=end_frame=${frames}`)).toEqual(every);
  });

  it('puts a keyframe on the first frame of every scene (graph read from a file)', () => {
    const scenes = [{ effectPreset: 'static', frames: 20 }, { effectPreset: 'pan_left', frames: 17 }, { effectPreset: 'slow_zoom_in', frames: 23 }];
    const out = join(dir, 'part.mp4');
    // The graph goes through a file here, as long ones do (the render test passes it inline).
    const graphFile = join(dir, 'part.graph');
    const filterGraph = buildVideoGraph({ width: W, height: H, fps: 30, scenes, assFilterArg: null });
    writeFileSync(graphFile, filterGraph);
    const args = buildSegmentArgs({
      images: scenes.map(() => still), filterGraph, graphFile, frames: 60,
      cuts: sceneCuts(scenes), output: out, encode: { preset: 'superfast', crf: 21, fps: 30, audioBitrate: '192k', threads: 1 },
    });
    expect(args).toContain('-filter_complex_script');
    execFileSync(ffmpeg, args.filter((a) => a !== 'pipe:1' && a !== '-progress'));
    const probe = execFileSync(ffprobeOf.get(ffmpeg)!, ['-v', 'error', '-select_streams', 'v', '-show_entries', 'frame=key_frame,pts_time', '-of', 'csv=p=0', out]).toString();
    const keyframes = probe.split('\n').map((l) => l.split(',')).filter(([key]) => key === '1').map(([, t]) => Math.round(Number(t) * 30));
    expect(keyframes).toEqual([0, 20, 37]);
  });

  it('pan_right travels evenly across the whole source', () => {
    // Fitted to 216x384: 36 px to travel, centre square starting 18 px right of the frame centre.
    const frames = render(ffmpeg, 'pan_right');
    let x = (W - 1) / 2 + 18;
    const path = frames.map((f) => (x = centroid(f, x, (H - 1) / 2).x));
    expect(path[0]! - path[FRAMES - 1]!).toBeCloseTo(36, 0);
    for (let n = 1; n < FRAMES; n++) {
      const step = path[n - 1]! - path[n]!;
      expect(step).toBeGreaterThan(-0.05);
      expect(step).toBeLessThanOrEqual(2.05);
    }
    // Even: each third of the scene covers a third of the way (±2 px).
    expect(Math.abs(path[0]! - path[30]! - 12)).toBeLessThanOrEqual(2);
    expect(Math.abs(path[30]! - path[60]! - 12)).toBeLessThanOrEqual(2);
  });
});
