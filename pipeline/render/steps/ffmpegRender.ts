import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import type { RenderJob, RenderServices, RenderStep, StepHelpers } from '../context';
import { buildAudioArgs, buildMixdownArgs, buildMuxArgs, buildSegmentArgs, concatList, GRAPH_IN_FILE_OVER, type EncodeSettings } from '../graph/args';
import { buildMasterGraph, buildMixdownGraph, parseEbur128, planMaster, type MasterPlan, type MixInput } from '../graph/audio';
import { partShares, pieceScenes, planParts, sceneCuts, type Segment } from '../graph/segments';
import { buildVideoGraph, dipFrameCount, escapeFilterValue, framesFor, withChatCopy, type VideoScene } from '../graph/video';
import { assEventTimings, captionChangeFrames } from '../captions/changes';
import { runFfmpeg } from '../ffmpeg';
import { chatPartName, cleanPartials, finishedPartName, hashOf } from '../files';
import { chatCopyName, chatCopyPlan } from '../fitSize';
import { measureAudio } from '../qa';
import { readTimeline } from './ttsGenerate';

/**
 * Loudness target (EBU R128 integrated) and the true-peak ceiling. The ceiling sits 1 dB under
 * the −1 dBTP platforms ask for: AAC encoding adds up to ~0.6 dB of inter-sample peaks.
 */
export const LOUDNESS = { I: -14, TP: -2 };
export const MUSIC_GAIN = 0.28;

/**
 * How the picture is split: a big part per core and a small one per core (`partShares`), cut
 * at frames rather than whole scenes so the shares come out as planned, encoded `lanes` (one per
 * core) at a time, biggest first — the lanes finish together, each ffmpeg having filtered on one
 * thread and encoded on one. Fewer, even parts beat many uneven ones: each ffmpeg costs a start,
 * decoding its stills and a keyframe (six parts of a minute took 1.5-2 CPU-s more than two).
 */
export function partPlan(scenes: VideoScene[], fps: number, cores = availableParallelism()): { parts: Segment[]; lanes: number; threads: number } {
  // A piece is at least a second long, and never cuts into a `fade` scene's dip or the video's
  // opening and closing fades (each part fades only its own frames).
  const parts = planParts(scenes, partShares(cores), { minPiece: Math.max(fps, dipFrameCount(fps)) });
  const lanes = Math.max(1, Math.min(cores, parts.length));
  return { parts, lanes, threads: Math.max(1, Math.round(cores / parts.length)) };
}

/**
 * Mixes voice and music once (metering loudness and true peak on the way), then writes the mix at
 * the loudness target as AAC: a fixed gain, limited only if the peaks need it. Limiting lowers
 * the loudness, so a limited mix is measured again and the gain corrected until it lands within
 * 0.25 LU. Returns the plan applied.
 */
async function masterSoundtrack(services: RenderServices, mix: MixInput & { voicePath: string; musicPath: string | null }, mixdown: string, output: string, encode: EncodeSettings, signal: AbortSignal): Promise<MasterPlan> {
  const ffmpeg = (args: string[]) => runFfmpeg(services.bins.ffmpeg, args, { signal, onPeakRss: services.onFfmpegPeakRss });
  const fromMixdown = (master: MasterPlan, out: string | null) =>
    ffmpeg(buildAudioArgs({ input: mixdown, filterGraph: buildMasterGraph(master, out === null), totalSec: mix.totalSec, output: out, encode }));
  const first = parseEbur128((await ffmpeg(buildMixdownArgs({ voicePath: mix.voicePath, musicPath: mix.musicPath, filterGraph: buildMixdownGraph(mix), wavPath: mixdown }))).stderr);
  let master = planMaster({ I: first.I ?? -Infinity, TP: first.peak ?? 0 }, LOUDNESS);
  // The limiter flattens loudness growth (1 dB more gain adds only ~0.5 LU once peaks are held),
  // so the correction follows the measured slope: a secant step, at most twice.
  let prev: { gain: number; I: number } | null = null;
  for (let round = 0; master.limitDb !== null && master.gainDb !== 0 && round < 2; round++) {
    const I = parseEbur128((await fromMixdown(master, null)).stderr).I;
    if (I === undefined || !Number.isFinite(I) || Math.abs(LOUDNESS.I - I) <= 0.25) break;
    const slope = prev && master.gainDb !== prev.gain ? Math.min(1, Math.max(0.2, (I - prev.I) / (master.gainDb - prev.gain))) : 1;
    prev = { gain: master.gainDb, I };
    master = { ...master, gainDb: Math.round((master.gainDb + Math.min(6, (LOUDNESS.I - I) / slope)) * 100) / 100 };
  }
  await fromMixdown(master, output);
  return master;
}

