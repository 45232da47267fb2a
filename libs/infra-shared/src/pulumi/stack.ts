import * as pulumi from '@pulumi/pulumi';
import { CONFIG_NAMESPACE, loadConfig, type TradaiConfig } from '../config/stack-config.js';

/** The stack's `tradai:*` config values with the namespace stripped. */
export function readNamespaceConfig(all: Record<string, string> = pulumi.runtime.allConfig()): Record<string, string> {
  const prefix = `${CONFIG_NAMESPACE}:`;
  return Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}

/**
 * Loads the validated config of the running stack: the stack name is the environment and
 * `tradai:*` keys are the overrides. Throws ConfigError naming the key at fault.
 */
export function stackConfig(): TradaiConfig {
  return loadConfig(pulumi.getStack(), readNamespaceConfig());
}

/**
 * Options for data-bearing resources: never deleted by a stack destroy (retainOnDelete), and
 * `protect` in prod so even a removal from the program needs an explicit unprotect.
 */
export function dataProtection(cfg: TradaiConfig): Pick<pulumi.CustomResourceOptions, 'protect' | 'retainOnDelete'> {
  return { protect: cfg.settings.protectData, retainOnDelete: true };
}
