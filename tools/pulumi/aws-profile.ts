import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { AWS_REGION } from '@tradai/infra-shared';

/** Which AWS profile the pre-flight checks use, and where that choice came from (for messages). */
export interface AwsProfileChoice {
  readonly profile?: string;
  readonly source: 'aws:profile in the stack config' | 'AWS_PROFILE' | 'the default credential chain';
}

/**
 * The profile a real Pulumi run deploys with, so the pre-flight checks ask AWS with the same
 * identity: the stack's `aws:profile` (what the seed sets with `pulumi config set aws:profile
 * tradai`, and what the AWS provider uses), else AWS_PROFILE (the shell's, else infra/.env's; the
 * caller merges them), else the SDK's default chain.
 */
export function resolveAwsProfile(stackConfig: Readonly<Record<string, string>>, env: Readonly<Record<string, string | undefined>>): AwsProfileChoice {
  const fromStack = stackConfig['aws:profile']?.trim();
  if (fromStack) return { profile: fromStack, source: 'aws:profile in the stack config' };
  const fromEnv = env['AWS_PROFILE']?.trim();
  if (fromEnv) return { profile: fromEnv, source: 'AWS_PROFILE' };
  return { source: 'the default credential chain' };
}

/** Region and credentials for an AWS SDK client of a pre-flight check (region from `aws:region`). */
export function awsClientConfig(
  stackConfig: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>>,
): { region: string; credentials: ReturnType<typeof fromNodeProviderChain>; profile: AwsProfileChoice } {
  const profile = resolveAwsProfile(stackConfig, env);
  return {
    region: stackConfig['aws:region'] || AWS_REGION,
    credentials: fromNodeProviderChain(profile.profile ? { profile: profile.profile } : {}),
    profile,
  };
}
