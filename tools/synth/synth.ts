import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as pulumi from '@pulumi/pulumi';
import { parse } from 'yaml';
import { UPSTREAM, getStackReferenceName, parseEnvironment, parseLayerOutputs, type Environment, type Layer } from '@tradai/infra-shared';
import { runProgram, setupStackTest } from '@tradai/infra-shared/testing';
import { buildPlan, type Plan } from './plan.js';

export const planPath = (root: string, env: string, layer: string) => join(root, 'dist', 'synth', env, `${layer}.json`);

/** Reads a stack's Pulumi.<env>.yaml config as the flat string map the engine would give the program. */
export function readStackConfig(root: string, layer: Layer, env: Environment): Record<string, string> {
  const file = join(root, 'infra', layer, `Pulumi.${env}.yaml`);
  if (!existsSync(file)) throw new Error(`${file} does not exist: every stack needs a Pulumi.<env>.yaml per environment`);
  const doc = (parse(readFileSync(file, 'utf8')) ?? {}) as { config?: Record<string, unknown> };
  return Object.fromEntries(
    Object.entries(doc.config ?? {}).map(([k, v]) => {
      if (v && typeof v === 'object' && 'secure' in v) {
        throw new Error(`${file}: ${k} is a secret; offline synth cannot decrypt it, so keep secrets out of the keys the program needs to plan`);
      }
      // The engine hands structured config to programs as JSON strings.
      return [k, typeof v === 'string' ? v : JSON.stringify(v)];
    }),
  );
}

/** Reads and validates the upstream plans a layer's StackReferences resolve to. */
export function readUpstreamOutputs(root: string, layer: Layer, env: Environment, org: string): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    UPSTREAM[layer].map((up) => {
      const file = planPath(root, env, up);
      if (!existsSync(file)) {
        throw new Error(`tradai-${layer}/${env} reads tradai-${up}, but ${file} does not exist: run \`npx nx run ${up}:synth -c ${env}\` first`);
      }
      const plan = JSON.parse(readFileSync(file, 'utf8')) as Plan;
      return [getStackReferenceName(org, up, env), parseLayerOutputs(up, plan.outputs)];
    }),
  );
}

/**
 * Runs one layer's real program under the mock engine and writes its plan. One layer per process:
 * the Pulumi runtime is process-global.
 */
export async function synthLayer(
  root: string,
  layer: Layer,
  envName: string,
  // The layer's program module; the bundled launcher (launch.mjs) passes its own copy.
  loadProgram: () => Promise<{ default: () => unknown }> = () => import(pathToFileURL(join(root, 'infra', layer, 'index.ts')).href),
): Promise<{ plan: Plan; file: string; millis: number }> {
  const env = parseEnvironment(envName);
  const started = performance.now();
  const config = readStackConfig(root, layer, env);
  const org = config['tradai:org'] ?? 'organization';
  const stackOutputs = readUpstreamOutputs(root, layer, env, org);
  const mocks = await setupStackTest({ project: `tradai-${layer}`, stack: env, config, stackOutputs });
  const outputs = await runProgram(loadProgram);
  // Resources whose inputs wait on other outputs may still be registering: let them finish.
  await pulumi.runtime.disconnect();
  const plan = buildPlan(layer, env, mocks.resources, parseLayerOutputs(layer, outputs));
  const file = planPath(root, env, layer);
  mkdirSync(join(root, 'dist', 'synth', env), { recursive: true });
  writeFileSync(file, `${JSON.stringify(plan, null, 2)}\n`);
  return { plan, file, millis: performance.now() - started };
}
