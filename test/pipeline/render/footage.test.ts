import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { getEventListeners } from 'node:events';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLogger } from '../../../core/logger';
import { getRun } from '../../../db/repos/runs';
import { HttpError } from '../../../pipeline/providers/failure';
import { downloadClip, pruneCache } from '../../../pipeline/providers/stock/download';
import { makePexels } from '../../../pipeline/providers/stock/pexels';
import { makePixabay } from '../../../pipeline/providers/stock/pixabay';
import { chooseFile } from '../../../pipeline/providers/stock/types';
import { findBinaries } from '../../../pipeline/render/binaries';
import { clipVerifier, creditsLine, findSceneFootage, stockQueries } from '../../../pipeline/render/footage';
import { buildSegmentArgs } from '../../../pipeline/render/graph/args';
import { buildVideoGraph, clipPreset } from '../../../pipeline/render/graph/video';
import { checkVideo } from '../../../pipeline/render/qa';
import { makeClipFiles, startFakeStock, type FakeClip, type FakeStock } from '../../support/fakes/stock';
import type { CommandContext, CommandDeps } from '../../../commands/context';
import { runCommand } from '../../../commands/dispatch';
import { fallbackNotes } from '../../../commands/runViews';
import { createVideo, handleButton, handleForm } from '../../../commands/video';
import type { View } from '../../../commands/view';
import { loadConfig } from '../../../core/config';
import { getLatestPlanVersion } from '../../../db/repos/planVersions';
import { makeOfflinePlanner } from '../../../pipeline/plan/offline/offlinePlanner';
import { makeProviders } from '../../../pipeline/publish/accounts/providers';
import { makeTargets } from '../../../pipeline/publish/targets';
import { localSignals } from '../../../pipeline/queue/jobs';
import { WorkerPool } from '../../../pipeline/render/workers/pool';
import { makeTestDatabase, type TestDatabase } from '../../support/database';
import { makeRenderHarness, queueShortRun, renderQueued, type RenderHarness } from '../../support/render';

const bins = findBinaries({ ffmpegPath: process.env.FFMPEG_PATH, ffprobePath: process.env.FFPROBE_PATH });
const CLIPS: FakeClip[] = [
  { name: 'portrait-a', width: 360, height: 640, durationSec: 3 },
  { name: 'portrait-b', width: 360, height: 640, durationSec: 3 },
  { name: 'portrait-short', width: 360, height: 640, durationSec: 1.2 },
  { name: 'landscape', width: 640, height: 360, durationSec: 3 },
  { name: 'tiny-blip', width: 360, height: 640, durationSec: 0.4 },
  { name: 'not-video', width: 360, height: 640, durationSec: 3, broken: true },
  { name: 'cut-off', width: 360, height: 640, durationSec: 3, serve: 'cut' },
  { name: 'stalled', width: 360, height: 640, durationSec: 3, serve: 'stall' },
];
const clip = (name: string) => CLIPS.find((c) => c.name === name)!;

let dir: string;
let stock: FakeStock;
const silent = makeLogger('silent');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shortsmith-footage-'));
  makeClipFiles(bins.ffmpeg, dir, CLIPS);
  stock = await startFakeStock(dir, CLIPS);
});
afterAll(async () => {
  await stock.close();
  rmSync(dir, { recursive: true, force: true });
});

const pexels = () => makePexels({ apiKey: 'pexels-key', baseUrl: stock.server.url });
const pixabay = () => makePixabay({ apiKey: 'pixabay-key', baseUrl: stock.server.url });
const freshCache = () => ({ dir: mkdtempSync(join(dir, 'cache-')), maxBytes: 50 * 2 ** 20 });

