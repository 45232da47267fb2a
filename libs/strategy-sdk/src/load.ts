import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NotFoundError, ValidationError, strategyName } from '@tradai/domain';
import type { Strategy } from './strategy.js';

/** The strategy projects in a workspace (`apps/strategies/<name>/src/strategy.ts`). */
export function availableStrategies(root: string): string[] {
  const dir = join(root, 'apps', 'strategies');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'src', 'strategy.ts')))
    .map((e) => e.name)
    .sort();
}

/**
 * Loads a strategy project's Strategy object by name, for the tools that run or register any
 * strategy (local CLI, registration). A runtime path, not a static import: tools stay independent
 * of which strategy projects exist. Errors list the strategies that do.
 */
export async function loadStrategy(name: string, root: string): Promise<Strategy> {
  if (!strategyName.safeParse(name).success) throw new ValidationError(`invalid strategy name "${name}": must be 1-63 chars of a-z, 0-9, "-", "_"`, 'strategy');
  const file = join(root, 'apps', 'strategies', name, 'src', 'strategy.ts');
  if (!existsSync(file)) throw new NotFoundError(`unknown strategy "${name}"; available: ${availableStrategies(root).join(', ') || '(none)'}`);
  const mod = (await import(pathToFileURL(file).href)) as { default?: Strategy };
  if (!mod.default || typeof mod.default.signals !== 'function') throw new ValidationError(`${file} has no default-exported Strategy`, 'strategy');
  if (mod.default.name !== name) throw new ValidationError(`${file} exports strategy "${mod.default.name}", expected "${name}"`, 'strategy');
  return mod.default;
}