/** x264 and AAC settings for a render format (the bench's floor encodes with the same). */
export function encodeSettings(format: { preset: string; crf: number; fps: number }): EncodeSettings {
  return { preset: format.preset, crf: format.crf, fps: format.fps, audioBitrate: '192k' };
}

/**
 * The `ass` filter's argument for captions_build's file, and the frames of the video (`total`
 * long) on which the captions change: the other frames repeat the one before unless the picture
 * moves.
 */
export function burnedInCaptions(captions: Record<string, unknown>, fps: number, total: number): { assFilterArg: string; captionFrames: number[] } {
  const assPath = String(captions.assPath);
  return {
    assFilterArg: `filename=${escapeFilterValue(assPath)}:fontsdir=${escapeFilterValue(String(captions.fontsDir))}`,
    captionFrames: captionChangeFrames(assEventTimings(readFileSync(assPath, 'utf8')), fps, 0, total),
  };
}

/** A copy sized for the chat's upload limit, made alongside the video (see `chatCopyPlan`). */
type ChatCopy = NonNullable<ReturnType<typeof chatCopyPlan>>;

interface EncodedPart {
  path: string;
  /** The part's chat-sized picture, when a chat copy is being made. */
  chatPath: string | null;
  durationSec: number;
}

/**
 * Encodes the scenes as parts (each its own ffmpeg: stills looped in the graph with their
 * motion, captions burned in at the part's place in the video), a few at a time, reporting
 * combined progress. `onLaneFree` is called when a lane finds no part left to take (a core is
 * about to idle while the others finish). Returns the parts in video order.
 */
async function encodeParts(job: RenderJob, h: StepHelpers, inputsKey: string, scenes: VideoScene[], images: string[], captions: { assFilterArg: string; captionFrames: number[] }, encode: EncodeSettings, chat: ChatCopy | null, signal: AbortSignal, onLaneFree: () => void): Promise<EncodedPart[]> {
  const { services } = h;
  const { format } = services;
  const plan = partPlan(scenes, format.fps);
  const { parts } = plan;
  // One x264 thread per part when every core has its own part: the same work with less overhead
  // (27.6 vs 29.6 CPU-seconds for a minute, measured); a short video shares the cores out.
  const partEncode = { ...encode, threads: plan.threads };
  const totalFrames = scenes.reduce((n, s) => n + s.frames, 0);
  const doneFrames = parts.map(() => 0);
  const report = () => h.progress(Math.min(0.98, doneFrames.reduce((a, b) => a + b, 0) / totalFrames));
  let reused = 0;
  const encodePart = async (k: number) => {
    const part = parts[k]!;
    const partScenes = pieceScenes(scenes, part.pieces);
    const video = buildVideoGraph({
      width: format.width, height: format.height, fps: format.fps, scenes: partScenes,
      ...captions, startFrame: part.startFrame, opensVideo: k === 0, closesVideo: k === parts.length - 1,
    });
    const graph = chat ? withChatCopy(video, chat) : video;
    const args = (output: string, chatOutput: string, graphFile?: string) => buildSegmentArgs({
      images: part.pieces.map((p) => images[p.scene]!), clips: part.pieces.map((p) => !!scenes[p.scene]!.clip), filterGraph: graph, graphFile, frames: part.frames, cuts: sceneCuts(partScenes), output, encode: partEncode,
      chat: chat ? { output: chatOutput, kbps: chat.videoKbps } : undefined,
    });
    // A part finished before a crash or a failure elsewhere is kept under a name keyed by
    // everything that made it (the step's inputs, the binary, the exact command), and reused.
    const done = join(job.dir, finishedPartName(k, hashOf([inputsKey, services.bins.ffmpeg, args('', '')])));
    const result = { path: done, chatPath: chat ? chatPartName(done) : null, durationSec: part.frames / format.fps };
    if (existsSync(done) && (!result.chatPath || existsSync(result.chatPath))) {
      reused++;
      doneFrames[k] = part.frames;
      report();
      return result;
    }
    const partial = done.replace(/\.mp4$/, '.partial.mp4');
    let graphFile: string | undefined;
    if (graph.length > GRAPH_IN_FILE_OVER) {
      graphFile = done.replace(/\.mp4$/, '.partial.graph');
      writeFileSync(graphFile, graph);
    }
    const chatPartial = result.chatPath?.replace(/\.mp4$/, '.partial.mp4') ?? '';
    await runFfmpeg(services.bins.ffmpeg, args(partial, chatPartial, graphFile), {
      signal,
      onProgress: (sec) => {
        doneFrames[k] = Math.min(part.frames, sec * format.fps);
        report();
      },
      onPeakRss: services.onFfmpegPeakRss,
    });
    if (result.chatPath) renameSync(chatPartial, result.chatPath);
    renameSync(partial, done);
    return result;
  };
  const queue = parts.map((_, k) => k).sort((a, b) => parts[b]!.cost - parts[a]!.cost);
  const results: EncodedPart[] = new Array(parts.length);
  await Promise.all(Array.from({ length: plan.lanes }, async () => {
    for (let k = queue.shift(); k !== undefined && !signal.aborted; k = queue.shift()) results[k] = await encodePart(k);
    onLaneFree();
  }));
  if (signal.aborted) throw signal.reason;
  if (reused) h.log(`Reused ${reused} of ${parts.length} video parts finished before the render stopped.`);
  return results;
}

