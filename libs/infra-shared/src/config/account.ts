import type { Environment } from './environment.js';
import { ConfigError } from './errors.js';

/**
 * `tradai:sharedAccount`: the environments deployed into one AWS account, and which of them owns
 * the account-wide resources (the GitHub OIDC provider, the ECR repositories whose names carry no
 * environment, the management-event trail). Every stack of every listed environment sets the
 * same value; the owner creates those resources and the others look them up.
 */
export interface SharedAccount {
  readonly owner: Environment;
  readonly environments: readonly Environment[];
}

/** Cross-field checks zod cannot express per field; errors name `tradai:sharedAccount`. */
export function checkSharedAccount(environment: Environment, shared: SharedAccount): SharedAccount {
  const key = 'tradai:sharedAccount';
  const dup = shared.environments.find((e, i) => shared.environments.indexOf(e) !== i);
  if (dup) throw new ConfigError(key, `environment "${dup}" is listed twice`);
  if (!shared.environments.includes(shared.owner)) {
    throw new ConfigError(key, `owner "${shared.owner}" must be one of its environments (${shared.environments.join(', ')})`);
  }
  if (!shared.environments.includes(environment)) {
    throw new ConfigError(key, `this stack's environment "${environment}" is not in environments (${shared.environments.join(', ')}); remove the key if it has an account of its own`);
  }
  return shared;
}

/** True when this stack creates the account-wide resources: it has the account to itself, or it is the owner. */
export function ownsAccountResources(cfg: { readonly environment: Environment; readonly sharedAccount?: SharedAccount }): boolean {
  return !cfg.sharedAccount || cfg.sharedAccount.owner === cfg.environment;
}

/** The environments whose workloads use this account's shared resources (just this one when unshared). */
export function accountEnvironments(cfg: { readonly environment: Environment; readonly sharedAccount?: SharedAccount }): readonly Environment[] {
  return cfg.sharedAccount?.environments ?? [cfg.environment];
}
