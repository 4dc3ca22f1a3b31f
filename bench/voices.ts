/**
 * `npm run bench -- voices`: each voice engine available here speaking the same 150 words (six
 * scenes), in its own process: wall time, real-time factor (seconds of work per second of
 * speech) and the peak memory of that process and anything it starts (sampled from /proc).
 * Edge and OpenAI-compatible servers are not reachable from this machine and are not measured.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFestival } from '../pipeline/providers/speech/festival';
import { writeTinyVoiceModel } from '../test/support/tinyVoiceModel';

/** Resident memory of a process and all its descendants, in bytes (0 once it has gone). */
function treeRss(pid: number): number {
  let total = 0;
  try {
    total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean)) total += treeRss(Number(child));
    }
  } catch {
    /* the process ended while we looked */
  }
  return total;
}

function measure(engine: string, env: Record<string, string> = {}): Promise<{ wallSec: number; audioSec: number; peak: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'voiceChild.ts'), engine], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    let peak = 0;
    const poll = setInterval(() => (peak = Math.max(peak, treeRss(child.pid!))), 20);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => {
      clearInterval(poll);
      if (code !== 0) return reject(new Error(`${engine} exited with ${code}`));
      resolve({ ...(JSON.parse(out.trim().split('\n').pop()!) as { wallSec: number; audioSec: number }), peak });
    });
  });
}

export async function benchVoices(): Promise<void> {
  console.log('\n# voices: 150 words in six scenes, each engine in its own process (2 cores)');
  const dir = mkdtempSync(join(tmpdir(), 'shortsmith-bench-voices-'));
  const engines: [label: string, engine: string, env?: Record<string, string>][] = [
    ['offline (Flite, WASI)', 'offline'],
    ['espeak (eSpeak NG, wasm)', 'espeak'],
  ];
  if (findFestival()) engines.push(['festival (HTS slt)', 'festival']);
  else console.log('festival: not installed here (apt-get install festival festvox-us-slt-hts)');
  engines.push(['sherpa (tiny test model: runtime overhead only, no real voice model here)', 'sherpa', { SHERPA_MODEL_DIR: writeTinyVoiceModel(join(dir, 'tiny')).dir }]);
  try {
    const base = await measure('baseline');
    console.log(`(a Node process with tsx and nothing spoken peaks at ${(base.peak / 2 ** 20).toFixed(0)} MiB: the engines' own share is the difference)`);
    for (const [label, engine, env] of engines) {
      const r = await measure(engine, env);
      console.log(`${label.padEnd(26)} ${r.audioSec.toFixed(1).padStart(5)} s of speech in ${r.wallSec.toFixed(2)} s · RTF ${(r.wallSec / r.audioSec).toFixed(3)} · peak ${(r.peak / 2 ** 20).toFixed(0)} MiB`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