/**
 * Joins encoded pictures (in order) with the soundtrack by stream copy into `out`, written as
 * `<name>.partial.mp4` in `dir` first and renamed, so a half-written file never counts.
 */
async function joinWithSoundtrack(ffmpeg: string, dir: string, name: string, pictures: { path: string; durationSec: number }[], audioPath: string, totalSec: number, out: string, signal: AbortSignal): Promise<string> {
  const listPath = join(dir, `${name}.partial.txt`);
  const partial = join(dir, `${name}.partial.mp4`);
  writeFileSync(listPath, concatList(pictures));
  await runFfmpeg(ffmpeg, buildMuxArgs({ listPath, audioPath, totalSec, output: partial }), { signal });
  renameSync(partial, out);
  return out;
}

/**
 * Joins the parts' chat-sized pictures with the soundtrack into the chat copy, named as
 * `fitToLimit` looks for it. Returns null (and keeps nothing) when the full video fits anyway.
 */
async function joinChatCopy(dir: string, chat: ChatCopy, parts: EncodedPart[], audioPath: string, totalSec: number, mp4Path: string, ffmpeg: string, signal: AbortSignal): Promise<string | null> {
  if (statSync(mp4Path).size <= chat.limitBytes) return null;
  const pictures = parts.map((p) => ({ path: p.chatPath!, durationSec: p.durationSec }));
  return joinWithSoundtrack(ffmpeg, dir, 'chat', pictures, audioPath, totalSec, join(dir, chatCopyName(chat.limitBytes)), signal);
}

/**
 * ffmpeg_render: the picture in parallel parts while the soundtrack is measured and mastered
 * beside them, then both joined without re-encoding into a +faststart mp4 — written under a
 * temporary name and renamed, so a half-written video never counts as done.
 */
