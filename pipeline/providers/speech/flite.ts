import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { encodeWav, tightenSilences, wavSeconds } from '../../media/wav';
import { parseWav } from '../../media/wavParse';

/**
 * CMU Flite (WASI build from npm, voices inside): statistical voices recorded from people, far
 * clearer than eSpeak's formant synthesis and about as fast (~0.01 s per second of speech), but
 * English only and without word events — captions are aligned from the audio afterwards. It runs
 * in a child process of its own (fliteServer.mjs), started on first use and again if it dies.
 */

/**
 * The project's voices as Flite voices (slt: US female; rms: US male; awb: Scottish male). The
 * duration stretch for a plan is `wpm` over the plan's words a minute; set so the bench's 150
 * words come out at ~160 words a minute for a 150 plan, as eSpeak's do: plans count words, and
 * their long words and short sentences take Flite longer (at exactly 150 the demo's 60 s plan
 * spoke for 70 s; now 66 s, eSpeak's 61 s).
 */
const VOICES: Record<string, { name: string; wpm: number }> = {
  alloy: { name: 'slt', wpm: 189 }, nova: { name: 'slt', wpm: 189 }, shimmer: { name: 'slt', wpm: 189 },
  echo: { name: 'rms', wpm: 161 }, onyx: { name: 'rms', wpm: 161 }, fable: { name: 'awb', wpm: 181 },
};

const SERVER = new URL('./fliteServer.mjs', import.meta.url);

interface Pending {
  resolve(wav: Buffer): void;
  reject(err: Error): void;
}

/** One Flite process, its requests in flight, and whether it has loaded. */
class FliteProcess {
  private child: ChildProcessWithoutNullStreams | null = null;
  private ready: Promise<void> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  /** Starts the process (if needed) and waits until its WebAssembly is compiled. */
  start(): Promise<void> {
    if (this.ready) return this.ready;
    const child = spawn(process.execPath, ['--expose-gc', '--no-warnings', SERVER.pathname], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    this.ready = new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        let msg: { ready?: boolean; id?: number; ok?: boolean; wav?: string; error?: string };
        try {
          msg = JSON.parse(line) as typeof msg;
        } catch {
          return; // a line cut short by the process dying: its request fails on exit below
        }
        if (msg.ready) {
          resolve();
          return this.idle();
        }
        const p = this.pending.get(msg.id ?? -1);
        if (!p) return;
        this.pending.delete(msg.id!);
        if (msg.ok && msg.wav) p.resolve(Buffer.from(msg.wav, 'base64'));
        else p.reject(new Error(`flite: ${msg.error ?? 'no audio'}`));
        this.idle();
      });
      child.on('error', reject);
      child.on('exit', (code, sig) => {
        const why = new Error(`the Flite process stopped (${sig ?? `exit ${code}`})${stderr ? `: ${stderr.trim().split('\n').pop()}` : ''}`);
        reject(why);
        for (const p of this.pending.values()) p.reject(why);
        this.pending.clear();
        if (this.child === child) {
          this.child = null;
          this.ready = null;
        }
      });
    });
    this.ready.catch(() => undefined);
    return this.ready;
  }

  async speak(req: { voice: string; stretch: string; text: string }, signal?: AbortSignal): Promise<Buffer> {
    await this.start();
    const child = this.child!;
    const id = this.nextId++;
    const wav = new Promise<Buffer>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    child.ref();
    (child.stdout as unknown as { ref(): void }).ref();
    child.stdin.write(`${JSON.stringify({ id, ...req })}\n`);
    if (!signal) return wav;
    return Promise.race([wav, new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))]);
  }

  /** The process id while one runs (tests kill it to check the respawn). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** With nothing in flight (and loaded) the process must not keep a command-line run alive. */
  private idle(): void {
    if (!this.child || this.pending.size) return;
    this.child.unref();
    (this.child.stdout as unknown as { unref(): void }).unref();
    (this.child.stderr as unknown as { unref(): void }).unref();
    (this.child.stdin as unknown as { unref(): void }).unref();
  }
}

const flite = new FliteProcess();

/** The Flite process's id, while it runs. */
export function flitePid(): number | undefined {
  return flite.pid;
}

/** Starts Flite ahead of the first scene (a render service calls this as it starts). */
export function warmFlite(): Promise<void> {
  return flite.start();
}

/** Speaks English text with Flite into a WAV (16 kHz mono). The text never passes through a shell. */
export async function speakFlite(text: string, opts: { voice: string; wpm: number }, signal?: AbortSignal): Promise<{ wav: Buffer; durationSec: number }> {
  // A preset, or Flite's own name (slt, rms, awb).
  const voice = VOICES[opts.voice] ?? Object.values(VOICES).find((v) => v.name === opts.voice) ?? VOICES.alloy!;
  const stretch = Math.min(2.5, Math.max(0.4, voice.wpm / Math.max(60, opts.wpm))).toFixed(3);
  const pcm = parseWav(await flite.speak({ voice: voice.name, stretch, text }, signal));
  // Flite pads each clip and pauses long between sentences: tighter, a plan's minute stays one.
  const samples = tightenSilences(pcm.samples, pcm.sampleRate, { lead: 0.05, tail: 0.1, maxGap: 0.3 });
  const wav = encodeWav(samples, pcm.sampleRate, 1);
  return { wav, durationSec: wavSeconds(parseWav(wav)) };
}
