import { createHash } from 'node:crypto';
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
    /** Where loudness, peak and silences were measured: this file, or its soundtrack (same packets). */
    audioMeasuredFrom?: 'file' | 'soundtrack';
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

/** The soundtrack's loudness, peaks and silences, tied to its exact packets by `packetsDigest`. */
export interface AudioMeasure {
  loudnessI?: number;
  truePeak?: number;
  silences: number;
  /** SHA-1 over the CRC-32 of every audio packet, in order (`audioPacketsDigest`). */
  packetsDigest: string;
}

/** One digest for a stream's packets from their CRC-32s (hex, in order), whatever printed them. */
export function audioPacketsDigest(crcs: string[]): string {
  return createHash('sha1').update(crcs.map((c) => c.toLowerCase()).join(',')).digest('hex');
}

/**
 * Loudness, true peak and silences of 2 s or more. `framelog=verbose`: an audio-only `ebur128`
 * otherwise prints a line every 100 ms at `info`, and the stderr tail kept would lose the early
 * `silence_start` lines of a long soundtrack.
 */
/** Enough stdout for a per-packet listing of a long video (the default keeps only 64 KiB). */
const PACKET_LISTING = 16 * 2 ** 20;

const AUDIO_METER = 'ebur128=peak=true:framelog=verbose,silencedetect=n=-50dB:d=2';

function readAudioMeter(stderr: string): Omit<AudioMeasure, 'packetsDigest'> {
  const loudness = parseEbur128(stderr);
  return { loudnessI: loudness.I, truePeak: loudness.peak, silences: (stderr.match(/silence_start/g) ?? []).length };
}

/**
 * Decodes the first audio stream of `path` and meters it (integrated loudness, true peak, silences
 * of 2 s or more) while the same pass copies its packets into a CRC-32 list: the digest lets a
 * later check know a file carries exactly these packets (a stream-copied mux) without decoding it
 * again. The renderer measures its soundtrack this way while the picture is still encoding.
 */
export async function measureAudio(ffmpeg: string, path: string, signal?: AbortSignal): Promise<AudioMeasure> {
  const { stdout, stderr } = await runFfmpeg(ffmpeg, [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info', '-i', path,
    '-map', '0:a:0', '-af', AUDIO_METER, '-f', 'null', '-',
    '-map', '0:a:0', '-c', 'copy', '-f', 'framehash', '-hash', 'crc32', 'pipe:1',
  ], { signal, maxStdout: PACKET_LISTING });
  // framehash lines: stream, dts, pts, duration, size, hash[, side data…]
  const crcs = stdout.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(',')[5]!.trim());
  return { ...readAudioMeter(stderr), packetsDigest: audioPacketsDigest(crcs) };
}

/**
 * Checks a finished video the way a platform would: resolution, frame rate, codecs and profile,
 * duration against the voice, loudness and true peak, no silence of 2 s or more, faststart.
 * `audio`, when given, is a measurement of the soundtrack muxed into the file: it stands for the
 * file's audio only if the file's audio packets are exactly those measured (same digest);
 * otherwise the file's audio is decoded and measured here.
 */
export async function checkVideo(bins: { ffmpeg: string; ffprobe: string }, path: string, want: QaExpectations, signal?: AbortSignal, audio?: AudioMeasure): Promise<QaReport> {
  const problems: string[] = [];
  const sizeBytes = statSync(path).size;
  const measured: QaReport['measured'] = { sizeBytes, silences: 0, faststart: false };
  const decodeAudio = async () => readAudioMeter((await runFfmpeg(bins.ffmpeg, ['-hide_banner', '-nostats', '-loglevel', 'info', '-i', path, '-vn', '-af', AUDIO_METER, '-f', 'null', '-'], { signal })).stderr);
  // With no soundtrack measurement to compare, the file's audio is decoded while ffprobe reads the
  // container (two passes, two cores); the result counts only if the probe finds an audio stream.
  const early = audio ? undefined : decodeAudio();
  early?.catch(() => undefined);
  let probe: { streams?: (ProbeStream & { index?: number })[]; format?: { duration?: string }; packets?: { stream_index?: number; data_hash?: string }[] };
  try {
    const { stdout } = await runFfmpeg(bins.ffprobe, [
      '-v', 'error', '-print_format', 'json', '-show_format', '-show_streams',
      // Each packet's CRC-32 (of its data only), to compare the audio with the measured soundtrack.
      ...(audio ? ['-show_entries', 'packet=stream_index,data_hash', '-show_data_hash', 'crc32'] : []),
      path,
    ], { signal, maxStdout: audio ? PACKET_LISTING : undefined });
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
    const crcs = (probe.packets ?? []).filter((p) => p.stream_index === a.index && p.data_hash).map((p) => p.data_hash!.replace(/^CRC32:/i, ''));
    const same = audio !== undefined && crcs.length > 0 && audioPacketsDigest(crcs) === audio.packetsDigest;
    const meter = same ? audio : await (early ?? decodeAudio());
    measured.audioMeasuredFrom = same ? 'soundtrack' : 'file';
    measured.loudnessI = meter.loudnessI;
    measured.truePeak = meter.truePeak;
    measured.silences = meter.silences;
    if (measured.loudnessI === undefined || !Number.isFinite(measured.loudnessI) || Math.abs(measured.loudnessI - want.loudnessI) > want.loudnessTolerance) {
      problems.push(`Loudness is ${measured.loudnessI ?? '?'} LUFS, expected ${want.loudnessI} ±${want.loudnessTolerance}.`);
    }
    if (measured.truePeak !== undefined && measured.truePeak > want.truePeakMax + 0.05) problems.push(`True peak is ${measured.truePeak} dBTP, above ${want.truePeakMax}.`);
    if (measured.silences > 0) problems.push(`Found ${measured.silences} silent stretch(es) of 2 s or more.`);
  }
  return { ok: problems.length === 0, problems, measured };
}