export const ffmpegRender: RenderStep = {
  name: 'ffmpeg_render',
  weight: 20,
  timeoutMs: 30 * 60_000,
  inputs: (job, o, s) => ({ o: [o.tts_generate, o.images_generate, o.captions_build, o.music_build], effects: job.plan.scenes.map((x) => x.effectPreset), format: s.format, limit: job.run.messageRefs.uploadLimit ?? null, v: 5 }),
  files: (o) => [String(o.mp4Path)],
  async run(job, h) {
    const { services } = h;
    const { format } = services;
    const timeline = readTimeline(String(h.outputs.tts_generate?.timelinePath));
    // Each scene's input: its footage when it has a clip, else its picture.
    const clips = (h.outputs.images_generate?.clips as ({ path: string } | null)[] | undefined) ?? [];
    const images = (h.outputs.images_generate?.images as string[]).map((img, i) => clips[i]?.path ?? img);
    const frames = framesFor(timeline.scenes.map((s) => s.end - s.start), format.fps);
    const totalSec = frames.reduce((a, b) => a + b, 0) / format.fps;
    const scenes: VideoScene[] = job.plan.scenes.map((s, i) => ({ effectPreset: s.effectPreset, frames: frames[i]!, ...(clips[i] ? { clip: true } : {}) }));
    const { assFilterArg, captionFrames } = burnedInCaptions(h.outputs.captions_build ?? {}, format.fps, frames.reduce((a, b) => a + b, 0));
    const encode = encodeSettings(format);
    const audioPath = join(job.dir, 'soundtrack.partial.m4a');
    const mixdownPath = join(job.dir, 'mixdown.partial.wav');
    const mp4Path = join(job.dir, 'video.mp4');
    // A chat with an upload limit the video will not fit gets its copy made in the same passes:
    // ~60% of the CPU of re-encoding the finished video afterwards (no decode), and no wait for
    // it after the render.
    const chat = chatCopyPlan(Number(job.run.messageRefs.uploadLimit) || undefined, totalSec, format.width, format.height);

    // One failure stops the other processes at once instead of letting them run on.
    const stop = new AbortController();
    const signal = AbortSignal.any([h.signal, stop.signal]);
    const guard = <T>(p: Promise<T>) => p.catch((err: unknown) => {
      stop.abort();
      throw err;
    });
    const started = Date.now();
    try {
      const voicePath = String(h.outputs.tts_generate?.voicePath);
      const musicPath = (h.outputs.music_build?.musicPath as string | undefined) ?? null;
      const mix = { voiceInput: 0, musicInput: musicPath ? 1 : null, totalSec, musicGain: MUSIC_GAIN, voicePath, musicPath };
      let laneFree!: () => void;
      const coreIdles = new Promise<void>((resolve) => (laneFree = resolve));
      const mastered = guard(masterSoundtrack(services, mix, mixdownPath, audioPath, encode, signal));
      // The soundtrack's loudness check (finalize_artifacts reuses it for the same packets) waits
      // for the first core the picture no longer needs. A failed measurement costs only speed: QA
      // then decodes the video's audio itself.
      const measured = mastered.then(() => coreIdles).then(() => measureAudio(services.bins.ffmpeg, audioPath, signal)).catch((err: unknown) => {
        if (signal.aborted) throw err;
        h.log(`The soundtrack could not be measured ahead of the checks (${(err as Error).message.slice(0, 200)}); they will measure the video instead.`, 'warn');
        return undefined;
      });
      measured.catch(() => undefined);
      const [master, parts] = await Promise.all([
        mastered,
        guard(encodeParts(job, h, hashOf(ffmpegRender.inputs(job, h.outputs, services)), scenes, images, { assFilterArg, captionFrames }, encode, chat, signal, laneFree)),
      ]);
      await joinWithSoundtrack(services.bins.ffmpeg, job.dir, 'video', parts, audioPath, totalSec, mp4Path, signal);
      const chatCopyPath = chat ? await joinChatCopy(job.dir, chat, parts, audioPath, totalSec, mp4Path, services.bins.ffmpeg, signal) : null;
      const audioQa = await measured;
      if (chat) h.log(chatCopyPath ? `Made a ${chat.width}x${chat.height} copy for the chat's ${(chat.limitBytes / 2 ** 20).toFixed(0)} MiB upload limit.` : 'The video fits the chat\'s upload limit as it is.');
      const wall = (Date.now() - started) / 1000;
      h.log(`Rendered ${totalSec.toFixed(1)} s of ${format.width}x${format.height} video in ${wall.toFixed(1)} s (${parts.length} parts; soundtrack gain ${master.gainDb} dB${master.limitDb === null ? '' : `, limited at ${master.limitDb} dBFS`}).`);
      cleanPartials(job.dir, { finishedParts: true });
      return { mp4Path, ...(chatCopyPath ? { chatCopyPath } : {}), durationSec: totalSec, renderWallSec: wall, parts: parts.length, soundtrack: master, audioQa };
    } finally {
      // Half-written files go either way; finished parts stay only when the render did not finish.
      cleanPartials(job.dir);
    }
  },
};