describe('stock libraries', () => {
  it('chooses the smallest portrait file that covers the frame, never 4K when HD will do, never landscape', () => {
    const files = [
      { url: 'uhd', width: 2160, height: 3840 }, { url: 'hd', width: 1080, height: 1920 }, { url: 'sd', width: 540, height: 960 },
      { url: 'wide', width: 1920, height: 1080 },
    ];
    expect(chooseFile(files, 1080, 1920)?.url).toBe('hd');
    expect(chooseFile(files, 270, 480)?.url).toBe('sd');
    expect(chooseFile(files.filter((f) => f.url !== 'hd'), 1080, 1920)?.url).toBe('uhd');
    // Nothing covers: the biggest at least half the frame's height, scaled up.
    expect(chooseFile([{ url: 'sd', width: 540, height: 960 }], 1080, 1920)?.url).toBe('sd');
    expect(chooseFile([{ url: 'tiny', width: 240, height: 426 }], 1080, 1920)).toBeNull();
    expect(chooseFile([{ url: 'wide', width: 1920, height: 1080 }, { url: 'square', width: 1080, height: 1080 }], 1080, 1920)).toBeNull();
  });

  it('searches Pexels and Pixabay, keeps portrait clips with the file that fits, and names author, page and licence', async () => {
    stock.results.set('pexels:octopus', [clip('landscape'), clip('portrait-a')]);
    stock.results.set('pixabay:octopus', [clip('portrait-b'), clip('landscape')]);
    const fromPexels = await pexels().search({ query: 'octopus', width: 270, height: 480 });
    expect(fromPexels).toEqual([{
      provider: 'pexels', id: '1001', pageUrl: 'https://www.pexels.com/video/portrait-a-1001/', author: 'Pexels author portrait-a', authorUrl: 'https://www.pexels.com/@portrait-a',
      licence: 'Pexels License', licenceUrl: 'https://www.pexels.com/license/', durationSec: 3,
      file: { url: `${stock.server.url}/files/portrait-a.mp4`, width: 360, height: 640 },
    }]);
    const fromPixabay = await pixabay().search({ query: 'octopus', width: 270, height: 480 });
    expect(fromPixabay).toHaveLength(1);
    expect(fromPixabay[0]).toMatchObject({ provider: 'pixabay', id: '2000', author: 'pixa_portrait-b', licence: 'Pixabay Content License', file: { width: 360, height: 640 } });
    // The key goes where each API wants it: a header for Pexels, the query for Pixabay.
    const searches = stock.server.requests.filter((r) => !r.path.startsWith('/files/'));
    expect(searches.find((r) => r.path.startsWith('/videos/search'))!.headers.authorization).toBe('pexels-key');
    expect(searches.find((r) => r.path.startsWith('/api/videos/'))!.path).toContain('key=pixabay-key');
  });

  it('turns refusals into short reasons: a wrong key, and a rate limit with its retry time', async () => {
    await expect(makePexels({ apiKey: 'wrong', baseUrl: stock.server.url }).search({ query: 'x', width: 270, height: 480 })).rejects.toMatchObject({ status: 401, message: 'the API key was refused' });
    stock.failSearch = { status: 429, retryAfter: 30 };
    try {
      const err = await pixabay().search({ query: 'x', width: 270, height: 480 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HttpError);
      expect(err).toMatchObject({ status: 429, retryAfterSec: 30, message: 'rate limited, retry in 30 s' });
    } finally {
      stock.failSearch = null;
    }
  });
});

describe('clip downloads', () => {
  const opts = (cache: { dir: string; maxBytes: number }) => ({ cache, maxBytes: 20 * 2 ** 20, timeoutMs: 10_000, verify: clipVerifier(bins) });

  it('streams a clip into the cache once; a cache hit makes no request', async () => {
    const cache = freshCache();
    const url = `${stock.server.url}/files/portrait-a.mp4`;
    const before = stock.fileRequests().length;
    const first = await downloadClip(url, opts(cache));
    expect(first.cached).toBe(false);
    expect(statSync(first.path).size).toBe(readFileSync(join(dir, 'portrait-a.mp4')).length);
    const again = await downloadClip(url, opts(cache));
    expect(again).toEqual({ path: first.path, cached: true });
    expect(stock.fileRequests().length - before).toBe(1);
  });

  it('never keeps a broken file: cut short, not a video, too short, over the size limit, missing', async () => {
    const cache = freshCache();
    stock.results.set('pexels:missing', [{ ...clip('portrait-a'), name: 'gone', serve: 'missing' }]);
    const cases: [string, RegExp, Partial<ReturnType<typeof opts>>?][] = [
      ['cut-off', /cut short|terminated|aborted|closed|socket/i],
      ['not-video', /Invalid data|moov atom|no video|could not|error/i],
      ['tiny-blip', /shorter than 1 s/],
      ['portrait-b', /over the 0 MiB limit/, { maxBytes: 1000 }],
      ['gone', /refused \(Not Found\)|404/],
      ['stalled', /took longer than 1 s/, { timeoutMs: 1000 }],
    ];
    for (const [name, why, extra] of cases) {
      await expect(downloadClip(`${stock.server.url}/files/${name}.mp4`, { ...opts(cache), ...extra }), name).rejects.toThrow(why);
    }
    expect(readdirSync(cache.dir)).toEqual([]);
    // A render's signal serves every search and download: none leaves a listener on it.
    const signal = new AbortController().signal;
    for (let i = 0; i < 15; i++) await downloadClip(`${stock.server.url}/files/portrait-a.mp4`, { ...opts(cache), signal }).catch(() => undefined);
    await downloadClip(`${stock.server.url}/files/gone.mp4`, { ...opts(cache), signal }).catch(() => undefined);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('keeps the cache under its size limit, dropping the least recently used clips', () => {
    const cache = { dir: mkdtempSync(join(dir, 'lru-')), maxBytes: 2500 };
    ['old', 'mid', 'new'].forEach((name, i) => {
      const p = join(cache.dir, `${name}.mp4`);
      writeFileSync(p, Buffer.alloc(1000));
      utimesSync(p, new Date(1_000_000 + i * 1000), new Date(1_000_000 + i * 1000));
    });
    pruneCache(cache);
    expect(readdirSync(cache.dir).sort()).toEqual(['mid.mp4', 'new.mp4']);
  });
});

describe('footage per scene', () => {
  const scenes = [
    { visualPrompt: 'dramatic close-up of octopuses, crisp photography', onScreenText: 'OCTOPUSES', durationSec: 2 },
    { visualPrompt: 'clear explanatory image of octopuses, crisp photography', onScreenText: 'THE EVIDENCE', durationSec: 2 },
    { visualPrompt: 'focused detail shot of octopuses, crisp photography', onScreenText: 'THE MAIN CAUSE', durationSec: 2 },
  ];
  const services = (providers = [pexels(), pixabay()]) => ({ providers, cache: freshCache(), maxClipBytes: 20 * 2 ** 20, timeoutMs: 10_000, bins, format: { width: 270, height: 480 } });
  const ctx = () => ({ log: silent, projectId: 'p1', signal: new AbortController().signal });

  it('reads search phrases from the scene and the topic, most specific first', () => {
    expect(stockQueries(scenes[1]!, 'why octopuses have three hearts')).toEqual(['octopuses evidence', 'octopuses', 'octopuses hearts']);
    expect(stockQueries(scenes[0]!, 'why octopuses have three hearts')).toEqual(['octopuses', 'octopuses hearts']);
  });

  it('gives each scene its own clip, skips broken and unusable results, and falls back only where nothing works', async () => {
    stock.results.clear();
    // Scene 1's first result is cut off mid-download, scene 2's only fresh one is not a video:
    // both go on to the next result or library; the third scene finds nothing left.
    stock.results.set('pexels:octopuses', [clip('cut-off'), clip('portrait-a'), clip('not-video')]);
    stock.results.set('pixabay:octopuses', [clip('portrait-short'), clip('landscape'), clip('tiny-blip')]);
    const { clips, fallback } = await findSceneFootage(scenes, 'why octopuses have three hearts', services(), ctx());
    const names = clips.map((c) => c?.credit.pageUrl.replace(/^.*\/(?:video|videos)\/([a-z-]+)-\d+\/$/, '$1') ?? null);
    expect(names).toEqual(['portrait-a', 'portrait-short', null]);
    expect(new Set(clips.filter(Boolean).map((c) => c!.path)).size).toBe(2);
    for (const c of clips.filter(Boolean)) expect(existsSync(c!.firstFrame)).toBe(true);
    expect(fallback).toMatchObject({ kind: 'footage', engine: 'pexels+pixabay', to: 'pictures', scenes: [3] });
    expect(creditsLine(clips.filter(Boolean).map((c) => c!.credit))).toBe('Footage: Pexels (Pexels author portrait-a), Pixabay (pixa_portrait-short)');
  });

  it('a library that rate-limits or errors is left alone for the rest of the video; the run goes on with pictures', async () => {
    stock.results.clear();
    stock.results.set('pexels:octopuses', [clip('portrait-a'), clip('portrait-b')]);
    stock.failSearch = { status: 429, retryAfter: 60 };
    const lines: unknown[] = [];
    const log = makeLogger('warn', new Writable({ write: (chunk, _enc, done) => { lines.push(JSON.parse(String(chunk))); done(); } }));
    try {
      const before = stock.searchRequests().length;
      const { clips, fallback } = await findSceneFootage(scenes, 'why octopuses have three hearts', services(), { ...ctx(), log });
      expect(clips).toEqual([null, null, null]);
      // One search per library (429 is not retried), none after: both were marked down.
      expect(stock.searchRequests().length - before).toBe(2);
      expect(fallback).toMatchObject({ kind: 'footage', reason: 'HTTP 429: rate limited, retry in 60 s' });
      expect(fallback!.scenes).toBeUndefined();
      expect(JSON.stringify(lines)).toContain('footage engine call failed');
      expect(JSON.stringify(lines)).not.toContain('pixabay-key');
    } finally {
      stock.failSearch = null;
    }
  });
});

describe('the video graph with footage', () => {
  it('cuts a clip to its frames at 30 fps, scales and crops it, and plays pans as a still frame', () => {
    const graph = buildVideoGraph({
      width: 270, height: 480, fps: 30, assFilterArg: null,
      scenes: [{ effectPreset: 'pan_left', frames: 45, clip: true }, { effectPreset: 'fade', frames: 30, clip: true, from: 15, sceneFrames: 45 }, { effectPreset: 'static', frames: 30 }],
    });
    expect(graph.split(';')).toEqual([
      '[0:v]setpts=PTS-STARTPTS,fps=30,trim=start_frame=0:end_frame=45,settb=1/30,setpts=N,scale=270:480:force_original_aspect_ratio=increase,crop=270:480:exact=1,setsar=1,format=yuv420p,setsar=1[s0]',
      '[1:v]setpts=PTS-STARTPTS,fps=30,trim=start_frame=15:end_frame=45,settb=1/30,setpts=N,scale=270:480:force_original_aspect_ratio=increase,crop=270:480:exact=1,setsar=1,format=yuv420p,setsar=1[s1]',
      "[2:v]scale=270:480:force_original_aspect_ratio=increase,crop=270:480:exact=1,setsar=1,format=yuv420p,loop=loop=29:size=1:start=0,settb=1/30,setpts=N,select='eq(n,0)+eq(n,29)',setsar=1,fps=30,trim=end_frame=30[s2]",
      '[s0][s1][s2]concat=n=3:v=1:a=0,setpts=N/30/TB,format=yuv420p[vout]',
    ]);
    expect(['pan_left', 'tilt_up', 'slow_zoom_in', 'fade', 'flash_cut', 'glitch'].map(clipPreset)).toEqual(['static', 'static', 'slow_zoom_in', 'fade', 'flash_cut', 'glitch']);
  });

  it('loops a clip input so a short one runs on, and reads it without sound', () => {
    const args = buildSegmentArgs({ images: ['a.mp4', 'b.png'], clips: [true, false], filterGraph: 'G', frames: 60, cuts: [30], output: 'out.mp4', encode: { preset: 'superfast', crf: 21, fps: 30, audioBitrate: '192k' } });
    expect(args.join(' ')).toContain('-stream_loop -1 -an -i a.mp4 -i b.png -filter_complex G');
  });
});

describe('a render whose scenes are footage', () => {
  let h: RenderHarness;
  beforeAll(async () => {
    h = await makeRenderHarness({ PEXELS_API_KEY: 'pexels-key', PEXELS_BASE_URL: stock.server.url, PIXABAY_API_KEY: 'pixabay-key', PIXABAY_BASE_URL: stock.server.url });
  });
  afterAll(async () => {
    await h?.dispose();
  });

  it('mixes clips and a picture, passes QA, and credits the footage in export.json and the caption', async () => {
    stock.results.clear();
    stock.results.set('pexels:octopuses', [clip('portrait-a'), clip('landscape')]);
    stock.results.set('pixabay:octopuses', [clip('portrait-short')]);
    const run = await queueShortRun(h);
    expect(await renderQueued(h)).toBe('done');
    const finished = await getRun(h.db.prisma, run.id);
    const a = finished.artifacts;
    const exported = JSON.parse(readFileSync(a.exportJsonPath!, 'utf8')) as { durationSec: number; caption: string; credits: { scene: number; provider: string; author: string; licence: string }[] };
    const qa = await checkVideo(h.services.bins, a.mp4Path!, { width: 270, height: 480, fps: 30, durationSec: exported.durationSec, loudnessI: -14, loudnessTolerance: 1.5, truePeakMax: -1 });
    expect(qa.problems).toEqual([]);
    // Two scenes found footage (never the same clip twice); the third drew a picture instead.
    expect(exported.credits.map((c) => [c.scene, c.provider, c.licence])).toEqual([[1, 'pexels', 'Pexels License'], [2, 'pixabay', 'Pixabay Content License']]);
    expect(exported.caption).toContain('Footage: Pexels (Pexels author portrait-a), Pixabay (pixa_portrait-short)');
    const images = finished.resumeState.steps.images_generate!.outputs;
    expect((images.clips as unknown[]).map(Boolean)).toEqual([true, true, false]);
    expect(JSON.stringify(images.fallbacks)).toContain('"scenes":[3]');
    expect(finished.logs.map((l) => l.message).join('\n')).toMatch(/Footage for scene 3 fell back from pexels\+pixabay to pictures/);
    // …and the chat's final message says so.
    expect(fallbackNotes(finished).join(' ')).toMatch(/^Footage for scene 3 fell back from pexels\+pixabay to pictures \(no usable clip found\)\.$/);
    // The clips' sound is not in the video: its audio is the narration and music only (QA measured it on target).
    expect(qa.measured.audioCodec).toBe('aac');
  });
});

describe('choosing footage in the plan', () => {
  let db: TestDatabase;
  let deps: CommandDeps;
  const pool = new WorkerPool();
  const ctx: CommandContext = { platform: 'telegram', chatId: 'stock-chat', userId: 'u1', userName: 'u1', isDM: false, canManage: true, roleIds: [] };
  const run = (fn: () => Promise<View> | View) => runCommand(deps, ctx, 'test', fn);
  const button = (view: View, label: RegExp) => view.buttons!.flat().find((b) => label.test(b.label))?.id;

  beforeAll(async () => {
    db = await makeTestDatabase();
    const dataDir = mkdtempSync(join(dir, 'cmd-'));
    const config = loadConfig({ DATA_DIR: dataDir, RENDER_SIZE: '270x480', PEXELS_API_KEY: 'pexels-key', PEXELS_BASE_URL: stock.server.url, FFMPEG_PATH: process.env.FFMPEG_PATH, FFPROBE_PATH: process.env.FFPROBE_PATH });
    deps = {
      db: db.prisma, config, log: silent, planner: makeOfflinePlanner(), pool,
      pokeQueue: () => undefined, abortLocal: () => undefined, jobs: localSignals, accounts: { sealer: null, providers: makeProviders(config) },
      targets: makeTargets({ senders: [], ffmpeg: bins.ffmpeg, format: { width: 270, height: 480 }, webhook: {} }),
      pokeScheduler: () => undefined, clock: () => new Date(),
    };
  });
  afterAll(async () => {
    await pool.close();
    await db?.dispose();
  });

  it('shows the clips on the storyboard, swaps a scene\'s clip for the next result, and a locked scene keeps its clip', async () => {
    stock.results.clear();
    stock.results.set('pexels:*', [clip('portrait-a'), clip('portrait-b'), clip('portrait-short')]);
    const hooks = await run(() => createVideo(deps, ctx, { topic: 'why octopuses have three hearts', niche: 'facts' }));
    const plan = await run(() => handleButton(deps, ctx, button(hooks, /^1\./)!));
    expect(plan.image?.path && existsSync(plan.image.path)).toBe(true);
    // The storyboard fetched the clips the render will use, at the render's size.
    expect(readdirSync(join(deps.config.dataDir, 'cache', 'footage')).filter((f) => f.endsWith('.mp4'))).toHaveLength(3);
    const swap = button(plan, /Swap clip/)!;
    expect(swap).toBeTruthy();
    const form = await run(() => handleButton(deps, ctx, swap));
    const swapped = await run(() => handleForm(deps, ctx, form.form!.id, { scene: '1 2' }));
    const project = (await db.prisma.project.findFirstOrThrow({ where: { chatId: 'stock-chat' } }));
    let latest = (await getLatestPlanVersion(db.prisma, project.id))!;
    expect(latest.scenes.map((s) => s.footageSkip).slice(0, 3)).toEqual([1, 1, 0]);
    expect(swapped.image?.path).not.toBe(plan.image?.path);

    // Lock scene 1: Swap clip refuses it, and New script keeps its clip choice.
    const lockForm = await run(() => handleButton(deps, ctx, button(swapped, /Lock/)!));
    const locked = await run(() => handleForm(deps, ctx, lockForm.form!.id, { scene: '1' }));
    const swapAgain = await run(() => handleButton(deps, ctx, button(locked, /Swap clip/)!));
    const refused = await run(() => handleForm(deps, ctx, swapAgain.form!.id, { scene: '1' }));
    expect(refused.text).toMatch(/Scene 1 is locked, and keeps its clip/);
    await run(() => handleButton(deps, ctx, button(locked, /New script/)!));
    latest = (await getLatestPlanVersion(db.prisma, project.id))!;
    expect([latest.scenes[0]!.isLocked, latest.scenes[0]!.footageSkip]).toEqual([true, 1]);
  });

  it('a scene asked to pass over results takes the next one', async () => {
    stock.results.clear();
    stock.results.set('pexels:*', [clip('portrait-a'), clip('portrait-b')]);
    const scenes = [{ visualPrompt: 'octopuses', onScreenText: '', durationSec: 2, skip: 1 }, { visualPrompt: 'octopuses', onScreenText: '', durationSec: 2 }];
    const { clips } = await findSceneFootage(scenes, 'octopuses', { providers: [pexels()], cache: freshCache(), maxClipBytes: 20 * 2 ** 20, timeoutMs: 10_000, bins, format: { width: 270, height: 480 } }, { log: silent, projectId: 'p', signal: new AbortController().signal });
    expect(clips.map((c) => c?.credit.author)).toEqual(['Pexels author portrait-b', 'Pexels author portrait-a']);
  });
});

describe('search phrases from an AI plan', () => {
  it('searches the concrete phrase the planner put before the first comma first', () => {
    const scene = { visualPrompt: 'octopus swimming coral reef, a close shot in soft blue light, crisp photography', onScreenText: 'THREE HEARTS' };
    expect(stockQueries(scene, 'why octopuses have three hearts')).toEqual(['octopus swimming coral reef', 'octopuses hearts', 'octopuses']);
  });
});

describe('credits', () => {
  it('groups authors by library, once each', () => {
    const c = (provider: 'pexels' | 'pixabay', author: string) => ({ provider, id: '1', pageUrl: 'p', author, licence: 'l', licenceUrl: 'u' });
    expect(creditsLine([c('pexels', 'Ann'), c('pixabay', 'bo'), c('pexels', 'Cy'), c('pexels', 'Ann'), c('pixabay', '')])).toBe('Footage: Pexels (Ann, Cy), Pixabay (bo)');
    expect(creditsLine([])).toBe('');
  });
});
