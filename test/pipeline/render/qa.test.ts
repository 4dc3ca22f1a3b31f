import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBinaries } from '../../../pipeline/render/binaries';
import { checkVideo, measureAudio } from '../../../pipeline/render/qa';

const bins = findBinaries();
let dir: string;
const want = { width: 270, height: 480, fps: 30, durationSec: 3, loudnessI: -14, loudnessTolerance: 1.5, truePeakMax: -1 };

function make(name: string, args: string[]): string {
  const out = join(dir, name);
  execFileSync(bins.ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', ...args, out]);
  return out;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'shortsmith-qa-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('QA checks', () => {
  it('passes a conforming file', async () => {
    const ok = make('ok.mp4', [
      '-f', 'lavfi', '-i', 'testsrc2=s=270x480:r=30:d=3', '-f', 'lavfi', '-i', 'sine=f=440:d=3:sample_rate=48000',
      '-af', 'loudnorm=I=-14:TP=-2,aresample=48000', '-ac', '2', '-c:v', 'libx264', '-profile:v', 'high', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-movflags', '+faststart',
    ]);
    const r = await checkVideo(bins, ok, want);
    expect(r.problems).toEqual([]);
  });

  it('catches a truncated file', async () => {
    const ok = make('full.mp4', ['-f', 'lavfi', '-i', 'testsrc2=s=270x480:r=30:d=3', '-c:v', 'libx264', '-pix_fmt', 'yuv420p']);
    const broken = join(dir, 'broken.mp4');
    const bytes = readFileSync(ok);
    writeFileSync(broken, bytes.subarray(0, Math.floor(bytes.length / 3)));
    const r = await checkVideo(bins, broken, want);
    expect(r.ok).toBe(false);
    expect(r.problems.length).toBeGreaterThan(0);
  });

  it('names each wrong property: size, rate, profile, audio, duration, silence, loudness, faststart', async () => {
    const bad = make('bad.mp4', [
      '-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25:d=5', '-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=mono', '-t', '5',
      '-c:v', 'libx264', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p', '-c:a', 'aac',
    ]);
    const r = await checkVideo(bins, bad, want);
    const text = r.problems.join('\n');
    expect(text).toMatch(/Resolution is 320x240/);
    expect(text).toMatch(/Frame rate is 25/);
    expect(text).toMatch(/expected h264 High yuv420p/);
    expect(text).toMatch(/expected AAC 48000 Hz stereo/);
    expect(text).toMatch(/Duration is 5/);
    expect(text).toMatch(/silent stretch/);
    expect(text).toMatch(/Loudness is/);
    expect(text).toMatch(/not optimised for streaming/);
  });

  it('takes the soundtrack\'s measurement only for a file carrying exactly its audio packets', async () => {
    const soundtrack = make('soundtrack.m4a', ['-f', 'lavfi', '-i', 'sine=f=330:d=3:sample_rate=48000', '-af', 'volume=-9dB', '-ac', '2', '-c:a', 'aac']);
    const video = make('muxed.mp4', ['-f', 'lavfi', '-i', 'testsrc2=s=270x480:r=30:d=3', '-i', soundtrack, '-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-profile:v', 'high', '-pix_fmt', 'yuv420p', '-c:a', 'copy', '-movflags', '+faststart']);
    const measured = await measureAudio(bins.ffmpeg, soundtrack);
    const direct = await checkVideo(bins, video, want);
    expect(direct.measured.audioMeasuredFrom).toBe('file');
    expect(measured).toMatchObject({ loudnessI: direct.measured.loudnessI, truePeak: direct.measured.truePeak, silences: 0 });

    // A deliberately different figure with the right digest shows the check took it as given...
    const reused = await checkVideo(bins, video, want, undefined, { ...measured, loudnessI: -30 });
    expect(reused.measured).toMatchObject({ audioMeasuredFrom: 'soundtrack', loudnessI: -30 });
    expect(reused.problems.join(' ')).toMatch(/Loudness is -30 LUFS/);
    // ...and the same figure for other packets (a re-encoded soundtrack) is ignored.
    const reencoded = make('reencoded.mp4', ['-i', video, '-map', '0', '-c:v', 'copy', '-c:a', 'aac', '-b:a', '96k', '-movflags', '+faststart']);
    const other = await checkVideo(bins, reencoded, want, undefined, { ...measured, loudnessI: -30 });
    expect(other.measured.audioMeasuredFrom).toBe('file');
    expect(other.measured.loudnessI).not.toBe(-30);
  });

  it('finds a silence early in a long soundtrack, measured from the file or ahead from the soundtrack', async () => {
    // 3 s of silence, then 30 s of tone: the silence is reported long before the end of the pass.
    const soundtrack = make('gap.m4a', ['-f', 'lavfi', '-i', 'sine=f=330:d=33:sample_rate=48000', '-af', "volume='if(between(t,0,3),0,0.3)':eval=frame", '-ac', '2', '-c:a', 'aac']);
    const video = make('gap.mp4', ['-f', 'lavfi', '-i', 'testsrc2=s=270x480:r=30:d=33', '-i', soundtrack, '-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'copy']);
    const long = { ...want, durationSec: 33 };
    expect((await checkVideo(bins, video, long)).measured.silences).toBe(1);
    const ahead = await measureAudio(bins.ffmpeg, soundtrack);
    expect(ahead.silences).toBe(1);
    expect((await checkVideo(bins, video, long, undefined, ahead)).problems.join(' ')).toMatch(/1 silent stretch/);
  });
});
