import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';

/**
 * A process started for the renderer. Events: `stdout` and `stderr` (text as it comes), `error`
 * (it could not be started, or its launcher went away), `close` (exit code, null when killed).
 */
export class LaunchedProcess extends EventEmitter<{ stdout: [string]; stderr: [string]; error: [Error]; close: [number | null] }> {
  /** Known once it has started. */
  pid: number | undefined;
  constructor(readonly kill: () => void) {
    super();
  }
}

interface StartRequest {
  binary: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/**
 * Unix niceness of everything started here (0 normal … 19 lowest): renders are background work,
 * and a lower CPU priority keeps chat replies in the same process (and on the same machine) quick
 * while every core encodes.
 */
export const BACKGROUND_PRIORITY = 10;

type LauncherMessage =
  | { type: 'pid'; id: number; pid: number }
  | { type: 'stdout' | 'stderr'; id: number; data: string }
  | { type: 'error'; id: number; message: string; code?: string }
  | { type: 'close'; id: number; code: number | null };

const HELPER = fileURLToPath(new URL('./launcherChild.mjs', import.meta.url));

/**
 * Starts processes through a small helper process (`launcherChild.mjs`), so this process — which
 * holds the drawing and speech threads and, in a worker, shares its event loop with nothing
 * else, in a single-process install with the chat bot — is never forked: forking ~0.8 GiB
 * blocks the event loop ~40 ms per ffmpeg. If the helper dies, what it was running fails (the
 * step's error says so) and the next start forks a new one.
 */
class Launcher {
  private helper: ChildProcess | null = null;
  /** What is running, and which helper runs it. */
  private readonly running = new Map<number, { proc: LaunchedProcess; helper: ChildProcess }>();
  private nextId = 1;

  /** The helper's pid while it runs (the bench adds up the CPU of what it started). */
  get helperPid(): number | undefined {
    return this.helper?.connected ? this.helper.pid : undefined;
  }

  /** Starts the helper now (while this process is small, its own start is cheap too). */
  prestart(): void {
    this.ensure();
  }

  start(req: StartRequest): LaunchedProcess {
    const helper = this.ensure();
    const id = this.nextId++;
    const proc = new LaunchedProcess(() => {
      // At once from here when its pid is known (the helper, at background priority, may wait
      // for a core on a busy machine), and through the helper in case it is not known yet.
      if (proc.pid && this.running.has(id)) {
        try {
          process.kill(proc.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      if (helper.connected) helper.send({ type: 'kill', id });
    });
    this.running.set(id, { proc, helper });
    this.hold(true);
    helper.send({ type: 'start', id, ...req });
    return proc;
  }

  private ensure(): ChildProcess {
    if (this.helper?.connected) return this.helper;
    const helper = fork(HELPER, [String(BACKGROUND_PRIORITY)], { execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'json' });
    helper.on('message', (m: LauncherMessage) => this.receive(m));
    // It could not start, or it died: what it was running fails, and the next start forks anew.
    const lost = (why: string) => {
      if (this.helper === helper) this.helper = null;
      for (const [id, job] of this.running) {
        if (job.helper !== helper) continue;
        this.running.delete(id);
        job.proc.emit('error', new Error(`the process launcher ${why}`));
      }
    };
    helper.on('error', (err) => lost(`failed: ${err.message}`));
    helper.on('exit', () => lost('exited'));
    this.helper = helper;
    this.hold(false);
    return helper;
  }

  /** The helper keeps this process alive only while something it started is running. */
  private hold(on: boolean): void {
    const channel = this.helper?.channel;
    if (on) {
      this.helper?.ref();
      channel?.ref();
    } else {
      this.helper?.unref();
      channel?.unref();
    }
  }

  private receive(m: LauncherMessage): void {
    const proc = this.running.get(m.id)?.proc;
    if (!proc) return;
    if (m.type === 'pid') proc.pid = m.pid;
    else if (m.type === 'stdout' || m.type === 'stderr') proc.emit(m.type, m.data);
    else {
      this.running.delete(m.id);
      if (!this.running.size) this.hold(false);
      if (m.type === 'close') proc.emit('close', m.code);
      if (m.type === 'error') proc.emit('error', Object.assign(new Error(m.message), { code: m.code }));
    }
  }
}

export const launcher = new Launcher();
