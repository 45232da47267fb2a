import { fileURLToPath } from 'node:url';
import { NotFoundError, ValidationError, type ParameterValue } from '@tradai/domain';
import type { BacktestConfig } from '../engine/types.js';
import { loadStrategy } from '../load.js';
import type { Strategy } from '../strategy.js';

/** This repository (the CLI runs from source with tsx): strategies are under apps/strategies/. */
export const DEFAULT_WORKSPACE_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** A strategy module: the Strategy (default export) and, optionally, its engine settings from parameters. */
export interface StrategyModule {
  readonly strategy: Strategy;
  /** The module's `engine` export: stop-loss / take-profit etc. derived from the checked parameters (what the task applies). */
  readonly engine?: (params: Readonly<Record<string, ParameterValue>>) => Partial<BacktestConfig>;
}

/**
 * The strategy `name` of the workspace at `root` (the shared `loadStrategy`), plus the module's
 * `engine` export when it has one. Errors name the flag: `--strategy: unknown strategy ...; available: ...`.
 */
export async function loadStrategyModule(root: string, name: string): Promise<StrategyModule> {
  let strategy: Strategy;
  try {
    strategy = await loadStrategy(name, root);
  } catch (err) {
    if (err instanceof NotFoundError) throw new NotFoundError(`--strategy: ${err.message}`);
    if (err instanceof ValidationError) throw new ValidationError(`--strategy: ${err.message}`, 'strategy');
    throw err;
  }
  return { strategy, ...(strategy.engine && { engine: strategy.engine.bind(strategy) as StrategyModule['engine'] }) };
}
