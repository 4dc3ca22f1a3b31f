// The process launcher: a small Node process that starts ffmpeg (and ffprobe) for the render
// worker, which talks to it over the IPC channel (see launcher.ts). Starting a process forks the
// process that starts it; forking the worker, ~0.5-0.9 GiB with its drawing and speech threads,
// blocks its event loop ~40 ms each time, this ~40 MiB one ~6 ms. Plain JavaScript: it starts
// without the TypeScript loader.
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';

/** @type {Map<number, import('node:child_process').ChildProcess>} */
const children = new Map();

// What it starts is background work (a lower CPU priority keeps chat replies quick while every
// core encodes): at this niceness itself, its children have it from their first instruction.
try {
  setPriority(0, Number(process.argv[2] ?? 10));
} catch {
  // Not allowed here (some containers): they run at normal priority.
}

/**
 * The worker is gone (exited, crashed or killed): nothing it started may outlive it. ffmpeg
 * ignores SIGPIPE, so it would not die of its own when its output has nowhere to go.
 */
function orphaned() {
  for (const child of children.values()) child.kill('SIGKILL');
  process.exit(0);
}

/**
 * Sends to the worker. A worker killed between the check and the write fails the write (EPIPE)
 * before the channel reports the disconnect: that failure means the same thing.
 * @param {object} message
 */
function send(message) {
  if (process.connected) process.send(message, undefined, {}, (err) => err && orphaned());
}

function start({ id, binary, args, env }) {
  let child;
  try {
    child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  } catch (err) {
    send({ type: 'error', id, message: err.message });
    return;
  }
  children.set(id, child);
  if (child.pid) send({ type: 'pid', id, pid: child.pid });
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (data) => send({ type: 'stdout', id, data }));
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (data) => send({ type: 'stderr', id, data }));
  child.on('error', (err) => send({ type: 'error', id, message: err.message, code: err.code }));
  child.on('close', (code) => {
    children.delete(id);
    send({ type: 'close', id, code });
  });
}

process.on('message', (message) => {
  if (message.type === 'start') start(message);
  else if (message.type === 'kill') children.get(message.id)?.kill('SIGKILL');
});

process.on('disconnect', orphaned);
