import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runFfmpeg } from '../pipeline/render/ffmpeg';
import { buildSegmentArgs, GRAPH_IN_FILE_OVER, type EncodeSettings } from '../pipeline/render/graph/args';
import { sceneCuts } from '../pipeline/render/graph/segments';
import { buildVideoGraph, type VideoScene } from '../pipeline/render/graph/video';

export interface BreakdownInput {
  ffmpeg: string;
  dir: string;
  width: number;
  height: number;
  fps: number;
  images: string[];
  scenes: VideoScene[];
  assFilterArg: string;
  captionFrames: number[];
  encode: EncodeSettings;
  /** CPU seconds used so far by this process and every ffmpeg it has run. */
  cpuSeconds: () => number;
}

/**
 * What the picture itself costs, apart from how the render lays the work out: the whole video's
 * picture as one part on one thread (filters and x264 each), four ways — the floor's stills,
 * with captions, with motion, with both — in CPU seconds (the lower of two rounds). The
 * differences are the work motion and captions add, whatever the machine; the render's
 * ffmpeg_render step minus `full` is the soundtrack, the process starts and the cost of
 * splitting into parts.
 */
export async function pictureBreakdown(b: BreakdownInput): Promise<Record<'floor' | 'captions' | 'motion' | 'full', number>> {
  const total = b.scenes.reduce((n, s) => n + s.frames, 0);
  const still = b.scenes.map((s) => ({ ...s, effectPreset: 'static' }));
  const variants = {
    floor: { scenes: still, assFilterArg: null, motion: false },
    captions: { scenes: still, assFilterArg: b.assFilterArg, captionFrames: b.captionFrames },
    motion: { scenes: b.scenes, assFilterArg: null },
    full: { scenes: b.scenes, assFilterArg: b.assFilterArg, captionFrames: b.captionFrames },
  };
  const cpu = { floor: Infinity, captions: Infinity, motion: Infinity, full: Infinity };
  // Two rounds, interleaved, keeping each variant's lower figure: a shared machine's slow spells
  // only ever add time, and one of them within a round would otherwise turn a difference around.
  for (let round = 0; round < 2; round++) for (const [name, v] of Object.entries(variants) as [keyof typeof cpu, (typeof variants)[keyof typeof variants]][]) {
    const graph = buildVideoGraph({ width: b.width, height: b.height, fps: b.fps, ...v, opensVideo: true, closesVideo: true });
    const graphFile = graph.length > GRAPH_IN_FILE_OVER ? join(b.dir, `breakdown-${name}.graph`) : undefined;
    if (graphFile) writeFileSync(graphFile, graph);
    const args = buildSegmentArgs({
      images: b.images, filterGraph: graph, graphFile, frames: total, cuts: sceneCuts(v.scenes), output: join(b.dir, `breakdown-${name}.mp4`), encode: { ...b.encode, threads: 1 },
    });
    const before = b.cpuSeconds();
    await runFfmpeg(b.ffmpeg, args);
    cpu[name] = Math.min(cpu[name], b.cpuSeconds() - before);
  }
  return cpu;
}
