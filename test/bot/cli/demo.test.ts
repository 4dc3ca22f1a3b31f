import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('shortsmith demo', () => {
  it('runs the whole flow offline without a terminal and prints the mp4 path last', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'shortsmith-demo-'));
    try {
      const child = spawn(process.execPath, ['bin/shortsmith.js', 'demo', 'why the sky is blue', '--niche', 'science'], {
        env: { ...process.env, DATA_DIR: dataDir, RENDER_SIZE: '270x480', DATABASE_URL: '' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      child.stdin.end();
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      const code = await new Promise<number | null>((r) => child.on('exit', r));
      expect(code, stderr.slice(-2000)).toBe(0);
      expect(stderr).toMatch(/Pick a hook/);
      expect(stderr).toMatch(/Plan — Why the sky is blue/);
      expect(stderr).toMatch(/100%/);
      const last = stdout.trim().split('\n').at(-1)!;
      expect(last).toMatch(/video\.mp4$/);
      expect(existsSync(last)).toBe(true);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('warnings in a terminal', () => {
  it('are short lines, not JSON, with what and why', async () => {
    const { terminalLine } = await import('../../../bot/cli/terminalLog');
    expect(terminalLine({ level: 40, msg: 'footage not found for scene', scene: 9, reason: 'no usable clip found', projectId: 'p' })).toBe('warning: footage not found for scene (scene 9: no usable clip found)\n');
    expect(terminalLine({ level: 50, msg: 'voice engine call failed', engine: 'edge', reason: 'timeout' })).toBe('error: voice engine call failed (edge: timeout)\n');
  });
});
