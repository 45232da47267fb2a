/**
 * `npm run infra -- <bootstrap|down-soft|down-all|down-persistent> [--env=dev] [--confirm=...]
 *   [--unprotect [--confirm-unprotect=...]] [--include-shared]`
 * Runs the steps in order and stops at the first failure. TEARDOWN.md explains each teardown.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { S3Client } from '@aws-sdk/client-s3';
import { findWorkspaceRoot, parseEnvironment, pulumiStateBucketName } from '@tradai/infra-shared';
import { awsClientConfig } from '../pulumi/aws-profile.js';
import { PreconditionError, readInfraEnv, requireAwsCredentials, requireBackendUrl, requireEnvironmentBackend } from '../pulumi/checks.js';
import { ensureStateBucket } from '../pulumi/state-bucket.js';
import { readStackConfig } from '../synth/synth.js';
import { INFRA_ACTIONS, infraCommands, type InfraAction } from './infra-plan.js';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      env: { type: 'string', default: 'dev' },
      confirm: { type: 'string' },
      unprotect: { type: 'boolean', default: false },
      'confirm-unprotect': { type: 'string' },
      'include-shared': { type: 'boolean', default: false },
    },
  });
  const action = positionals[0] as InfraAction;
  if (!INFRA_ACTIONS.includes(action)) {
    console.error(`usage: npm run infra -- <${INFRA_ACTIONS.join('|')}> [--env=dev|staging|prod]`);
    return 2;
  }
  const env = parseEnvironment(values.env!);
  if (action === 'bootstrap') await bootstrapStateBucket(env);
  const steps = infraCommands(action, env, {
    confirm: values.confirm,
    unprotect: values.unprotect,
    confirmUnprotect: values['confirm-unprotect'],
    includeShared: values['include-shared'],
  });
  for (const [i, step] of steps.entries()) {
    console.log(`\n[${i + 1}/${steps.length}] ${step.join(' ')}`);
    const r = spawnSync(step[0]!, step.slice(1), { stdio: 'inherit' });
    if (r.status !== 0) {
      console.error(`step ${i + 1} failed; later steps were not run`);
      return r.status ?? 1;
    }
  }
  return 0;
}

/**
 * The state bucket comes first, outside Pulumi: the first `persistent:up` writes its state there.
 * Same identity and region as the stacks (persistent's aws:profile/aws:region, else AWS_PROFILE).
 */
async function bootstrapStateBucket(env: ReturnType<typeof parseEnvironment>): Promise<void> {
  const root = findWorkspaceRoot();
  const processEnv = { ...readInfraEnv(root), ...process.env };
  const bucket = pulumiStateBucketName(env);
  requireEnvironmentBackend(requireBackendUrl(processEnv), env);
  const aws = awsClientConfig(readStackConfig(root, 'persistent', env), processEnv);
  await requireAwsCredentials(processEnv, aws.profile);
  const actions = await ensureStateBucket(new S3Client({ region: aws.region, credentials: aws.credentials }), bucket, aws.region);
  console.log(actions.length ? `state bucket ${bucket}: ${actions.join(', ')}` : `state bucket ${bucket}: already as required, nothing changed`);
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof PreconditionError || (err instanceof Error && err.name === 'ConfigError') ? err.message : err);
    process.exit(1);
  },
);
