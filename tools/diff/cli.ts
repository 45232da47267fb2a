/**
 * Offline plan diff: `npx nx run <layer>:diff -c <env> --base=<git ref>` (one layer) or
 * `npm run diff -- --env=dev,staging,prod --base=<ref> [--json=<file>] [--comment=<file>]` (every
 * layer). Synthesizes the layers at the base ref in a temporary git worktree and at the working
 * tree, then prints what would change per resource and warns loudly where data could be lost.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LAYERS, findWorkspaceRoot, parseEnvironment, type Environment, type Layer } from '@tradai/infra-shared';
import { parsePlan, planFile } from '@tradai/policy';
import { diffPlans, formatComment, formatDiff, type PlanDiff } from './diff.js';
import { withWorktree } from './worktree.js';

/** Runs the layers' synth (and what it depends on) with Nx in `cwd`. */
function synth(cwd: string, layers: readonly Layer[], env: Environment, cacheDir: string): void {
  execFileSync('npx', ['nx', 'run-many', '-t', 'synth', '-c', env, `--projects=${layers.join(',')}`, '--output-style=stream'], {
    cwd,
    stdio: ['ignore', 'inherit', 'inherit'],
    // One Nx cache for both checkouts: whatever the base shares with the working tree (most Lambda
    // bundles, upstream plans) is restored rather than rebuilt.
    env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true', NX_CACHE_DIRECTORY: cacheDir },
  });
}

const readPlan = (root: string, env: Environment, layer: Layer) => {
  const file = planFile(root, env, layer);
  return existsSync(file) ? parsePlan(JSON.parse(readFileSync(file, 'utf8')), file) : null;
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      layer: { type: 'string' },
      env: { type: 'string', default: 'dev' },
      environment: { type: 'string' },
      base: { type: 'string' },
      json: { type: 'string' },
      comment: { type: 'string' },
    },
  });
  if (!values.base) throw new Error('--base=<git ref> is required (the commit to compare the working tree with, e.g. origin/main)');
  const layers: Layer[] = values.layer ? [values.layer as Layer] : [...LAYERS];
  for (const l of layers) if (!LAYERS.includes(l)) throw new Error(`--layer must be one of ${LAYERS.join(', ')} (got ${l})`);
  const envs = (values.environment ?? values.env!).split(',').map((e) => parseEnvironment(e.trim()));
  const root = findWorkspaceRoot();
  const cacheDir = resolve(root, '.nx', 'cache');

  // Synth only builds a layer after its upstream layers: all of them run, only the asked ones are compared.
  const needed = LAYERS.slice(0, Math.max(...layers.map((l) => LAYERS.indexOf(l))) + 1);
  const diffs: PlanDiff[] = [];
  await withWorktree(root, values.base, (dir, commit) => {
    for (const env of envs) {
      console.error(`diff: synth ${needed.join(', ')} (${env}) at ${values.base} (${commit.slice(0, 12)})`);
      synth(dir, needed, env, cacheDir);
      console.error(`diff: synth ${needed.join(', ')} (${env}) in the working tree`);
      synth(root, needed, env, cacheDir);
      for (const layer of layers) {
        const head = readPlan(root, env, layer);
        if (!head) throw new Error(`synth did not write ${planFile(root, env, layer)}`);
        diffs.push(diffPlans(readPlan(dir, env, layer), head));
      }
    }
  });

  for (const d of diffs) console.log(`${formatDiff(d)}\n`);
  const write = (file: string, text: string) => {
    mkdirSync(dirname(resolve(file)), { recursive: true });
    writeFileSync(file, text);
    console.error(`diff: wrote ${file}`);
  };
  if (values.json) write(values.json, `${JSON.stringify({ base: values.base, diffs }, null, 2)}\n`);
  if (values.comment) write(values.comment, formatComment(diffs, values.base));
  const risky = diffs.reduce((n, d) => n + d.warnings.length, 0);
  if (risky) console.error(`diff: ${risky} stateful resource(s) would be replaced or deleted (see DATA AT RISK above)`);
}

main().catch((err) => {
  console.error(`diff failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
