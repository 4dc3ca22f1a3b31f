export interface EncodeSettings {
  preset: string;
  crf: number;
  fps: number;
  audioBitrate: string;
  /** x264 threads; omitted: x264 decides (≈1.5 per core). */
  threads?: number;
}

const HEAD = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error'];
const PROGRESS = ['-progress', 'pipe:1', '-nostats'];
/** Passes that meter loudness: `ebur128` prints its summary at `info` level on stderr. */
const METER_HEAD = ['-hide_banner', '-nostdin', '-nostats', '-y', '-loglevel', 'info'];

/**
 * H.264 High yuv420p at the frame rate with a keyframe every two seconds. B-frames are placed in
 * a fixed pattern (`b-adapt=0`): the adaptive search costs 15% of the encode on moving stills and
 * made the file no smaller (measured 8.4 vs 9.7 CPU-seconds, 4.59 vs 4.64 MB). Scene cuts are
 * known, so each gets its keyframe by name (`cuts`, frame numbers) and x264's own cut detection
 * is off: the same keyframes and size, 6-10% less encoder time. `qpmin=16`: on flat, drawn
 * pictures CRF alone drives the quantiser down to 5-12 (near lossless, 2.3 MB for 8 s of zoom);
 * a floor of 16 keeps SSIM at 0.9976 against the unencoded frames (0.9983 without) for 44% of
 * the size and ~20% less encoder time; photos and generated images sit above 16 anyway. With
 * `kbps`, a capped bitrate instead of CRF (a copy sized for a chat's upload limit).
 */
