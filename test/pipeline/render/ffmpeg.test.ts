import { afterEach, describe, expect, it } from 'vitest';
import { MALLOC_TUNABLES, runFfmpeg } from '../../../pipeline/render/ffmpeg';

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
