import { ownsAccountResources, type Layer, type TradaiConfig } from '@tradai/infra-shared';
import { PreconditionError } from './checks.js';

/** Same names as infra/persistent/modules/lifecycle.ts reads (the program cannot be imported here). */
export const TEARDOWN_VAR = 'TRADAI_TEARDOWN';
export const UNPROTECT_VAR = 'TRADAI_UNPROTECT';

/** One `pulumi` invocation with the extra environment it runs with. */
export interface PulumiStep {
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly why: string;
}

/**
 * Destroying persistent, after the typed phrase(s): first an `up` with the teardown switch (it
 * clears retainOnDelete and protect, sets forceDestroy/forceDelete, turns off deletion protection
 * and the secret recovery window), then `destroy`, which now deletes every bucket, table,
 * repository, the user pool and the CodeArtifact domain with their contents. The switch lives only
 * in these two processes' environment; the next normal `up` plans retained resources again.
 * Protected environments (prod) need `unprotect`, which the caller gets from `--unprotect` plus its own phrase.
 */
export function persistentDestroySteps(cfg: Pick<TradaiConfig, 'environment' | 'settings'>, opts: { unprotect: boolean }): PulumiStep[] {
  const env = cfg.environment;
  if (cfg.settings.protectData && !opts.unprotect) {
    throw new PreconditionError(
      `${env} data is protected (protect + deletion protection): nothing was destroyed. Removing the protection is a separate, explicit step: re-run with --unprotect (it asks for a second phrase)`,
    );
  }
  if (!cfg.settings.protectData && opts.unprotect) throw new PreconditionError(`--unprotect is only for protected environments; ${env} data is not protected`);
  const vars = { [TEARDOWN_VAR]: env, ...(opts.unprotect ? { [UNPROTECT_VAR]: env } : {}) };
  return [
    { args: ['up', '--yes'], env: vars, why: 'make the data deletable (retainOnDelete/protect off, forceDestroy/forceDelete on)' },
    { args: ['destroy', '--yes'], env: vars, why: 'delete every resource of the stack, contents included' },
  ];
}

/**
 * In an account shared by several environments, the owner's compute holds the GitHub OIDC provider
 * and its persistent the ECR repositories and the trail the others use: destroying them breaks CI
 * and image pulls of every other environment. Refused unless asked for explicitly.
 */
export function sharedAccountGuard(cfg: Pick<TradaiConfig, 'environment' | 'sharedAccount'>, layer: Layer, includeShared: boolean): void {
  if (!cfg.sharedAccount || !ownsAccountResources(cfg) || includeShared) return;
  const others = cfg.sharedAccount.environments.filter((e) => e !== cfg.environment);
  const what = { persistent: 'the ECR repositories and the CloudTrail trail', compute: 'the GitHub OIDC provider' } as Partial<Record<Layer, string>>;
  if (!what[layer] || others.length === 0) return;
  throw new PreconditionError(
    `tradai-${layer}/${cfg.environment} owns ${what[layer]} of the account it shares with ${others.join(', ')} (tradai:sharedAccount): destroying it breaks those environments too. Tear them down first, or pass --include-shared to destroy anyway (see TEARDOWN.md)`,
  );
}
