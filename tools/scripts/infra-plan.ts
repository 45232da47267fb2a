import { LAYERS } from '@tradai/infra-shared';

/** The seed's multi-step commands (section 9) as ordered Nx invocations. */
export type InfraAction = 'bootstrap' | 'down-soft' | 'down-all' | 'down-persistent';
export const INFRA_ACTIONS: readonly InfraAction[] = ['bootstrap', 'down-soft', 'down-all', 'down-persistent'];

/** Flags passed through to the destroy runs (tools/pulumi/cli.ts checks them). */
export interface InfraOptions {
  /** The typed phrase `destroy tradai-persistent-<env>`, for a non-interactive down-persistent. */
  readonly confirm?: string;
  /** Protected environments (prod): the explicit unprotect step, and its phrase for a non-interactive run. */
  readonly unprotect?: boolean;
  readonly confirmUnprotect?: string;
  /** Destroy even the account-wide resources other environments of a shared account use. */
  readonly includeShared?: boolean;
}

const nx = (...args: string[]) => ['npx', 'nx', ...args, '--output-style=stream'];

/**
 * bootstrap: (the state bucket, created in-process before these), persistent, foundation, Lambda
 * images, service images, compute, edge (seed "full bootstrap").
 * down-soft: edge + compute; down-all: + foundation; all in reverse order, persistent preserved.
 * down-persistent: persistent only; it asks for the typed phrase, then empties and deletes the data.
 */
export function infraCommands(action: InfraAction, env: string, opts: InfraOptions = {}): string[][] {
  const destroy = (layer: string) =>
    nx(
      'run',
      `${layer}:destroy`,
      '-c',
      env,
      ...(opts.includeShared ? ['--include-shared'] : []),
      ...(layer === 'persistent' && opts.confirm ? [`--confirm=${opts.confirm}`] : []),
      ...(layer === 'persistent' && opts.unprotect ? ['--unprotect'] : []),
      ...(layer === 'persistent' && opts.confirmUnprotect ? [`--confirm-unprotect=${opts.confirmUnprotect}`] : []),
    );
  switch (action) {
    case 'bootstrap':
      return [
        nx('run', 'persistent:up', '-c', env),
        nx('run', 'foundation:up', '-c', env),
        nx('run-many', '-t', 'push', '-c', env, '--projects=tag:type:lambda'),
        nx('run-many', '-t', 'push', '-c', env, '--projects=tag:type:service'),
        nx('run', 'compute:up', '-c', env),
        nx('run', 'edge:up', '-c', env),
      ];
    case 'down-soft':
      return ['edge', 'compute'].map(destroy);
    case 'down-all':
      return ['edge', 'compute', 'foundation'].map(destroy);
    case 'down-persistent':
      return [destroy('persistent')];
  }
}

/** Reverse deployment order, for reference in messages. */
export const DESTROY_ORDER = [...LAYERS].reverse();
