import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeYouTube, type FakeYouTube } from '../../support/fakes/youtube';

let yt: FakeYouTube;
let dataDir: string;

beforeAll(async () => {
  yt = await startFakeYouTube();
  dataDir = mkdtempSync(join(tmpdir(), 'shortsmith-cli-connect-'));
});
afterAll(async () => {
  await yt.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('shortsmith connect', () => {
  it('prints a link, waits on a local callback, and links the account for the terminal', async () => {
    const child = spawn(process.execPath, ['bin/shortsmith.js', 'connect', 'youtube'], {
      env: {
        ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', SECRET_KEY: 'c'.repeat(40),
        GOOGLE_CLIENT_ID: 'google-client', GOOGLE_CLIENT_SECRET: 'google-secret', GOOGLE_OAUTH_URL: yt.authorizeUrl, GOOGLE_TOKEN_URL: yt.tokenUrl, YOUTUBE_API_URL: yt.url,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    for (let i = 0; i < 200 && !/Waiting for YouTube/.test(err); i++) await new Promise((r) => setTimeout(r, 50));
    const link = /(http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+)/.exec(err)![1]!;
    expect(new URL(link).searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback\/youtube$/);
    const back = (await fetch(link, { redirect: 'manual' })).headers.get('location')!;
    const page = await fetch(back);
    expect(await page.text()).toMatch(/YouTube @octofacts is linked/);
    expect(await exited).toBe(0);
    expect(out).toMatch(/Linked YouTube @octofacts for the terminal\./);
  });

  it('says what to set when linking is not configured', async () => {
    const child = spawn(process.execPath, ['bin/shortsmith.js', 'connect', 'tiktok'], { env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    expect(await new Promise((r) => child.on('exit', r))).toBe(2);
    expect(err).toMatch(/the bot owner sets TIKTOK_CLIENT_KEY, TIKTOK_CLIENT_SECRET, SECRET_KEY/);
  });
});
