import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// The image e2e only (`*.e2e.ts`): not part of `npm test`, which must pass on a machine without buildah.
export default defineConfig({
  root: resolve(import.meta.dirname, '..', '..', '..'),
  resolve: { tsconfigPaths: true },
  test: {
    environment: 'node',
    include: ['tools/images/e2e/**/*.e2e.ts'],
    // Builds and containers share 2 cores: one file, its tests in order.
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 1_800_000,
    pool: 'forks',
  },
});
