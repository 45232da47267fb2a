import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { Environment } from '../config/environment.js';
import type { ArnContext } from '../config/naming.js';
import { loadConfig, namespaceValues, type TradaiConfig } from '../config/stack-config.js';

/** The running stack's `tradai:*` config values with the namespace stripped. */
export function readNamespaceConfig(all: Record<string, string> = pulumi.runtime.allConfig()): Record<string, string> {
  return namespaceValues(all);
}

/**
 * Loads the validated config of the running stack: the stack name is the environment and
 * `tradai:*` keys are the overrides. Throws ConfigError naming the key at fault.
 */
export function stackConfig(): TradaiConfig {
  return loadConfig(pulumi.getStack(), readNamespaceConfig());
}

/** Partition, region and account the stack deploys into, with its environment: what its ARNs are built from. */
export function arnContext(env: Environment): pulumi.Output<ArnContext> {
  return pulumi
    .all([aws.getPartitionOutput().partition, aws.getRegionOutput().region, aws.getCallerIdentityOutput().accountId])
    .apply(([partition, region, account]) => ({ partition, region, account, env }));
}
