import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { backendUrlBucket, pulumiStateBucketName, type Environment } from '@tradai/infra-shared';
import { resolveAwsProfile, type AwsProfileChoice } from './aws-profile.js';

/** A precondition for a real Pulumi run is not met; the message says how to meet it. */
export class PreconditionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PreconditionError';
  }
}

export const PULUMI_INSTALL_HINT =
  'install the Pulumi CLI (https://www.pulumi.com/docs/iac/download-install/, e.g. `curl -fsSL https://get.pulumi.com | sh`), then re-run';

/** The Pulumi CLI version, or a PreconditionError saying how to install it. */
export function requirePulumiCli(run = spawnSync): string {
  const result = run('pulumi', ['version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new PreconditionError(`the Pulumi CLI was not found on PATH: ${PULUMI_INSTALL_HINT}. Offline, \`npx nx run-many -t synth -c <env>\` plans every stack without it.`);
  }
  return String(result.stdout).trim();
}

/**
 * Resolves AWS credentials the way the SDK and Pulumi's AWS provider would, with the profile the
 * run deploys with (stack `aws:profile`, else AWS_PROFILE from the shell or infra/.env).
 */
export async function requireAwsCredentials(env: NodeJS.ProcessEnv = process.env, choice: AwsProfileChoice = resolveAwsProfile({}, env)): Promise<void> {
  try {
    // IMDS would wait for a timeout on machines outside EC2; a workstation or CI runner has none.
    const provider = fromNodeProviderChain(choice.profile ? { profile: choice.profile } : {});
    const creds = await Promise.race([
      provider(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), 5000)),
    ]);
    if (!creds.accessKeyId) throw new Error('empty credentials');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new PreconditionError(
      choice.profile
        ? `no AWS credentials for profile "${choice.profile}" (from ${choice.source}; ${reason}): log in with \`aws sso login --profile ${choice.profile}\`, or fix that profile in ~/.aws/config`
        : `no AWS credentials (${reason}): log in with \`aws sso login --profile tradai\` and set it with \`pulumi config set aws:profile tradai\` (or AWS_PROFILE=tradai in infra/.env), or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY`,
    );
  }
}

/** infra/.env (seed section 9): PULUMI_CONFIG_PASSPHRASE, S3_PULUMI_BACKEND_URL, AWS_PROFILE. */
export function readInfraEnv(root: string): Record<string, string> {
  const file = join(root, 'infra', '.env');
  if (!existsSync(file)) return {};
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#') && l.includes('='))
      .map((l) => {
        const i = l.indexOf('=');
        return [l.slice(0, i).trim(), l.slice(i + 1).trim().replace(/^(['"])(.*)\1$/, '$2')];
      }),
  );
}

/** The self-managed S3 backend URL; the stacks' state lives there, not in Pulumi Cloud. */
export function requireBackendUrl(env: Record<string, string | undefined>): string {
  const url = env['S3_PULUMI_BACKEND_URL'];
  if (!url) throw new PreconditionError('S3_PULUMI_BACKEND_URL is not set: put S3_PULUMI_BACKEND_URL=s3://<pulumi-state-bucket> in infra/.env (see infra/.env.example)');
  if (!/^s3:\/\/[a-z0-9.-]+(\/.*)?$/.test(url)) throw new PreconditionError(`S3_PULUMI_BACKEND_URL must look like s3://<bucket>[/prefix], got ${url}`);
  if (!env['PULUMI_CONFIG_PASSPHRASE'] && !env['PULUMI_CONFIG_PASSPHRASE_FILE']) {
    throw new PreconditionError('PULUMI_CONFIG_PASSPHRASE is not set: the S3 backend encrypts stack secrets with it; put it in infra/.env');
  }
  return url;
}

/**
 * The backend URL must name this environment's state bucket (`tradai-pulumi-state-<env>`, made by
 * bootstrap): persistent exports that name and the CI role may write only there, so prod state
 * in the dev bucket (one infra/.env for every environment) would be unreadable to CI and lost on
 * a dev teardown. Override per run in the shell: the shell's value wins over infra/.env.
 */
export function requireEnvironmentBackend(url: string, env: Environment): string {
  const expected = pulumiStateBucketName(env);
  let bucket: string;
  try {
    bucket = backendUrlBucket(url);
  } catch (err) {
    throw new PreconditionError((err as Error).message);
  }
  if (bucket !== expected) {
    throw new PreconditionError(
      `S3_PULUMI_BACKEND_URL names bucket ${bucket}, but the ${env} state bucket is ${expected}: run with S3_PULUMI_BACKEND_URL=s3://${expected} (the shell's value wins over infra/.env)`,
    );
  }
  return bucket;
}
