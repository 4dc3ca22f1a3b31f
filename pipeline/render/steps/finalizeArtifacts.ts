import { join } from 'node:path';
import { z } from 'zod';
import { hashtagsFor } from '../../plan/topic';
import { creditsLine } from '../footage';
import type { ClipOutput } from './imagesGenerate';
import type { RenderStep } from '../context';
import { writeAtomic } from '../files';
import { checkVideo } from '../qa';
import { LOUDNESS } from './ffmpegRender';
import { readTimeline } from './ttsGenerate';

/** The soundtrack's measurement made by ffmpeg_render (absent in runs rendered before it was). */
const audioMeasure = z.object({ loudnessI: z.number().optional(), truePeak: z.number().optional(), silences: z.number(), packetsDigest: z.string() });

/** The run failed its output checks: the reasons are for people. */
export class QaError extends Error {
  override readonly name = 'QaError';
  constructor(readonly problems: string[]) {
    super(`The video failed its checks: ${problems.join(' ')}`);
  }
}

/**
 * The ready-to-paste post text: hook, a line from the topic, hashtags, and — when scenes are stock
 * footage — who filmed it ("Footage: Pexels (Jane Doe)"). At most 2200 characters (TikTok's limit).
 */
export function captionFor(hook: string, title: string, hashtags: string[], credits = ''): string {
  const tags = hashtags.join(' ');
  return `${hook}\n\n${title}\n\n${credits ? `${tags}\n\n${credits}` : tags}`.slice(0, 2200);
}

/**
 * finalize_artifacts: checks the video (QA), then writes the thumbnail (JPEG), the storyboard
 * (PNG) and export.json (title, caption, hashtags, files, cost). A failed check stops here.
 */
export const finalizeArtifacts: RenderStep = {
  name: 'finalize_artifacts',
  weight: 5,
  timeoutMs: 5 * 60_000,
  inputs: (_job, o) => ({ mp4: o.ffmpeg_render, v: 1 }),
  files: (o) => [String(o.thumbPath), String(o.storyboardPath), String(o.exportJsonPath)],
  async run(job, h) {
    const { services } = h;
    const mp4Path = String(h.outputs.ffmpeg_render?.mp4Path);
    const timeline = readTimeline(String(h.outputs.tts_generate?.timelinePath));
    const images = h.outputs.images_generate?.images as string[];
    const thumbPath = join(job.dir, 'thumbnail.jpg');
    const storyboardPath = join(job.dir, 'storyboard.png');
    const hook = job.plan.hookSelected || job.project.title;
    // The checks read the video while the pictures are drawn on worker threads.
    const [qa, thumb, board] = await Promise.all([
      checkVideo(services.bins, mp4Path, {
        width: services.format.width, height: services.format.height, fps: services.format.fps,
        durationSec: Number(h.outputs.ffmpeg_render?.durationSec ?? timeline.totalSec),
        loudnessI: LOUDNESS.I, loudnessTolerance: 1.5, truePeakMax: -1,
      }, h.signal, audioMeasure.safeParse(h.outputs.ffmpeg_render?.audioQa).data),
      services.pool.run('thumbnail', { image: images[0]!, title: hook, accent: job.pack.palette[2], width: 720, height: 1280 }, h.signal),
      services.pool.run('storyboard', {
        images,
        title: job.project.title,
        labels: job.plan.scenes.map((s, i) => `${(timeline.scenes[i]!.end - timeline.scenes[i]!.start).toFixed(1)}s · ${s.effectPreset}`),
        lines: job.plan.scenes.map((s) => s.narrationText),
      }, h.signal),
    ]);
    if (!qa.ok) throw new QaError(qa.problems);
    h.log(`Checks passed: ${qa.measured.width}x${qa.measured.height} ${qa.measured.fps} fps, ${qa.measured.loudnessI} LUFS, ${(qa.measured.sizeBytes / 2 ** 20).toFixed(1)} MiB.`);
    writeAtomic(thumbPath, thumb);
    writeAtomic(storyboardPath, board);
    h.progress(0.9);
    const hashtags = hashtagsFor(job.project.topic, job.pack);
    const credits = ((h.outputs.images_generate?.clips as (ClipOutput | null)[] | undefined) ?? [])
      .flatMap((c, i) => (c ? [{ scene: i + 1, provider: c.provider, id: c.id, author: c.author, ...(c.authorUrl ? { authorUrl: c.authorUrl } : {}), pageUrl: c.pageUrl, licence: c.licence, licenceUrl: c.licenceUrl }] : []));
    const exportJsonPath = join(job.dir, 'export.json');
    writeAtomic(exportJsonPath, JSON.stringify({
      title: job.project.title,
      caption: captionFor(hook, job.project.title, hashtags, creditsLine(credits)),
      hashtags,
      // Each clip's library, author, page and licence (Pexels and Pixabay ask for none; credit is kindly given).
      credits,
      durationSec: qa.measured.durationSec,
      files: { video: mp4Path, thumbnail: thumbPath, storyboard: storyboardPath, captions: h.outputs.captions_build?.srtPath },
      qa: qa.measured,
      projectId: job.project.id,
      runId: job.run.id,
    }, null, 2));
    h.progress(1);
    return { thumbPath, storyboardPath, exportJsonPath, qa: qa.measured };
  },
};
