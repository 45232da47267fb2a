import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAYERS, type Environment, type Layer } from '@tradai/infra-shared';
import { assertEnvironment, parsePlan, type EnvPlans } from './model.js';

/** `dist/synth/<env>/<layer>.json` under the workspace root. */
export function planFile(root: string, env: string, layer: string): string {
  return join(root, 'dist', 'synth', env, `${layer}.json`);
}

/** The command that writes every plan of an environment. */
export const synthCommand = (env: string) => `npx nx run-many -t synth -c ${env}`;

/** A plan a report needs has not been synthesized. */
export class PlanMissingError extends Error {
  constructor(
    readonly file: string,
    readonly env: string,
  ) {
    super(`${file} does not exist: write the plans with \`${synthCommand(env)}\``);
    this.name = 'PlanMissingError';
  }
}

/**
 * Reads and validates every layer's plan of one environment.
 * @throws PlanMissingError naming the first missing file and the command that writes it
 */
export function loadEnvPlans(root: string, env: Environment, layers: readonly Layer[] = LAYERS): EnvPlans {
  const plans: EnvPlans = {};
  for (const layer of layers) {
    const file = planFile(root, env, layer);
    if (!existsSync(file)) throw new PlanMissingError(file, env);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`${file} is not valid JSON (${err instanceof Error ? err.message : String(err)}): re-run \`${synthCommand(env)}\``);
    }
    plans[layer] = parsePlan(json, file);
  }
  assertEnvironment(plans, env);
  return plans;
}
