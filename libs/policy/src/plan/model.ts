import { z } from 'zod';
import { LAYERS, type Environment, type Layer } from '@tradai/infra-shared';

/**
 * The offline plan synth writes per stack and environment (dist/synth/<env>/<layer>.json). Both
 * reports read plans through this module so they agree on what a plan is.
 */
export interface PlanResource {
  /** Pulumi type token, e.g. `aws:s3/bucket:Bucket` (@pulumi/aws 7.48.0). */
  readonly type: string;
  /** Logical (Pulumi) name. */
  readonly name: string;
  /** Resolved inputs as the program passed them (camelCase, as in the JS SDK). */
  readonly inputs: Record<string, unknown>;
  /** `<type>::<name>` of the parent component, or null. */
  readonly parent: string | null;
}

export interface Plan {
  readonly stack: string;
  readonly environment: string;
  readonly resources: readonly PlanResource[];
  readonly outputs: Record<string, unknown>;
}

/** A plan resource with the layer whose plan it came from. */
export interface LocatedResource extends PlanResource {
  readonly layer: Layer;
}

/** The plans of one environment, by layer (a layer may be absent in tests). */
export type EnvPlans = Partial<Record<Layer, Plan>>;

const planSchema = z.object({
  stack: z.string(),
  environment: z.string(),
  resources: z.array(
    z.object({
      type: z.string().min(1),
      name: z.string().min(1),
      inputs: z.record(z.string(), z.unknown()).default({}),
      parent: z.string().nullable().default(null),
    }),
  ),
  outputs: z.record(z.string(), z.unknown()).default({}),
});

/**
 * Validates a parsed plan file.
 * @param where the file (or label) named in the error
 * @throws Error naming the file and the first field at fault
 */
export function parsePlan(value: unknown, where: string): Plan {
  const parsed = planSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${where} is not a synth plan: ${issue.path.join('.') || '(root)'} ${issue.message}`);
  }
  return parsed.data;
}

/** Every resource of an environment's plans, in layer order, each tagged with its layer. */
export function locateResources(plans: EnvPlans): LocatedResource[] {
  return LAYERS.flatMap((layer) => (plans[layer]?.resources ?? []).map((r) => ({ ...r, layer })));
}

/** Short resource kind for messages: `aws:s3/bucket:Bucket` -> `s3.Bucket`. */
export function shortType(type: string): string {
  const m = /^[^:]+:([^/:]+)(?:\/[^:]*)?:(.+)$/.exec(type);
  return m ? `${m[1]}.${m[2]}` : type;
}

/** The environment a set of plans belongs to, checked against each plan's own `environment`. */
export function assertEnvironment(plans: EnvPlans, env: Environment): void {
  for (const [layer, plan] of Object.entries(plans)) {
    if (plan && plan.environment !== env) {
      throw new Error(`the ${layer} plan is for environment "${plan.environment}", not "${env}"`);
    }
  }
}
