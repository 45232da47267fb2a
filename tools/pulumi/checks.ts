import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';

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

/** Resolves AWS credentials the way the SDK and Pulumi's AWS provider would. */
export async function requireAwsCredentials(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    // IMDS would wait for a timeout on machines outside EC2; a workstation or CI runner has none.
    const provider = fromNodeProviderChain({ profile: env['AWS_PROFILE'] });
    const creds = await Promise.race([
      provider(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), 5000)),
    ]);
    if (!creds.accessKeyId) throw new Error('empty credentials');
  } catch (err) {
    throw new PreconditionError(
      `no AWS credentials (${err instanceof Error ? err.message : String(err)}): log in with \`aws sso login --profile tradai\` and export AWS_PROFILE=tradai, or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY`,
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
