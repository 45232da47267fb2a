import type { Environment, Layer } from '@tradai/infra-shared';
import type { RecordedResource } from '@tradai/infra-shared/testing';

/** The offline plan of one stack in one environment: dist/synth/<env>/<layer>.json. */
export interface Plan {
  readonly stack: string;
  readonly environment: Environment;
  readonly resources: readonly RecordedResource[];
  readonly outputs: Record<string, unknown>;
}

/** The root Stack and default providers are the engine's, not the program's: left out of the plan. */
const isEngineResource = (r: RecordedResource) =>
  r.type === 'pulumi:pulumi:Stack' || (r.type.startsWith('pulumi:providers:') && r.name.startsWith('default'));

/** Builds a plan with resources in a stable order (type, then name) so plans diff cleanly. */
export function buildPlan(layer: Layer, env: Environment, resources: readonly RecordedResource[], outputs: Record<string, unknown>): Plan {
  const sorted = resources
    .filter((r) => !isEngineResource(r))
    .map((r) => ({ type: r.type, name: r.name, inputs: r.inputs, parent: r.parent }))
    .sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
  const duplicate = sorted.find((r, i) => i > 0 && r.type === sorted[i - 1]!.type && r.name === sorted[i - 1]!.name);
  if (duplicate) throw new Error(`tradai-${layer}/${env}: two resources of type ${duplicate.type} are named ${duplicate.name}`);
  const orderedOutputs = Object.fromEntries(Object.entries(outputs).sort(([a], [b]) => a.localeCompare(b)));
  return { stack: `tradai-${layer}`, environment: env, resources: sorted, outputs: orderedOutputs };
}

/** The short table synth prints: resource counts by type, then outputs. */
export function formatPlanSummary(plan: Plan, millis?: number): string {
  const counts = new Map<string, number>();
  for (const r of plan.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  const rows = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(20, ...rows.map(([t]) => t.length));
  const preview = (v: unknown) => {
    const s = typeof v === 'string' ? v : Array.isArray(v) ? `[${v.length} items]` : v && typeof v === 'object' ? `{${Object.keys(v).length} keys}` : String(v);
    return s.length > 70 ? `${s.slice(0, 67)}...` : s;
  };
  const lines = [
    `${plan.stack} (${plan.environment}): ${plan.resources.length} resources, ${Object.keys(plan.outputs).length} outputs${millis === undefined ? '' : ` in ${(millis / 1000).toFixed(1)} s`}`,
    ...rows.map(([t, n]) => `  ${t.padEnd(width)} ${String(n).padStart(4)}`),
    '  outputs:',
    ...Object.entries(plan.outputs).map(([k, v]) => `    ${k} = ${preview(v)}`),
  ];
  return lines.join('\n');
}