const videoCodec = (e: EncodeSettings, cuts: number[], kbps?: number) => [
  '-c:v', 'libx264', '-preset', e.preset,
  ...(kbps ? ['-b:v', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${kbps}k`] : ['-crf', String(e.crf)]),
  '-profile:v', 'high', '-pix_fmt', 'yuv420p',
  '-x264-params', kbps ? 'b-adapt=0:scenecut=0' : 'b-adapt=0:qpmin=16:scenecut=0',
  // A quarter frame early, so rounding can never push a keyframe onto the frame after the cut.
  ...(cuts.length ? ['-force_key_frames', cuts.map((f) => ((f - 0.25) / e.fps).toFixed(4)).join(',')] : []),
  '-r', String(e.fps), '-g', String(e.fps * 2), ...(e.threads ? ['-threads', String(e.threads)] : []),
];
/**
 * AAC, 48 kHz stereo, with ffmpeg's fast coder: half the CPU of the default search at the same
 * bitrate (1.5 s vs 2.9 s for a minute here), and at 192 kb/s voice and music stay clean.
 */
const audioCodec = (e: EncodeSettings) => ['-c:a', 'aac', '-aac_coder', 'fast', '-b:a', e.audioBitrate, '-ar', '48000', '-ac', '2'];

export interface RenderArgsInput {
  images: string[];
  voicePath: string;
  musicPath: string | null;
  filterGraph: string;
  totalSec: number;
  output: string;
  encode: EncodeSettings;
  /** Frames where a new scene starts (not 0): each gets a keyframe. */
  cuts: number[];
}

/**
 * One ffmpeg pass making a whole video: one input per scene image (decoded once; the graph loops
 * it), the voice, the music, one filter graph with [vout] and [aout], +faststart. The bench
 * measures the encoder floor with it.
 */
export function buildRenderArgs(r: RenderArgsInput): string[] {
  const inputs = r.images.flatMap((img) => ['-i', img]);
  const audio = ['-i', r.voicePath, ...(r.musicPath ? ['-i', r.musicPath] : [])];
  return [
    ...HEAD, ...PROGRESS,
    ...inputs, ...audio,
    '-filter_complex', r.filterGraph,
    '-map', '[vout]', '-map', '[aout]',
    ...videoCodec(r.encode, r.cuts), ...audioCodec(r.encode),
    '-t', r.totalSec.toFixed(3), '-movflags', '+faststart',
    r.output,
  ];
}

/**
 * A graph this long goes to ffmpeg in a file: Linux refuses a single argument over 128 KiB, and
 * zoom commands grow with the frame size (~8 KB per zoomed scene at 1080x1920, twice at 4K).
 */
export const GRAPH_IN_FILE_OVER = 32 * 1024;

/**
 * One part of the video (a run of scenes), picture only, exactly `frames` frames long. With its
 * encoder threads set (a part per core), the filters get as many threads: more would only contend
 * with the other parts (ffmpeg 5 slice-threads its filters over every core: 6% more CPU here).
 * With `graphFile`, the graph is read from that file (written by the caller) instead.
 */
export function buildSegmentArgs(s: {
  images: string[];
  /** Which inputs are clips: looped (`-stream_loop -1`) so a short one runs on, and read without audio. */
  clips?: boolean[];
  filterGraph: string; graphFile?: string; frames: number; cuts: number[]; output: string; encode: EncodeSettings;
  /** A second output from [vchat] (see `withChatCopy`) at a fixed bitrate, for a chat's upload limit. */
  chat?: { output: string; kbps: number };
}): string[] {
  const frames = ['-frames:v', String(s.frames), '-an'];
  return [
    ...HEAD, ...PROGRESS,
    ...s.images.flatMap((img, i) => (s.clips?.[i] ? ['-stream_loop', '-1', '-an', '-i', img] : ['-i', img])),
    ...(s.encode.threads ? ['-filter_complex_threads', String(s.encode.threads)] : []),
    ...(s.graphFile ? ['-filter_complex_script', s.graphFile] : ['-filter_complex', s.filterGraph]),
    '-map', s.chat ? '[vmain]' : '[vout]', ...videoCodec(s.encode, s.cuts), ...frames, s.output,
    // The chat copy: the same keyframes at a capped bitrate, one second of buffer (as the refit
    // in `fitSize.ts`); a preview — the full video is the one to publish.
    ...(s.chat ? ['-map', '[vchat]', ...videoCodec(s.encode, s.cuts, s.chat.kbps), ...frames, s.chat.output] : []),
  ];
}

/**
 * The mixdown (`input`) through `filterGraph`: to an AAC file, or — with `output` null — decoded
 * and discarded so a meter in the graph can report.
 */
export function buildAudioArgs(a: { input: string; filterGraph: string; totalSec: number; output: string | null; encode: EncodeSettings }): string[] {
  const body = ['-i', a.input, '-filter_complex', a.filterGraph, '-map', '[aout]'];
  if (a.output === null) return [...METER_HEAD, ...body, '-f', 'null', '-'];
  return [...HEAD, ...body, ...audioCodec(a.encode), '-t', a.totalSec.toFixed(3), a.output];
}

/**
 * The mixdown pass: voice (input 0) and music (input 1) through `filterGraph` into a float WAV
 * ([aout]) while its meter ([metered]) is decoded and discarded.
 */
export function buildMixdownArgs(m: { voicePath: string; musicPath: string | null; filterGraph: string; wavPath: string }): string[] {
  return [
    ...METER_HEAD,
    '-i', m.voicePath, ...(m.musicPath ? ['-i', m.musicPath] : []),
    '-filter_complex', m.filterGraph,
    '-map', '[metered]', '-f', 'null', '-',
    '-map', '[aout]', '-c:a', 'pcm_f32le', m.wavPath,
  ];
}

/**
 * A concat-demuxer list naming each file (quotes in paths escaped the demuxer's way) with its
 * exact length, so each part starts exactly where the previous one ends.
 */
export function concatList(parts: { path: string; durationSec: number }[]): string {
  return parts.map((p) => `file '${p.path.replace(/'/g, "'\\''")}'\nduration ${p.durationSec.toFixed(6)}\n`).join('');
}

/** Joins the encoded parts listed in `listPath` with the soundtrack, copying both: no re-encode. */
export function buildMuxArgs(m: { listPath: string; audioPath: string; totalSec: number; output: string }): string[] {
  return [
    ...HEAD,
    '-f', 'concat', '-safe', '0', '-i', m.listPath, '-i', m.audioPath,
    '-map', '0:v', '-map', '1:a', '-c', 'copy',
    '-t', m.totalSec.toFixed(3), '-movflags', '+faststart',
    m.output,
  ];
}
