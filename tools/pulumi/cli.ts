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
import { LAYERS, UPSTREAM, findWorkspaceRoot, getStackReferenceName, loadConfig, namespaceValues, parseEnvironment, type Layer } from '@tradai/infra-shared';
import { readStackConfig } from '../synth/synth.js';
import { awsClientConfig } from './aws-profile.js';
import { PreconditionError, readInfraEnv, requireAwsCredentials, requireBackendUrl, requireEnvironmentBackend, requirePulumiCli } from './checks.js';
import { confirmPersistentDestroy, confirmUnprotect } from './confirm.js';
import { requireConsistentSharedAccount } from './shared-account.js';
import { persistentDestroySteps, sharedAccountGuard, type PulumiStep } from './teardown.js';
import { DEPLOY_HASH_TAG, deployHash } from './deploy-hash.js';
import { findMissingImages, formatMissingImages, requiredImages } from './preflight.js';
import { POLICY_CHECKED, pulumiRunArgs, requirePolicyPack } from './policy-pack.js';

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
      // destroy of persistent in a protected environment (prod): the explicit unprotect step, with its own phrase.
      unprotect: { type: 'boolean', default: false },
      'confirm-unprotect': { type: 'string' },
      // destroy of the owner of a shared account's account-wide resources (TEARDOWN.md).
      'include-shared': { type: 'boolean', default: false },
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
  requireConsistentSharedAccount(env, (l, e) => (existsSync(join(root, 'infra', l, `Pulumi.${e}.yaml`)) ? readStackConfig(root, l, e) : undefined));

  if (command === 'destroy') sharedAccountGuard(cfg, layer, values['include-shared']!);
  // Decided (and prod refused without --unprotect) before anyone is asked to type a phrase.
  let teardown: PulumiStep[] | undefined;
  if (command === 'destroy' && layer === 'persistent') {
    teardown = persistentDestroySteps(cfg, { unprotect: values.unprotect! });
    await confirmPersistentDestroy(env, values.confirm);
    if (values.unprotect) await confirmUnprotect(env, values['confirm-unprotect']);
  }

  const processEnv = { ...readInfraEnv(root), ...process.env };
  // The identity the deploy uses: the stack's aws:profile, else AWS_PROFILE (shell, else infra/.env).
  const awsConfig = awsClientConfig(stackConfig, processEnv);
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
  await attempt(() => requireAwsCredentials(processEnv, awsConfig.profile));
  await attempt(() => requireEnvironmentBackend(requireBackendUrl(processEnv), env));
  const bundle = join(root, 'dist', 'infra', layer, 'index.mjs');
  if (!existsSync(bundle)) problems.push(`${bundle} is missing: run \`npx nx run ${layer}:bundle\` (the Nx targets do it for you)`);
  let policyPack: string | undefined;
  if ((POLICY_CHECKED as readonly string[]).includes(command)) await attempt(() => (policyPack = requirePolicyPack(root, env)));
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

  if (teardown) {
    // Without the policy pack: the teardown run breaks the protection rules on purpose.
    for (const step of teardown) {
      console.log(`tradai-persistent/${env}: pulumi ${step.args.join(' ')}  (${step.why})`);
      const r = spawnSync('pulumi', step.args, { ...opts, env: { ...processEnv, ...step.env } });
      if (r.status !== 0) throw new Error(`pulumi ${step.args.join(' ')} exited with ${r.status}; see TEARDOWN.md "A half-finished teardown"`);
    }
    return 0;
  }
  if (command === 'up') runUp();
  else pulumi(pulumiRunArgs(command, { yes: values.yes!, policyPack }));
  return 0;

  function runUp() {
    pulumi(pulumiRunArgs('up', { yes: values.yes!, policyPack }));
  }

  async function preflight() {
    if (layer !== 'compute') return;
    const missing = await findMissingImages(new ECRClient({ region: awsConfig.region, credentials: awsConfig.credentials }), requiredImages(root, env));
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
