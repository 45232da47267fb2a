import { LAYERS } from '@tradai/infra-shared';

/** The seed's multi-step commands (section 9) as ordered Nx invocations. */
export type InfraAction = 'bootstrap' | 'down-soft' | 'down-all' | 'down-persistent';
export const INFRA_ACTIONS: readonly InfraAction[] = ['bootstrap', 'down-soft', 'down-all', 'down-persistent'];

const nx = (...args: string[]) => ['npx', 'nx', ...args, '--output-style=stream'];

/**
 * bootstrap: persistent, foundation, Lambda images, service images, compute, edge (seed "full bootstrap").
 * down-soft: edge + compute; down-all: + foundation; all in reverse order, persistent preserved.
 * down-persistent: persistent only, which asks for a typed confirmation.
 */
export function infraCommands(action: InfraAction, env: string, confirm?: string): string[][] {
  const destroy = (layer: string) => nx('run', `${layer}:destroy`, '-c', env, ...(confirm && layer === 'persistent' ? [`--confirm=${confirm}`] : []));
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
