/**
 * Which projects mutation testing covers, and the Stryker options for one of them. Pure: the CLI
 * (cli.ts) and the score check (check.ts) read the same answers.
 */
import type { PartialStrykerOptions } from '@stryker-mutator/api/core';

/** The score a project must keep (issue 16): detected / (detected + survived + no coverage). */
export const DEFAULT_THRESHOLD = 85;

/**
 * Projects whose mutation score is tracked: lambda-core, the 18 Lambdas, and the runtime libs and
 * services. Infra stacks, policy and cost are proven by their plan tests; tools and strategies
 * are not runtime code of the platform.
 */
export const COVERED_ROOTS = ['libs/lambda-core', 'apps/lambdas/*', 'libs/domain', 'libs/contracts', 'libs/market-data', 'libs/strategy-sdk', 'libs/service-runtime', 'libs/trading-engine', 'apps/services/*', 'apps/strategies/*'] as const;

export interface MutationProject {
  readonly name: string;
  /** Folder holding project.json, relative to the workspace root, '/'-separated. */
  readonly root: string;
}

/** The 2-core budget: two test-runner processes, one type-checker process, per-mutant time cap. */
export interface MutationBudget {
  readonly concurrency: number;
  /** Extra milliseconds a mutant may take over its tests' dry-run time before it counts as a timeout. */
  readonly timeoutMS: number;
}

export const DEFAULT_BUDGET: MutationBudget = { concurrency: 2, timeoutMS: 10_000 };

/** Where a project's reports go: HTML and JSON reports plus Stryker's incremental file. */
export const reportDir = (project: string) => `dist/mutation/${project}`;

/** Where a project's committed score file lives. */
export const scoreFile = (project: string) => `tools/mutation/scores/${project}.json`;

/**
 * What Stryker mutates in a project: its source, not its tests, test helpers or fixtures, and not
 * process entry points whose only job is to read the environment and listen (covered by the image
 * and platform end-to-end tests, which Stryker does not run).
 */
export function mutateGlobs(root: string): string[] {
  return [
    `${root}/src/**/*.ts`,
    `!${root}/src/**/*.test.ts`,
    `!${root}/src/**/testing/**`,
    // Test helpers that sit beside the tests they serve (backend, trading-engine) are not shipped code.
    `!${root}/src/**/test-support.ts`,
    `!${root}/src/**/__fixtures__/**`,
    `!${root}/src/main.ts`,
  ];
}

export function strykerOptions(project: MutationProject, budget: MutationBudget = DEFAULT_BUDGET, threshold = DEFAULT_THRESHOLD): PartialStrykerOptions {
  if (!Number.isInteger(budget.concurrency) || budget.concurrency < 1) throw new Error(`concurrency must be a whole number of at least 1, got ${budget.concurrency}`);
  const out = reportDir(project.name);
  return {
    packageManager: 'npm',
    testRunner: 'vitest',
    plugins: ['@stryker-mutator/vitest-runner', '@stryker-mutator/typescript-checker'],
    vitest: { configFile: 'vitest.config.ts', dir: project.root },
    // Mutants that do not type-check are dropped before any test runs: faster, and not counted.
    checkers: ['typescript'],
    tsconfigFile: `${project.root}/tsconfig.json`,
    typescriptChecker: { prioritizePerformanceOverAccuracy: true },
    mutate: mutateGlobs(project.root),
    coverageAnalysis: 'perTest',
    incremental: true,
    incrementalFile: `${out}/incremental.json`,
    reporters: ['html', 'json', 'clear-text', 'progress'],
    htmlReporter: { fileName: `${out}/index.html` },
    jsonReporter: { fileName: `${out}/mutation.json` },
    clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
    thresholds: { high: Math.min(100, threshold + 5), low: threshold, break: null },
    concurrency: budget.concurrency,
    checkerNodeArgs: [],
    timeoutMS: budget.timeoutMS,
    timeoutFactor: 2,
    // The sandbox copies only what tests need; build output and caches stay out.
    ignorePatterns: ['dist', '.nx', 'coverage', 'tmp', '.github', '*.tsbuildinfo', '.stryker-tmp'],
    // One sandbox folder per project, so runs for two projects can go on side by side.
    tempDirName: `.stryker-tmp/${project.name}`,
    cleanTempDir: 'always',
    disableTypeChecks: `${project.root}/src/**/*.ts`,
  };
}
