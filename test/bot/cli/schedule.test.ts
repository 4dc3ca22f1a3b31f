import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dataDir: string;
let outDir: string;

function cli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['bin/shortsmith.js', ...args], {
    env: { ...process.env, DATA_DIR: dataDir, RENDER_SIZE: '270x480', DATABASE_URL: '', LOG_LEVEL: 'info', TZ: 'UTC', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end();
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const exited = new Promise<number | null>((r) => child.on('exit', r));
  return { child, exited, out: () => stdout, err: () => stderr };
}

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'shortsmith-cli-sched-'));
  outDir = join(dataDir, 'out');
  mkdirSync(outDir);
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('scheduling from the terminal', () => {
  let runId = '';

  it('refuses a schedule that cannot work before rendering anything', async () => {
    const p = cli(['demo', 'why the sky is blue', '--yes', '--schedule', 'tomorrow 9am', '--target', `folder:${join(dataDir, 'missing')}`]);
    expect(await p.exited).toBe(2);
    expect(p.err()).toMatch(/The folder .*missing does not exist/);
    expect(existsSync(join(dataDir, 'runs'))).toBe(false);
    const q = cli(['demo', 'why the sky is blue', '--yes', '--schedule', 'last year', '--target', `folder:${outDir}`]);
    expect(await q.exited).toBe(2);
    expect(q.err()).toMatch(/could not read|already passed/);
  });

  it('demo --schedule renders, queues the post and returns; a worker posts it once', async () => {
    const demo = cli(['demo', 'why the sky is blue', '--niche', 'science', '--yes', '--schedule', 'now', '--target', `folder:${outDir}`]);
    expect(await demo.exited, demo.err().slice(-1500)).toBe(0);
    expect(demo.err()).toMatch(/Posting now to the folder .*out\./);
    const mp4 = demo.out().trim().split('\n').at(-1)!;
    runId = basename(dirname(mp4));
    expect(readdirSync(outDir)).toEqual([]);

    const listed = cli(['scheduled', '--tz', 'Europe/Berlin']);
    expect(await listed.exited).toBe(0);
    expect(listed.out()).toMatch(new RegExp(`\\(Europe/Berlin\\)  Why the sky is blue  → the folder .*out  \\[waiting\\]  run ${runId}  \\(cli\\)`));

    const worker = cli(['start', '--role', 'worker']);
    for (let i = 0; i < 300 && readdirSync(outDir).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < 100 && !/"msg":"posted"/.test(worker.out()); i++) await new Promise((r) => setTimeout(r, 100));
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    const [entry] = readdirSync(outDir);
    expect(readdirSync(join(outDir, entry!)).sort()).toEqual(['captions.srt', 'metadata.json', 'thumbnail.jpg', 'video.mp4']);
    expect(readFileSync(join(outDir, entry!, 'video.mp4')).equals(readFileSync(mp4))).toBe(true);
    expect(JSON.parse(readFileSync(join(outDir, entry!, 'metadata.json'), 'utf8'))).toMatchObject({ runId, title: 'Why the sky is blue' });
  }, 120_000);

  it('schedule <run id> posts a run to each target once, and scheduled shows what waits', async () => {
    const again = cli(['schedule', runId, '--at', 'now', '--target', `folder:${outDir}`]);
    expect(await again.exited).toBe(2);
    expect(again.out()).toMatch(/Already posted to the folder .*out: a video goes to each place once/);
    const bad = cli(['schedule', runId, '--at', 'tomorrow 9am', '--target', 'webhook:https://203.0.113.10/hook']);
    expect(await bad.exited).toBe(2);
    expect(bad.out()).toMatch(/WEBHOOK_SECRET/);
    // A month ahead, at 09:30 in New York: luxon says what that is in words and in UTC.
    const at = DateTime.now().setZone('America/New_York').plus({ days: 30 }).set({ hour: 9, minute: 30, second: 0, millisecond: 0 });
    const later = cli(['schedule', runId, '--at', at.toFormat('yyyy-LL-dd HH:mm'), '--tz', 'America/New_York', '--target', 'webhook:https://203.0.113.10/hook'], { WEBHOOK_SECRET: 'whsec-0123456789abcdef' });
    expect(await later.exited, later.err()).toBe(0);
    const utc = at.setZone('utc');
    expect(later.out()).toContain(`Posts on ${at.toFormat('ccc d LLL yyyy')}, 09:30 (America/New_York) — ${utc.toFormat('yyyy-LL-dd HH:mm')} UTC.\nTo: the webhook at 203.0.113.10.`);
    const listed = cli(['scheduled']);
    expect(await listed.exited).toBe(0);
    expect(listed.out()).toContain(`${utc.toFormat('ccc d LLL yyyy, HH:mm')} (UTC)  Why the sky is blue  → the webhook at 203.0.113.10  [waiting]`);
  }, 60_000);
});
