import { describe, expect, it } from 'vitest';
import { mutateGlobs, reportDir, scoreFile, strykerOptions } from './config.js';
import { findProject } from './projects.js';

const project = { name: 'update-status', root: 'apps/lambdas/update-status' };

describe('strykerOptions', () => {
  const o = strykerOptions(project);

  it('runs the project tests through vitest and type-checks mutants against the project tsconfig', () => {
    expect(o.testRunner).toBe('vitest');
    expect(o.vitest).toEqual({ configFile: 'vitest.config.ts', dir: 'apps/lambdas/update-status' });
    expect(o.checkers).toEqual(['typescript']);
    expect(o.tsconfigFile).toBe('apps/lambdas/update-status/tsconfig.json');
    expect(o.coverageAnalysis).toBe('perTest');
  });

  it('writes reports and the incremental file under dist/mutation/<project>, in its own sandbox folder', () => {
    expect(reportDir('update-status')).toBe('dist/mutation/update-status');
    expect(o.htmlReporter).toEqual({ fileName: 'dist/mutation/update-status/index.html' });
    expect(o.jsonReporter).toEqual({ fileName: 'dist/mutation/update-status/mutation.json' });
    expect(o).toMatchObject({ incremental: true, incrementalFile: 'dist/mutation/update-status/incremental.json', tempDirName: '.stryker-tmp/update-status' });
    expect(o.ignorePatterns).toEqual(expect.arrayContaining(['dist', '.nx', '.stryker-tmp']));
    expect(scoreFile('update-status')).toBe('tools/mutation/scores/update-status.json');
  });

  it('mutates source only, never tests, test helpers, fixtures or the process entry point', () => {
    expect(mutateGlobs('libs/x')).toEqual(['libs/x/src/**/*.ts', '!libs/x/src/**/*.test.ts', '!libs/x/src/**/testing/**', '!libs/x/src/**/test-support.ts', '!libs/x/src/**/__fixtures__/**', '!libs/x/src/main.ts']);
  });

  it('fits the 2-core budget by default and takes the threshold as its low mark', () => {
    expect(o.concurrency).toBe(2);
    expect(o.thresholds).toEqual({ high: 90, low: 85, break: null });
    expect(strykerOptions(project, { concurrency: 1, timeoutMS: 5000 }, 97).thresholds).toEqual({ high: 100, low: 97, break: null });
  });

  it('refuses a concurrency that is not a whole number of at least 1', () => {
    expect(() => strykerOptions(project, { concurrency: 0, timeoutMS: 1 })).toThrow('concurrency must be a whole number of at least 1, got 0');
    expect(() => strykerOptions(project, { concurrency: Number('two'), timeoutMS: 1 })).toThrow(/got NaN/);
  });
});

describe('findProject', () => {
  it('names the covered projects when asked for another', () => {
    expect(findProject([project], 'update-status')).toBe(project);
    expect(() => findProject([project], 'compute')).toThrow('"compute" is not a project mutation testing covers; covered: update-status');
  });
});
