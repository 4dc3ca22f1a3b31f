import { fork, spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { setPriority } from 'node:os';
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
 * blocks the event loop ~40 ms per ffmpeg. Falls back to starting them itself when the
 * helper cannot run.
 */
class Launcher {
  private helper: ChildProcess | null = null;
  private readonly running = new Map<number, LaunchedProcess>();
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
    if (!helper) return startDirectly(req);
    const id = this.nextId++;
    const proc = new LaunchedProcess(() => {
      if (helper.connected) helper.send({ type: 'kill', id });
    });
    this.running.set(id, proc);
    this.hold(true);
    helper.send({ type: 'start', id, ...req });
    return proc;
  }

  private ensure(): ChildProcess | null {
    if (this.helper?.connected) return this.helper;
    let helper: ChildProcess;
    try {
      helper = fork(HELPER, [String(BACKGROUND_PRIORITY)], { execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'json' });
    } catch {
      return null;
    }
    helper.on('message', (m: LauncherMessage) => this.receive(m));
    helper.on('error', () => undefined);
    helper.on('exit', () => {
      if (this.helper === helper) this.helper = null;
      for (const proc of this.running.values()) proc.emit('error', new Error('the process launcher exited'));
      this.running.clear();
    });
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
    const proc = this.running.get(m.id);
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

/** Starts the process from this one (no helper). */
function startDirectly(req: StartRequest): LaunchedProcess {
  const child = spawn(req.binary, req.args, { stdio: ['ignore', 'pipe', 'pipe'], env: req.env });
  const proc = new LaunchedProcess(() => child.kill('SIGKILL'));
  proc.pid = child.pid;
  if (child.pid) {
    try {
      setPriority(child.pid, BACKGROUND_PRIORITY);
    } catch {
      // Not allowed here (some containers): it runs at normal priority.
    }
  }
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => proc.emit('stdout', d));
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => proc.emit('stderr', d));
  child.on('error', (err) => proc.emit('error', err));
  child.on('close', (code) => proc.emit('close', code));
  return proc;
}

export const launcher = new Launcher();
