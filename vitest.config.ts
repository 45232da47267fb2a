import { defineConfig } from 'vitest/config';

// One config for every project: each project's `test` target narrows it with `--dir {projectRoot}`.
export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    environment: 'node',
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**', '.nx/**', '.stryker-tmp/**'],
    // Pulumi mock programs and emulators start in a second or two; the default 5 s is tight on 2 cores.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
