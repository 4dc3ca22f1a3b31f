import { describe, expect, it } from 'vitest';
import { buildAudioArgs, buildMixdownArgs, buildMuxArgs, buildRenderArgs, buildSegmentArgs, concatList } from '../../../pipeline/render/graph/args';
import { buildAudioGraph, buildMasterGraph, buildMixdownGraph, buildMixGraph, parseEbur128, planMaster } from '../../../pipeline/render/graph/audio';
import { frameCost, partShares, pieceScenes, planParts, sceneCuts } from '../../../pipeline/render/graph/segments';
import { partPlan } from '../../../pipeline/render/steps/ffmpegRender';
import { buildMotionFilter, frameSetExpr, motionChangeFrames, zoomSizes } from '../../../pipeline/render/graph/motion';
import { buildVideoGraph, escapeFilterValue, framesFor } from '../../../pipeline/render/graph/video';
import { assEventTimings, captionChangeFrames } from '../../../pipeline/render/captions/changes';

const spec = { width: 1080, height: 1920, fps: 30, frames: 151, id: 'm0' };

describe('filter-graph builders', () => {
  it('moves pans and tilts evenly across the whole scene', () => {
    expect(buildMotionFilter('pan_left', spec)).toBe("crop=1080:1920:x='(iw-ow)*(1-(n/150))':y='(ih-oh)/2'");
    expect(buildMotionFilter('pan_right', spec)).toBe("crop=1080:1920:x='(iw-ow)*(n/150)':y='(ih-oh)/2'");
    expect(buildMotionFilter('tilt_up', spec)).toBe("crop=1080:1920:x='(iw-ow)/2':y='(ih-oh)*(1-(n/150))'");
    expect(buildMotionFilter('tilt_down', spec)).toBe("crop=1080:1920:x='(iw-ow)/2':y='(ih-oh)*(n/150)'");
  });

  it('zooms from the centre: sizes step 2 px on an eased curve, sent as commands on the frames they change', () => {
    const small = { width: 180, height: 320, fps: 30, frames: 31, id: 'm3' };
    const sizes = zoomSizes('slow_zoom_in', small);
    expect(sizes[0]).toEqual({ width: 180, height: 320 });
    expect(sizes[30]).toEqual({ width: 208, height: 368 });
    for (const [n, s] of sizes.entries()) {
      expect(s.width % 2 + s.height % 2).toBe(0);
      if (n === 0) continue;
      expect(s.height - sizes[n - 1]!.height).toBeGreaterThanOrEqual(0);
      expect(s.height - sizes[n - 1]!.height).toBeLessThanOrEqual(4);
      // The width follows the height: within one pixel of the frame's aspect.
      expect(Math.abs(s.width - (s.height * 180) / 320)).toBeLessThanOrEqual(1);
    }
    expect(zoomSizes('slow_zoom_out', small)).toEqual([...sizes].reverse());
    const filter = buildMotionFilter('slow_zoom_in', small);
    // One command group per frame whose size changes, none for frames that repeat the last;
    // only those frames (and the first and last) need to go through it (the graph repeats them).
    const changed = sizes.flatMap((s, n) => (n > 0 && (s.width !== sizes[n - 1]!.width || s.height !== sizes[n - 1]!.height) ? [n] : []));
    expect(motionChangeFrames('slow_zoom_in', small)).toEqual([0, ...changed, 30]);
    expect(frameSetExpr([0, ...changed, 30])).toBe('(eq(n,0)+(eq(n,3)+eq(n,5)))+((between(n,7,24)+eq(n,26))+(eq(n,28)+eq(n,30)))');
    // Half a frame ahead of the frame it is for: frame 3 (0.1 s) becomes 182x322.
    expect(filter.startsWith("sendcmd=c='0.0833 scale@m3 w 182, crop@m3 x 1, scale@m3 h 322, crop@m3 y 1;0.1500 scale@m3 h 324, crop@m3 y 2;")).toBe(true);
    expect(filter.endsWith(";0.9167 scale@m3 w 208, crop@m3 x 14, scale@m3 h 368, crop@m3 y 24',scale@m3=180:320:flags=bilinear,crop@m3=180:320:0:0:exact=1")).toBe(true);
    expect(filter.split(';')).toHaveLength(changed.length);
    expect(buildMotionFilter('slow_zoom_out', small)).toMatch(/',scale@m3=208:368:flags=bilinear,crop@m3=180:320:14:24:exact=1$/);
    // A scene too short to change size needs no commands.
    expect(buildMotionFilter('slow_zoom_in', { ...small, frames: 1 })).toBe('scale@m3=180:320:flags=bilinear,crop@m3=180:320:0:0:exact=1');
  });

  it('lists frames for select as runs, summed as a balanced tree (ffmpeg 5 refuses nesting past 100)', () => {
    expect(frameSetExpr([4])).toBe('eq(n,4)');
    expect(frameSetExpr([9, 0, 3, 5, 6, 7, 3])).toBe('(eq(n,0)+eq(n,3))+(between(n,5,7)+eq(n,9))');
    const many = frameSetExpr(Array.from({ length: 400 }, (_, i) => 3 * i));
    expect(many.match(/eq\(/g)).toHaveLength(400);
    let depth = 0;
    let deepest = 0;
    for (const c of many) deepest = Math.max(deepest, (depth += c === '(' ? 1 : c === ')' ? -1 : 0));
    expect(deepest).toBeLessThanOrEqual(10);
  });

  it('keeps static, fade and flash_cut still, and jitters glitch on a few frames', () => {
    expect(buildMotionFilter('static', spec)).toBe('null');
    expect(buildMotionFilter('fade', spec)).toBe('null');
    expect(buildMotionFilter('flash_cut', spec)).toBe('null');
    expect(buildMotionFilter('glitch', spec)).toBe("crop=1080:1920:x='(iw-ow)/2+if(lt(mod(n,17),2),22*sin(n*7.3),0)':y='(ih-oh)/2'");
  });

  it('builds the video graph: scale once, loop in the graph, move, caption each scene at its place, concat', () => {
    const graph = buildVideoGraph({
      width: 270, height: 480, fps: 30,
      scenes: [{ effectPreset: 'pan_right', frames: 60 }, { effectPreset: 'static', frames: 45 }],
      assFilterArg: "filename='/d/c.ass'",
    });
    // Without the captions' change frames every frame is moved and captioned.
    expect(graph.split(';')).toEqual([
      "[0:v]scale=324:576:force_original_aspect_ratio=increase,crop=324:576:exact=1,setsar=1,format=yuv420p,loop=loop=59:size=1:start=0,settb=1/30,setpts=N,crop=270:480:x='(iw-ow)*(n/59)':y='(ih-oh)/2',setsar=1,ass=filename='/d/c.ass'[s0]",
      "[1:v]scale=270:480:force_original_aspect_ratio=increase,crop=270:480:exact=1,setsar=1,format=yuv420p,loop=loop=44:size=1:start=0,settb=1/30,setpts=N,setsar=1,setpts=PTS+60,ass=filename='/d/c.ass',setpts=PTS-60[s1]",
      '[s0][s1]concat=n=2:v=1:a=0,setpts=N/30/TB,format=yuv420p[vout]',
    ]);
  });

  it('moves and captions only the frames where the picture or the captions change, then repeats them', () => {
    const graph = buildVideoGraph({
      width: 270, height: 480, fps: 30,
      scenes: [{ effectPreset: 'pan_right', frames: 60 }, { effectPreset: 'static', frames: 45 }],
      assFilterArg: "filename='/d/c.ass'", captionFrames: [10, 20, 70, 71],
    }).split(';');
    // The pan counts frames, so its repeats are dropped after it: every frame where its even
    // position moves, plus the captions' frames 10 and 20.
    expect(graph[0]).toBe("[0:v]scale=324:576:force_original_aspect_ratio=increase,crop=324:576:exact=1,setsar=1,format=yuv420p,loop=loop=59:size=1:start=0,settb=1/30,setpts=N,crop=270:480:x='(iw-ow)*(n/59)':y='(ih-oh)/2',"
      + "select='(((eq(n,0)+(eq(n,2)+eq(n,4)))+(eq(n,7)+(between(n,9,11)+eq(n,13))))+((eq(n,15)+(eq(n,17)+eq(n,20)))+((eq(n,22)+eq(n,24))+(eq(n,26)+eq(n,28)))))+(((eq(n,31)+(eq(n,33)+eq(n,35)))+((eq(n,37)+eq(n,39))+(eq(n,41)+eq(n,44))))+((eq(n,46)+(eq(n,48)+eq(n,50)))+((eq(n,52)+eq(n,55))+(eq(n,57)+eq(n,59)))))',"
      + "setsar=1,ass=filename='/d/c.ass',fps=30,trim=end_frame=60[s0]");
    // The still scene: its first and last frames and the captions' 70 and 71 (its 10 and 11).
    expect(graph[1]).toBe("[1:v]scale=270:480:force_original_aspect_ratio=increase,crop=270:480:exact=1,setsar=1,format=yuv420p,loop=loop=44:size=1:start=0,settb=1/30,setpts=N,select='eq(n,0)+(between(n,10,11)+eq(n,44))',setsar=1,setpts=PTS+60,ass=filename='/d/c.ass',setpts=PTS-60,fps=30,trim=end_frame=45[s1]");
    expect(motionChangeFrames('pan_right', { width: 270, height: 480, frames: 60 })).toHaveLength(28);
    expect(motionChangeFrames('glitch', { width: 270, height: 480, frames: 40 })).toEqual([0, 1, 2, 17, 18, 19, 34, 35, 36, 39]);
    expect(motionChangeFrames('static', { width: 270, height: 480, frames: 40 })).toEqual([0, 39]);
  });

  it('fades from black where the video opens and at `fade` scenes, and to black where it closes', () => {
    const graph = buildVideoGraph({
      width: 270, height: 480, fps: 30, assFilterArg: "filename='/d/c.ass'", opensVideo: true, closesVideo: true,
      scenes: [{ effectPreset: 'static', frames: 45 }, { effectPreset: 'fade', frames: 60 }], captionFrames: [],
    }).split(';');
    // The dip's frames all go through (to 0.5 s, and a margin).
    expect(graph[1]).toBe("[1:v]scale=270:480:force_original_aspect_ratio=increase,crop=270:480:exact=1,setsar=1,format=yuv420p,loop=loop=59:size=1:start=0,settb=1/30,setpts=N,select='between(n,0,17)+eq(n,59)',fade=t=in:st=0.05:d=0.45,setsar=1,setpts=PTS+45,ass=filename='/d/c.ass',setpts=PTS-45,fps=30,trim=end_frame=60[s1]");
    expect(graph[2]).toBe('[s0][s1]concat=n=2:v=1:a=0,setpts=N/30/TB,fade=t=in:st=0.05:d=0.3,fade=t=out:st=3.000:d=0.45,format=yuv420p[vout]');
  });

  it('keeps a later part\'s captions at its place in the whole video, then restamps from zero', () => {
    const graph = buildVideoGraph({ width: 270, height: 480, fps: 30, scenes: [{ effectPreset: 'static', frames: 45 }], assFilterArg: "filename='/d/c.ass'", startFrame: 552 });
    expect(graph.split(';')[0]).toMatch(/,setpts=PTS\+552,ass=filename='\/d\/c.ass',setpts=PTS-552\[s0\]$/);
    expect(graph.split(';')[1]).toBe('[s0]concat=n=1:v=1:a=0,setpts=N/30/TB,format=yuv420p[vout]');
  });

  it('reads when captions change from the ASS events: appearing, going, every frame of a fade', () => {
    const ass = [
      'Dialogue: 1,0:00:00.00,0:00:00.40,Caption,,0,0,0,,one',
      'Dialogue: 1,0:00:00.40,0:00:01.00,Caption,,0,0,0,,two, three',
      'Dialogue: 2,0:00:00.15,0:00:02.00,OnScreen,,0,0,0,,{\\fad(120,120)}LABEL',
    ].join('\n');
    const events = assEventTimings(ass);
    expect(events).toEqual([
      { start: 0, end: 400, changingIn: 0, changingOut: 0 },
      { start: 400, end: 1000, changingIn: 0, changingOut: 0 },
      { start: 150, end: 2000, changingIn: 120, changingOut: 120 },
    ]);
    // Frame g shows trunc(g × 33.33…) ms: 0.40 s is frame 12, 1.00 s frame 30; the label
    // appears at frame 5 (166 ms), fades in to frame 9 (300 ms ≥ 270), fades out from frame 57
    // (1900 ms ≥ 1880) and is gone at frame 60.
    expect(captionChangeFrames(events, 30, 0, 61)).toEqual([0, 5, 6, 7, 8, 9, 12, 30, 57, 58, 59, 60]);
    expect(captionChangeFrames(events, 30, 10, 40)).toEqual([12, 30]);
  });

  it('cuts the video into a big and a small part per core by estimated cost, at scene boundaries when one is near', () => {
    const scenes = [
      { effectPreset: 'slow_zoom_in', frames: 137 }, { effectPreset: 'slow_zoom_out', frames: 239 }, { effectPreset: 'tilt_down', frames: 176 },
      { effectPreset: 'slow_zoom_in', frames: 261 }, { effectPreset: 'pan_right', frames: 287 }, { effectPreset: 'static', frames: 169 },
      { effectPreset: 'pan_left', frames: 236 }, { effectPreset: 'tilt_up', frames: 239 }, { effectPreset: 'slow_zoom_in', frames: 140 },
    ];
    expect(frameCost('slow_zoom_out')).toBe(1.5);
    expect(frameCost('pan_left')).toBe(1.05);
    expect(frameCost('static')).toBe(1);
    expect(partShares(2)).toEqual([0.4, 0.4, 0.1, 0.1]);
    expect(partShares(1)).toEqual([1]);
    // Of 2319.4: the first cut (927.8) falls 119 frames into scene 3, which is split there;
    // the next two (1855.5, 2087.5) are within 2% of the scene boundaries at 1858.45 and 2109.4.
    expect(planParts(scenes, partShares(2), { minPiece: 30 })).toEqual([
      { pieces: [{ scene: 0, from: 0, frames: 137 }, { scene: 1, from: 0, frames: 239 }, { scene: 2, from: 0, frames: 176 }, { scene: 3, from: 0, frames: 119 }], startFrame: 0, frames: 671, cost: expect.closeTo(927.3, 6) },
      { pieces: [{ scene: 3, from: 119, frames: 142 }, { scene: 4, from: 0, frames: 287 }, { scene: 5, from: 0, frames: 169 }, { scene: 6, from: 0, frames: 236 }], startFrame: 671, frames: 834, cost: expect.closeTo(931.15, 6) },
      { pieces: [{ scene: 7, from: 0, frames: 239 }], startFrame: 1505, frames: 239, cost: expect.closeTo(250.95, 6) },
      { pieces: [{ scene: 8, from: 0, frames: 140 }], startFrame: 1744, frames: 140, cost: 210 },
    ]);
    // A piece keeps at least `minPiece` frames at either end of its scene.
    const one = [{ effectPreset: 'static', frames: 100 }];
    expect(planParts(one, [0.1, 0.9], { minPiece: 30 }).map((p) => p.pieces)).toEqual([[{ scene: 0, from: 0, frames: 30 }], [{ scene: 0, from: 30, frames: 70 }]]);
    expect(planParts(one, [0.5, 0.5], { minPiece: 60 })).toHaveLength(1);
    // Cuts that meet merge: a short video gets fewer parts, frames adding up.
    const tiny = [{ effectPreset: 'static', frames: 20 }, { effectPreset: 'pan_left', frames: 17 }, { effectPreset: 'slow_zoom_in', frames: 23 }];
    expect(planParts(tiny, partShares(2), { minPiece: 30 }).map((p) => [p.startFrame, p.frames])).toEqual([[0, 37], [37, 23]]);
    expect(sceneCuts(pieceScenes(scenes, planParts(scenes, partShares(2), { minPiece: 30 })[1]!.pieces))).toEqual([142, 429, 598]);
    expect(pieceScenes(scenes, [{ scene: 3, from: 119, frames: 142 }])).toEqual([{ effectPreset: 'slow_zoom_in', frames: 142, from: 119, sceneFrames: 261 }]);
    expect(sceneCuts(scenes.slice(0, 1))).toEqual([]);
  });

  it('plans parts: one encoder per core, threads shared out when parts are few', () => {
    const scenes = Array.from({ length: 9 }, () => ({ effectPreset: 'static', frames: 200 }));
    expect([partPlan(scenes, 30, 2)].map((p) => [p.parts.length, p.lanes, p.threads])).toEqual([[4, 2, 1]]);
    expect([partPlan(scenes, 30, 1)].map((p) => [p.parts.length, p.lanes, p.threads])).toEqual([[1, 1, 1]]);
    expect([partPlan(scenes.slice(0, 1).map((s) => ({ ...s, frames: 40 })), 30, 4)].map((p) => [p.parts.length, p.lanes, p.threads])).toEqual([[1, 1, 4]]);
  });

  it('builds the floor graph without motion or captions', () => {
    const graph = buildVideoGraph({ width: 270, height: 480, fps: 30, scenes: [{ effectPreset: 'slow_zoom_in', frames: 30 }], assFilterArg: null, motion: false });
    expect(graph).toBe('[0:v]scale=270:480:force_original_aspect_ratio=increase,crop=270:480:exact=1,setsar=1,format=yuv420p,loop=loop=29:size=1:start=0,settb=1/30,setpts=N,setsar=1[s0];[s0]concat=n=1:v=1:a=0,setpts=N/30/TB,format=yuv420p[vout]');
  });

  it('ducks music under the padded voice, cut to the exact length; mixes down while metering, then masters', () => {
    const mix = { voiceInput: 0, musicInput: 1, totalSec: 61.5, musicGain: 0.28 };
    const ducked = [
      '[0:a]aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo,apad,asplit=2[voice][key]',
      '[1:a]aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo,volume=0.28,apad[bed]',
      '[bed][key]sidechaincompress=threshold=0.02:ratio=8:attack=20:release=400[ducked]',
      '[voice][ducked]amix=inputs=2:duration=longest:dropout_transition=0,atrim=0:61.500[mix]',
    ];
    expect(buildMixdownGraph(mix).split(';')).toEqual([...ducked, '[mix]asplit=2[meter][aout]', '[meter]ebur128=peak=true[metered]']);
    expect(buildMasterGraph({ gainDb: 13.2, limitDb: -3 }, true)).toBe('[0:a]volume=13.20dB,alimiter=limit=0.7079:attack=5:release=50:level=disabled,ebur128[aout]');
    expect(buildMasterGraph({ gainDb: 4.5, limitDb: null }, false)).toBe('[0:a]volume=4.50dB,aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo[aout]');
    expect(buildAudioGraph({ ...mix, master: { gainDb: 4.5, limitDb: null } }).split(';')).toEqual([
      ...ducked, '[mix]volume=4.50dB,aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo[aout]',
    ]);
    expect(buildMixGraph({ ...mix, musicInput: null }, 'm')).toBe('[0:a]aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo,apad,atrim=0:61.500[m]');
  });

  it('plans the master: exact gain to the target, a limiter only when the peaks would pass the ceiling', () => {
    expect(planMaster({ I: -27.2, TP: -10.6 }, { I: -14, TP: -2 })).toEqual({ gainDb: 13.2, limitDb: -3 });
    expect(planMaster({ I: -20, TP: -12 }, { I: -14, TP: -2 })).toEqual({ gainDb: 6, limitDb: null });
    expect(planMaster({ I: -10, TP: 0.5 }, { I: -14, TP: -2 })).toEqual({ gainDb: -4, limitDb: null });
    expect(planMaster({ I: -10, TP: 3 }, { I: -14, TP: -2 })).toEqual({ gainDb: -4, limitDb: -3 });
    expect(planMaster({ I: -Infinity, TP: -Infinity }, { I: -14, TP: -2 })).toEqual({ gainDb: 0, limitDb: -3 });
  });

  it('reads the meter summary, ignoring the running log before it', () => {
    const stderr = '[Parsed_ebur128_0] t: 1.0 M: -20 S: -21 I: -19.0 LUFS\n[Parsed_ebur128_0] Summary:\n\n  Integrated loudness:\n    I:         -27.2 LUFS\n  True peak:\n    Peak:      -10.6 dBFS\n';
    expect(parseEbur128(stderr)).toEqual({ I: -27.2, peak: -10.6 });
    expect(parseEbur128('Summary:\n I: -inf LUFS\n Peak: -inf dBFS')).toEqual({ I: -Infinity, peak: -Infinity });
  });

  it('builds every command line as data: one pass, a part, the soundtrack, the join', () => {
    const encode = { preset: 'superfast', crf: 21, fps: 30, audioBitrate: '192k' };
    const x264 = (...cuts: string[]) => [
      '-c:v', 'libx264', '-preset', 'superfast', '-crf', '21', '-profile:v', 'high', '-pix_fmt', 'yuv420p', '-x264-params', 'b-adapt=0:qpmin=16:scenecut=0',
      ...cuts, '-r', '30', '-g', '60',
    ];
    const aac = ['-c:a', 'aac', '-aac_coder', 'fast', '-b:a', '192k', '-ar', '48000', '-ac', '2'];
    const head = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error'];
    // Keyframes at the cuts: a quarter frame early (frame 169 is at 5.6333 s).
    expect(buildRenderArgs({ images: ['/a.png', '/b.png'], voicePath: '/v.wav', musicPath: '/m.wav', filterGraph: 'G', totalSec: 12.3456, output: '/out.mp4', encode, cuts: [169] })).toEqual([
      ...head, '-progress', 'pipe:1', '-nostats', '-i', '/a.png', '-i', '/b.png', '-i', '/v.wav', '-i', '/m.wav',
      '-filter_complex', 'G', '-map', '[vout]', '-map', '[aout]', ...x264('-force_key_frames', '5.6250'), ...aac, '-t', '12.346', '-movflags', '+faststart', '/out.mp4',
    ]);
    expect(buildSegmentArgs({ images: ['/a.png'], filterGraph: 'G', frames: 552, cuts: [], output: '/p0.mp4', encode: { ...encode, threads: 1 } })).toEqual([
      ...head, '-progress', 'pipe:1', '-nostats', '-i', '/a.png', '-filter_complex_threads', '1', '-filter_complex', 'G', '-map', '[vout]', ...x264(), '-threads', '1', '-frames:v', '552', '-an', '/p0.mp4',
    ]);
    expect(buildSegmentArgs({ images: ['/a.png'], filterGraph: 'G', graphFile: '/p0.graph', frames: 552, cuts: [], output: '/p0.mp4', encode })).toEqual([
      ...head, '-progress', 'pipe:1', '-nostats', '-i', '/a.png', '-filter_complex_script', '/p0.graph', '-map', '[vout]', ...x264(), '-frames:v', '552', '-an', '/p0.mp4',
    ]);
    expect(buildAudioArgs({ input: '/mix.wav', filterGraph: 'A', totalSec: 12.3456, output: null, encode })).toEqual([
      '-hide_banner', '-nostdin', '-nostats', '-y', '-loglevel', 'info', '-i', '/mix.wav', '-filter_complex', 'A', '-map', '[aout]', '-f', 'null', '-',
    ]);
    expect(buildAudioArgs({ input: '/v.wav', filterGraph: 'A', totalSec: 12.3456, output: '/s.m4a', encode })).toEqual([
      ...head, '-i', '/v.wav', '-filter_complex', 'A', '-map', '[aout]', ...aac, '-t', '12.346', '/s.m4a',
    ]);
    expect(buildMixdownArgs({ voicePath: '/v.wav', musicPath: '/m.wav', filterGraph: 'M', wavPath: '/mix.wav' })).toEqual([
      '-hide_banner', '-nostdin', '-nostats', '-y', '-loglevel', 'info', '-i', '/v.wav', '-i', '/m.wav', '-filter_complex', 'M',
      '-map', '[metered]', '-f', 'null', '-', '-map', '[aout]', '-c:a', 'pcm_f32le', '/mix.wav',
    ]);
    expect(buildMuxArgs({ listPath: '/l.txt', audioPath: '/s.m4a', totalSec: 12.3456, output: '/o.mp4' })).toEqual([
      ...head, '-f', 'concat', '-safe', '0', '-i', '/l.txt', '-i', '/s.m4a', '-map', '0:v', '-map', '1:a', '-c', 'copy', '-t', '12.346', '-movflags', '+faststart', '/o.mp4',
    ]);
    expect(concatList([{ path: "/runs/it's/part-0.mp4", durationSec: 18.4 }, { path: '/runs/x/part-1.mp4', durationSec: 137 / 30 }]))
      .toBe("file '/runs/it'\\''s/part-0.mp4'\nduration 18.400000\nfile '/runs/x/part-1.mp4'\nduration 4.566667\n");
  });

  it('rounds frames per scene without drift, and escapes filter arguments', () => {
    expect(framesFor([1.01, 1.01, 1.01], 30)).toEqual([30, 31, 30]);
    expect(framesFor([2.5, 2.5], 30).reduce((a, b) => a + b, 0)).toBe(150);
    expect(escapeFilterValue("/data/it's:odd\\dir/c.ass")).toBe("'/data/it'\\\\\\''s\\:odd\\\\dir/c.ass'");
  });
});
