import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { MALLOC_TUNABLES, runFfmpeg } from '../../../pipeline/render/ffmpeg';
import { BACKGROUND_PRIORITY, launcher } from '../../../pipeline/render/launcher';

const saved = process.env.GLIBC_TUNABLES;
afterEach(() => {
  if (saved === undefined) delete process.env.GLIBC_TUNABLES;
  else process.env.GLIBC_TUNABLES = saved;
});

/** What a child started by runFfmpeg sees in GLIBC_TUNABLES (a shell stands in for ffmpeg). */
const childTunables = async () => (await runFfmpeg('/bin/sh', ['-c', 'printf %s "$GLIBC_TUNABLES"'])).stdout;

describe('ffmpeg children', () => {
  it('keep big picture buffers in the heap (allocator tunables passed down)', async () => {
    delete process.env.GLIBC_TUNABLES;
    expect(await childTunables()).toBe(MALLOC_TUNABLES);
    expect(MALLOC_TUNABLES).toMatch(/glibc\.malloc\.mmap_threshold=\d+/);
  });

  it('let tunables set by the operator win (later settings override earlier ones)', async () => {
    process.env.GLIBC_TUNABLES = 'glibc.malloc.mmap_threshold=65536';
    expect(await childTunables()).toBe(`${MALLOC_TUNABLES}:glibc.malloc.mmap_threshold=65536`);
  });
});

/** Fields of /proc/<pid>/stat after the command name (index 1 is the parent pid, 16 the niceness). */
const statOf = (text: string) => text.slice(text.lastIndexOf(')') + 2).split(' ');

describe('the process launcher', () => {
  it('starts ffmpeg from a small helper process, at background priority, not by forking this one', async () => {
    const fields = statOf((await runFfmpeg('/bin/sh', ['-c', 'cat /proc/$$/stat'])).stdout);
    const parent = Number(fields[1]);
    expect(parent).not.toBe(process.pid);
    expect(readFileSync(`/proc/${parent}/cmdline`, 'utf8')).toContain('launcherChild.mjs');
    expect(statOf(readFileSync(`/proc/${parent}/stat`, 'utf8'))[1]).toBe(String(process.pid));
    expect(Number(fields[16])).toBe(BACKGROUND_PRIORITY);
  });

  it('fails what was running when the launcher dies, and starts a new one for the next run', async () => {
    const running = runFfmpeg('/bin/sh', ['-c', 'exec sleep 30']);
    await runFfmpeg('/bin/true', []);
    const helper = launcher.helperPid!;
    process.kill(helper, 'SIGKILL');
    await expect(running).rejects.toThrow(/process launcher exited/);
    expect((await runFfmpeg('/bin/sh', ['-c', 'echo again'])).stdout).toBe('again\n');
    expect(launcher.helperPid).not.toBe(helper);
  });

  it('reports a binary that does not exist as an error', async () => {
    await expect(runFfmpeg('/nonexistent/ffmpeg', ['-version'])).rejects.toThrow(/ENOENT/);
  });

  it.each([
    ['quiet', 'exec sleep 60', 'sleep'],
    // As ffmpeg does (it ignores SIGPIPE): writing all the time, it keeps the launcher sending,
    // and would outlive a launcher that died before killing it.
    ['writing its output all the time', 'trap "" PIPE; while :; do echo progress; sleep 0.02; done', '/bin/sh'],
  ])('kills what it started when the process that asked for it dies (%s)', async (_, command, name) => {
    // A process that starts the command through the launcher and waits.
    const script = `import { runFfmpeg } from ${JSON.stringify(new URL('../../../pipeline/render/ffmpeg.ts', import.meta.url).pathname)};
      runFfmpeg('/bin/sh', ['-c', ${JSON.stringify(command)}]).catch(() => undefined);`;
    const asker = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    // It is found by its parents: the launcher, whose parent is the asker.
    let started = 0;
    for (let i = 0; i < 200 && !started; i++) {
      await new Promise((r) => setTimeout(r, 25));
      started = childUnder(asker.pid!, name);
    }
    expect(started).toBeGreaterThan(0);
    // The asker dies while the launcher is held still (as on a busy machine, at background
    // priority): on waking, the launcher finds output to pass on first, then the asker gone.
    const helper = Number(statOf(readFileSync(`/proc/${started}/stat`, 'utf8'))[1]);
    process.kill(helper, 'SIGSTOP');
    await new Promise((r) => setTimeout(r, 100));
    asker.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
    process.kill(helper, 'SIGCONT');
    let alive = true;
    for (let i = 0; i < 100 && alive; i++) {
      await new Promise((r) => setTimeout(r, 20));
      alive = existsSync(`/proc/${started}`) && !statOf(readFileSync(`/proc/${started}/stat`, 'utf8'))[0]!.startsWith('Z');
    }
    if (alive) process.kill(started, 'SIGKILL');
    expect(alive).toBe(false);
  });
});

/** The pid of a process named `name` (its command line's first word) whose parent's parent is `grandparent`, or 0. */
function childUnder(grandparent: number, name: string): number {
  const parentOf = (pid: string) => {
    try {
      return Number(statOf(readFileSync(`/proc/${pid}/stat`, 'utf8'))[1]);
    } catch {
      return 0;
    }
  };
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] !== name) continue;
    } catch {
      continue;
    }
    if (parentOf(String(parentOf(pid))) === grandparent) return Number(pid);
  }
  return 0;
}
