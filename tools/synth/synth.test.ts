import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Plan } from './plan.js';

const run = promisify(execFile);
const repoRoot = resolve(__dirname, '../..');
const fixtureRoot = join(__dirname, '__fixtures__', 'workspace');
const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');

/** The two ways to run synth: the TypeScript CLI under tsx, and the bundling launcher Nx runs. */
const RUNNERS = {
  'cli.ts under tsx': { command: tsx, script: join(__dirname, 'cli.ts'), unknownLayer: '--layer must be one of persistent, foundation, compute, edge' },
  'launch.mjs (nx run <layer>:synth)': { command: process.execPath, script: join(__dirname, 'launch.mjs'), unknownLayer: '--layer must be one of the programs in infra/: foundation, persistent (got network)' },
} as const;

const readPlan = (layer: string): Plan => JSON.parse(readFileSync(join(fixtureRoot, 'dist/synth/dev', `${layer}.json`), 'utf8'));

describe.each(Object.entries(RUNNERS))('synth: %s', (_name, runner) => {
  /** Runs synth in the fixture workspace, one process per layer as Nx does. */
  const synth = (layer: string, env = 'dev') =>
    run(runner.command, [runner.script, `--layer=${layer}`, `--env=${env}`], {
      cwd: fixtureRoot,
      env: { ...process.env, TSX_TSCONFIG_PATH: join(repoRoot, 'tsconfig.json') },
    });

  // Every case starts with no plans at all; a case that needs an upstream plan synthesizes it.
  beforeEach(() => rmSync(join(fixtureRoot, 'dist'), { recursive: true, force: true }));

  it('refuses a downstream layer before its upstream plan exists, naming the command', async () => {
    await expect(synth('foundation')).rejects.toMatchObject({
      stderr: expect.stringContaining('run `npx nx run persistent:synth -c dev` first'),
    });
  });

  it('writes the plan of a layer: resources with type, name, inputs, parent; contract outputs', async () => {
    const { stdout } = await synth('persistent');
    const plan = readPlan('persistent');
    expect(plan.stack).toBe('tradai-persistent');
    expect(plan.environment).toBe('dev');
    expect(plan.resources).toEqual([
      { type: 'aws:s3/bucket:Bucket', name: 'configs-bucket', inputs: { bucket: 'tradai-configs-fixture' }, parent: 'tradai:fixture:Store::configs' },
      { type: 'tradai:fixture:Store', name: 'configs', inputs: {}, parent: null },
    ]);
    expect(plan.outputs['s3_configs_bucket_id']).toBe('tradai-configs-fixture');
    expect(stdout).toContain('tradai-persistent (dev): 2 resources');
    expect(stdout).toMatch(/aws:s3\/bucket:Bucket\s+1/);
  });

  it('feeds upstream outputs to downstream StackReferences (org from config)', async () => {
    await synth('persistent');
    await synth('foundation');
    const plan = readPlan('foundation');
    const queue = plan.resources.find((r) => r.type === 'aws:sqs/queue:Queue');
    expect(queue?.inputs['name']).toBe('tradai-configs-fixture-queue');
    expect(plan.outputs['backtest_queue_url']).toMatch(/tradai-configs-fixture-queue$/);
  });

  it('rejects an unknown layer and an unknown environment', async () => {
    await expect(synth('network')).rejects.toMatchObject({ stderr: expect.stringContaining(runner.unknownLayer) });
    await expect(synth('persistent', 'qa')).rejects.toMatchObject({ stderr: expect.stringContaining('unknown environment "qa"; allowed: dev, staging, prod') });
    expect(existsSync(join(fixtureRoot, 'dist/synth/qa'))).toBe(false);
  });
});
