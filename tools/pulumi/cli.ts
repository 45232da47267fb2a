/**
 * Real Pulumi runs of one layer: `tsx tools/pulumi/cli.ts <preview|up|refresh|destroy> --layer=<layer> --env=<env>`.
 * Nx targets: `nx run <layer>:up -c <env>` (one layer), `nx run <layer>:deploy -c <env>` (up with
 * --skip-unchanged after every upstream deploy). Needs the Pulumi CLI, AWS credentials and the S3
 * backend settings in infra/.env; each missing piece stops the run with what to do.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ECRClient } from '@aws-sdk/client-ecr';
import { AWS_REGION, LAYERS, UPSTREAM, findWorkspaceRoot, getStackReferenceName, loadConfig, namespaceValues, parseEnvironment, type Layer } from '@tradai/infra-shared';
import { readStackConfig } from '../synth/synth.js';
import { PreconditionError, readInfraEnv, requireAwsCredentials, requireBackendUrl, requirePulumiCli } from './checks.js';
import { confirmPersistentDestroy } from './confirm.js';
import { DEPLOY_HASH_TAG, deployHash } from './deploy-hash.js';
import { findMissingImages, formatMissingImages, requiredImages } from './preflight.js';

const COMMANDS = ['preview', 'up', 'refresh', 'destroy'] as const;
type Command = (typeof COMMANDS)[number];

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      layer: { type: 'string' },
      env: { type: 'string', default: 'dev' },
      'skip-unchanged': { type: 'boolean', default: false },
      confirm: { type: 'string' },
      yes: { type: 'boolean', default: Boolean(process.env['CI']) },
    },
  });
  const command = positionals[0] as Command;
  if (!COMMANDS.includes(command)) throw new PreconditionError(`command must be one of ${COMMANDS.join(', ')} (got ${positionals[0] ?? 'nothing'})`);
  const layer = values.layer as Layer;
  if (!LAYERS.includes(layer)) throw new PreconditionError(`--layer must be one of ${LAYERS.join(', ')}`);
  const env = parseEnvironment(values.env!);
  const root = findWorkspaceRoot();
  // Validate the stack's config before touching anything remote.
  const stackConfig = readStackConfig(root, layer, env);
  const cfg = loadConfig(env, namespaceValues(stackConfig));

  if (command === 'destroy' && layer === 'persistent') await confirmPersistentDestroy(env, values.confirm);

  const processEnv = { ...readInfraEnv(root), ...process.env };
  const problems: string[] = [];
  const attempt = async (check: () => unknown) => {
    try {
      await check();
    } catch (err) {
      if (!(err instanceof PreconditionError)) throw err;
      problems.push(err.message);
    }
  };
  await attempt(() => requirePulumiCli());
  await attempt(() => requireAwsCredentials(processEnv));
  await attempt(() => requireBackendUrl(processEnv));
  const bundle = join(root, 'dist', 'infra', layer, 'index.mjs');
  if (!existsSync(bundle)) problems.push(`${bundle} is missing: run \`npx nx run ${layer}:bundle\` (the Nx targets do it for you)`);
  if (problems.length) throw new PreconditionError(`cannot run pulumi ${command} for tradai-${layer}/${env}:\n  - ${problems.join('\n  - ')}`);

  const cwd = join(root, 'infra', layer);
  const opts: SpawnSyncOptions = { cwd, env: processEnv, stdio: 'inherit' };
  const pulumi = (args: string[], capture = false) => {
    const r = spawnSync('pulumi', args, capture ? { ...opts, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' } : opts);
    if (r.status !== 0) throw new Error(`pulumi ${args.join(' ')} exited with ${r.status}`);
    return String(r.stdout ?? '');
  };

  pulumi(['login', requireBackendUrl(processEnv)]);
  pulumi(['stack', 'select', env, '--create']);

  if (command === 'up' || command === 'preview') await preflight();
  if (command === 'up' && values['skip-unchanged']) {
    const upstreamOutputs = Object.fromEntries(
      UPSTREAM[layer].map((up) => {
        const ref = getStackReferenceName(cfg.org, up, env);
        return [ref, JSON.parse(pulumi(['stack', 'output', '--json', '--show-secrets', '--stack', ref], true))];
      }),
    );
    const hash = deployHash({ program: readFileSync(bundle), stackConfig: JSON.stringify(stackConfig), upstreamOutputs });
    const recorded = spawnSync('pulumi', ['stack', 'tag', 'get', DEPLOY_HASH_TAG], { cwd, env: processEnv, encoding: 'utf8' });
    if (recorded.status === 0 && recorded.stdout.trim() === hash) {
      console.log(`tradai-${layer}/${env}: program, config and upstream outputs unchanged since the last up; skipping.`);
      return 0;
    }
    runUp();
    pulumi(['stack', 'tag', 'set', DEPLOY_HASH_TAG, hash]);
    return 0;
  }

  if (command === 'up') runUp();
  else pulumi([command, ...(values.yes && command !== 'preview' ? ['--yes'] : [])]);
  return 0;

  function runUp() {
    pulumi(['up', ...(values.yes ? ['--yes'] : [])]);
  }

  async function preflight() {
    if (layer !== 'compute') return;
    const missing = await findMissingImages(new ECRClient({ region: AWS_REGION }), requiredImages(root, env));
    if (missing.length) throw new PreconditionError(formatMissingImages(missing, env));
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof PreconditionError || (err instanceof Error && err.name === 'ConfigError') ? err.message : err);
    process.exit(1);
  },
);
