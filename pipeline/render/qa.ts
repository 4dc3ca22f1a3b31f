import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { runFfmpeg } from './ffmpeg';
import { parseEbur128 } from './graph/audio';

export interface QaExpectations {
  width: number;
  height: number;
  fps: number;
  /** Seconds of voice the video must match (±0.5 s). */
  durationSec: number;
  loudnessI: number;
  /** Allowed loudness error (LU). */
  loudnessTolerance: number;
  truePeakMax: number;
}

export interface QaReport {
  ok: boolean;
  problems: string[];
  measured: {
    width?: number; height?: number; fps?: number; videoCodec?: string; profile?: string; pixFmt?: string;
    audioCodec?: string; sampleRate?: number; channels?: number; durationSec?: number; sizeBytes: number;
    loudnessI?: number; truePeak?: number; silences: number; faststart: boolean;
  };
}

interface ProbeStream {
  codec_type?: string; codec_name?: string; profile?: string; pix_fmt?: string; width?: number; height?: number;
  avg_frame_rate?: string; r_frame_rate?: string; sample_rate?: string; channels?: number;
}

const rate = (r?: string) => {
  const [a, b] = (r ?? '0/1').split('/').map(Number);
  return b ? a! / b : 0;
};

/** True when the `moov` box precedes `mdat` (the file can start playing before it fully downloads). */
export function hasFaststart(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(16);
    let offset = 0;
    const size = statSync(path).size;
    while (offset + 8 <= size) {
      readSync(fd, head, 0, 16, offset);
      let box = head.readUInt32BE(0);
      const type = head.toString('ascii', 4, 8);
      if (type === 'moov') return true;
      if (type === 'mdat') return false;
      if (box === 1) box = Number(head.readBigUInt64BE(8));
      if (box < 8) return false;
      offset += box;
    }
    return false;
  } finally {
    closeSync(fd);
  }
}

/**
 * Checks a finished video the way a platform would: resolution, frame rate, codecs and profile,
 * duration against the voice, loudness and true peak, no silence of 2 s or more, faststart.
 */
export async function checkVideo(bins: { ffmpeg: string; ffprobe: string }, path: string, want: QaExpectations, signal?: AbortSignal): Promise<QaReport> {
  const problems: string[] = [];
  const sizeBytes = statSync(path).size;
  const measured: QaReport['measured'] = { sizeBytes, silences: 0, faststart: false };
  // Loudness and silence are measured while ffprobe reads the container (two passes, two cores);
  // the result only counts if the probe finds an audio stream.
  const audioPass = runFfmpeg(
    bins.ffmpeg,
    ['-hide_banner', '-nostats', '-loglevel', 'info', '-i', path, '-vn', '-af', 'ebur128=peak=true:framelog=verbose,silencedetect=n=-50dB:d=2', '-f', 'null', '-'],
    { signal },
  );
  audioPass.catch(() => undefined);
  let probe: { streams?: ProbeStream[]; format?: { duration?: string } };
  try {
    const { stdout } = await runFfmpeg(bins.ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path], { signal });
    probe = JSON.parse(stdout) as typeof probe;
  } catch (err) {
    return { ok: false, problems: [`The file is not a readable video (${(err as Error).message.slice(0, 200)}).`], measured };
  }
  const v = probe.streams?.find((s) => s.codec_type === 'video');
  const a = probe.streams?.find((s) => s.codec_type === 'audio');
  if (!v) problems.push('No video stream.');
  if (!a) problems.push('No audio stream.');
  Object.assign(measured, {
    width: v?.width, height: v?.height, fps: rate(v?.avg_frame_rate ?? v?.r_frame_rate), videoCodec: v?.codec_name, profile: v?.profile, pixFmt: v?.pix_fmt,
    audioCodec: a?.codec_name, sampleRate: Number(a?.sample_rate ?? 0), channels: a?.channels, durationSec: Number(probe.format?.duration ?? 0),
  });
  if (v && (v.width !== want.width || v.height !== want.height)) problems.push(`Resolution is ${v.width}x${v.height}, expected ${want.width}x${want.height}.`);
  if (v && Math.abs(measured.fps! - want.fps) > 0.01) problems.push(`Frame rate is ${measured.fps!.toFixed(2)}, expected ${want.fps}.`);
  if (v && (v.codec_name !== 'h264' || v.profile !== 'High' || v.pix_fmt !== 'yuv420p')) problems.push(`Video is ${v.codec_name} ${v.profile} ${v.pix_fmt}, expected h264 High yuv420p.`);
  if (a && (a.codec_name !== 'aac' || a.sample_rate !== '48000' || a.channels !== 2)) problems.push(`Audio is ${a.codec_name} ${a.sample_rate} Hz ${a.channels} ch, expected AAC 48000 Hz stereo.`);
  if (Math.abs(measured.durationSec! - want.durationSec) > 0.5) problems.push(`Duration is ${measured.durationSec!.toFixed(2)} s; the voice track is ${want.durationSec.toFixed(2)} s.`);
  measured.faststart = hasFaststart(path);
  if (!measured.faststart) problems.push('The file is not optimised for streaming (moov after mdat).');

  if (a) {
    const { stderr } = await audioPass;
    const loudness = parseEbur128(stderr);
    measured.loudnessI = loudness.I;
    measured.truePeak = loudness.peak;
    measured.silences = (stderr.match(/silence_start/g) ?? []).length;
    if (measured.loudnessI === undefined || !Number.isFinite(measured.loudnessI) || Math.abs(measured.loudnessI - want.loudnessI) > want.loudnessTolerance) {
      problems.push(`Loudness is ${measured.loudnessI ?? '?'} LUFS, expected ${want.loudnessI} ±${want.loudnessTolerance}.`);
    }
    if (measured.truePeak !== undefined && measured.truePeak > want.truePeakMax + 0.05) problems.push(`True peak is ${measured.truePeak} dBTP, above ${want.truePeakMax}.`);
    if (measured.silences > 0) problems.push(`Found ${measured.silences} silent stretch(es) of 2 s or more.`);
  }
  return { ok: problems.length === 0, problems, measured };
}
