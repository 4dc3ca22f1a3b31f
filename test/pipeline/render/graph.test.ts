import { describe, expect, it } from 'vitest';
import { buildRenderArgs } from '../../../pipeline/render/graph/args';
import { buildAudioGraph } from '../../../pipeline/render/graph/audio';
import { buildMotionFilter } from '../../../pipeline/render/graph/motion';
import { buildVideoGraph, escapeFilterValue, framesFor } from '../../../pipeline/render/graph/video';

const spec = { width: 1080, height: 1920, fps: 30, frames: 151, zoom: 'scale' as const };

describe('filter-graph builders', () => {
  it('moves pans and tilts evenly across the whole scene', () => {
    expect(buildMotionFilter('pan_left', spec)).toBe("crop=1080:1920:x='(iw-ow)*(1-(n/150))':y='(ih-oh)/2'");
    expect(buildMotionFilter('pan_right', spec)).toBe("crop=1080:1920:x='(iw-ow)*(n/150)':y='(ih-oh)/2'");
    expect(buildMotionFilter('tilt_up', spec)).toBe("crop=1080:1920:x='(iw-ow)/2':y='(ih-oh)*(1-(n/150))'");
    expect(buildMotionFilter('tilt_down', spec)).toBe("crop=1080:1920:x='(iw-ow)/2':y='(ih-oh)*(n/150)'");
  });

  it('zooms from the centre with an eased curve, by per-frame scale or zoompan', () => {
    expect(buildMotionFilter('slow_zoom_in', spec)).toBe(
      "scale=w='2*trunc(1080*(1+0.15*(3*pow((n/150),2)-2*pow((n/150),3)))/2)':h='2*trunc(1920*(1+0.15*(3*pow((n/150),2)-2*pow((n/150),3)))/2)':eval=frame:flags=bilinear,crop=1080:1920",
    );
    expect(buildMotionFilter('slow_zoom_out', { ...spec, zoom: 'zoompan' })).toBe(
      "zoompan=z='1+0.15*(1-(3*pow((on/150),2)-2*pow((on/150),3)))':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=1:s=1080x1920:fps=30",
    );
  });

  it('keeps static, fade and flash_cut still, and jitters glitch on a few frames', () => {
    expect(buildMotionFilter('static', spec)).toBe('null');
    expect(buildMotionFilter('fade', spec)).toBe('null');
    expect(buildMotionFilter('flash_cut', spec)).toBe('null');
    expect(buildMotionFilter('glitch', spec)).toBe("crop=1080:1920:x='(iw-ow)/2+if(lt(mod(n,17),2),22*sin(n*7.3),0)':y='(ih-oh)/2'");
  });

  it('builds the video graph: scale once, loop in the graph, move, concat, captions', () => {
    const graph = buildVideoGraph({
      width: 270, height: 480, fps: 30, zoom: 'scale',
      scenes: [{ effectPreset: 'pan_right', frames: 60 }, { effectPreset: 'static', frames: 45 }],
      assFilterArg: "filename='/d/c.ass'",
    });
    expect(graph.split(';')).toEqual([
      "[0:v]scale=324:576:force_original_aspect_ratio=increase,crop=324:576,setsar=1,format=yuv420p,loop=loop=59:size=1:start=0,setpts=N/30/TB,crop=270:480:x='(iw-ow)*(n/59)':y='(ih-oh)/2',setsar=1[s0]",
      '[1:v]scale=270:480:force_original_aspect_ratio=increase,crop=270:480,setsar=1,format=yuv420p,loop=loop=44:size=1:start=0,setpts=N/30/TB,null,setsar=1[s1]',
      "[s0][s1]concat=n=2:v=1:a=0,ass=filename='/d/c.ass',format=yuv420p[vout]",
    ]);
  });

  it('builds the floor graph without motion or captions', () => {
    const graph = buildVideoGraph({ width: 270, height: 480, fps: 30, zoom: 'scale', scenes: [{ effectPreset: 'slow_zoom_in', frames: 30 }], assFilterArg: null, motion: false });
    expect(graph).toBe('[0:v]scale=270:480:force_original_aspect_ratio=increase,crop=270:480,setsar=1,format=yuv420p,loop=loop=29:size=1:start=0,setpts=N/30/TB,null,setsar=1[s0];[s0]concat=n=1:v=1:a=0,format=yuv420p[vout]');
  });

  it('ducks music under the padded voice, then normalises loudness to the exact length', () => {
    expect(buildAudioGraph({ voiceInput: 3, musicInput: 4, totalSec: 61.5, musicGain: 0.28, loudnessI: -14, truePeak: -1.5 }).split(';')).toEqual([
      '[3:a]aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo,apad,asplit=2[voice][key]',
      '[4:a]aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo,volume=0.28,apad[bed]',
      '[bed][key]sidechaincompress=threshold=0.02:ratio=8:attack=20:release=400[ducked]',
      '[voice][ducked]amix=inputs=2:duration=longest:dropout_transition=0,atrim=0:61.500,loudnorm=I=-14:TP=-1.5:LRA=11,aresample=48000,aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo[aout]',
    ]);
  });

  it('builds the full command line as data', () => {
    expect(buildRenderArgs({
      images: ['/a.png', '/b.png'], voicePath: '/v.wav', musicPath: '/m.wav', filterGraph: 'G', totalSec: 12.3456, output: '/out.mp4',
      encode: { preset: 'superfast', crf: 21, fps: 30, audioBitrate: '192k' },
    })).toEqual([
      '-hide_banner', '-nostdin', '-y', '-loglevel', 'error', '-progress', 'pipe:1', '-nostats',
      '-i', '/a.png', '-i', '/b.png', '-i', '/v.wav', '-i', '/m.wav',
      '-filter_complex', 'G', '-map', '[vout]', '-map', '[aout]',
      '-c:v', 'libx264', '-preset', 'superfast', '-crf', '21', '-profile:v', 'high', '-pix_fmt', 'yuv420p', '-r', '30', '-g', '60',
      '-c:a', 'aac', '-b:a', '192k', '-ar', '48000', '-ac', '2', '-t', '12.346', '-movflags', '+faststart', '/out.mp4',
    ]);
  });

  it('rounds frames per scene without drift, and escapes filter arguments', () => {
    expect(framesFor([1.01, 1.01, 1.01], 30)).toEqual([30, 31, 30]);
    expect(framesFor([2.5, 2.5], 30).reduce((a, b) => a + b, 0)).toBe(150);
    expect(escapeFilterValue("/data/it's:odd\\dir/c.ass")).toBe("'/data/it'\\\\\\''s\\:odd\\\\dir/c.ass'");
  });
});
