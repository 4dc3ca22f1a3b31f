import { join } from 'node:path';
import { renameSync } from 'node:fs';
import type { RenderStep } from '../context';
import { buildRenderArgs } from '../graph/args';
import { buildAudioGraph } from '../graph/audio';
import { buildVideoGraph, escapeFilterValue, framesFor } from '../graph/video';
import { runFfmpeg } from '../ffmpeg';
import { readTimeline } from './ttsGenerate';

/**
 * Loudness target (EBU R128 integrated) and the limiter's true-peak ceiling. The ceiling sits
 * 1 dB under the −1 dBTP platforms ask for: AAC encoding adds up to ~0.6 dB of inter-sample
 * peaks after the limiter (QA caught −0.9 dBTP with a −1.5 ceiling).
 */
export const LOUDNESS = { I: -14, TP: -2 };

/**
 * ffmpeg_render: one ffmpeg pass — stills looped in the graph with their motion, captions burned
 * in, voice over ducked music, loudness-normalised — written to a temporary file and renamed,
 * so a half-written video never counts as done. Progress comes from ffmpeg's own report.
 */
export const ffmpegRender: RenderStep = {
  name: 'ffmpeg_render',
  weight: 20,
  timeoutMs: 30 * 60_000,
  inputs: (job, o, s) => ({ o: [o.tts_generate, o.images_generate, o.captions_build, o.music_build], effects: job.plan.scenes.map((x) => x.effectPreset), format: s.format, zoom: s.zoom }),
  files: (o) => [String(o.mp4Path)],
  async run(job, h) {
    const { services } = h;
    const { format } = services;
    const timeline = readTimeline(String(h.outputs.tts_generate?.timelinePath));
    const images = h.outputs.images_generate?.images as string[];
    const assPath = String(h.outputs.captions_build?.assPath);
    const fontsDir = String(h.outputs.captions_build?.fontsDir);
    const frames = framesFor(timeline.scenes.map((s) => s.end - s.start), format.fps);
    const totalSec = frames.reduce((a, b) => a + b, 0) / format.fps;
    const video = buildVideoGraph({
      width: format.width,
      height: format.height,
      fps: format.fps,
      scenes: job.plan.scenes.map((s, i) => ({ effectPreset: s.effectPreset, frames: frames[i]! })),
      assFilterArg: `filename=${escapeFilterValue(assPath)}:fontsdir=${escapeFilterValue(fontsDir)}`,
      zoom: services.zoom,
    });
    const audio = buildAudioGraph({ voiceInput: images.length, musicInput: images.length + 1, totalSec, musicGain: 0.28, loudnessI: LOUDNESS.I, truePeak: LOUDNESS.TP });
    const mp4Path = join(job.dir, 'video.mp4');
    const partial = join(job.dir, 'video.partial.mp4');
    const args = buildRenderArgs({
      images,
      voicePath: String(h.outputs.tts_generate?.voicePath),
      musicPath: String(h.outputs.music_build?.musicPath),
      filterGraph: `${video};${audio}`,
      totalSec,
      output: partial,
      encode: { preset: format.preset, crf: format.crf, fps: format.fps, audioBitrate: '192k' },
    });
    const started = Date.now();
    await runFfmpeg(services.bins.ffmpeg, args, {
      signal: h.signal,
      timeoutMs: this.timeoutMs,
      onProgress: (sec) => h.progress(Math.min(0.99, sec / totalSec)),
      onPeakRss: services.onFfmpegPeakRss,
    });
    renameSync(partial, mp4Path);
    const wall = (Date.now() - started) / 1000;
    h.log(`Rendered ${totalSec.toFixed(1)} s of ${format.width}x${format.height} video in ${wall.toFixed(1)} s.`);
    return { mp4Path, durationSec: totalSec, renderWallSec: wall };
  },
};
