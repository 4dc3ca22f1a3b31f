import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Processed by vitest (not loaded as-is) so a test can swap its websocket for one that dials
    // the local fake Edge server: its service address is a constant inside the package.
    server: { deps: { inline: ['edge-tts-universal'] } },
    // Two cores in CI: render tests are CPU-bound, so do not oversubscribe.
    maxWorkers: 2,
  },
});
