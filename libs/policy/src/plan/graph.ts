import type { Environment } from '@tradai/infra-shared';
import { mockResourceState, physicalName } from '@tradai/infra-shared/testing';
import { locateResources, type EnvPlans, type LocatedResource } from './model.js';

/**
 * Attributes through which other resources refer to a resource. In a plan, a reference is the
 * value the mock runtime returned for the referenced resource's output (its id, ARN, name, URL),
 * so the identifiers are computed with the same `mockResourceState` the synth uses. Cross-stack
 * references arrive through the upstream plan's outputs, which were produced the same way.
 */
const REFERENCE_ATTRIBUTES = [
  'id',
  'arn',
  'name',
  'bucket',
  'url',
  'repositoryUrl',
  'invokeArn',
  'qualifiedArn',
  'dnsName',
  'apiEndpoint',
  'executionArn',
  'address',
  'endpoint',
  'identifier',
] as const;

/**
 * Every resource of one environment (all layers), with lookups by type and by reference.
 * Matching is tolerant: a value refers to a resource when it equals its logical name, physical
 * name, `Name` tag or any mock id/ARN/URL of it, or is one of its ARNs with a sub-path
 * (`<bucket arn>/*`, `<log group arn>:*`).
 */
export class PlanGraph {
  private readonly refCache = new Map<LocatedResource, ReadonlySet<string>>();
  private readonly byTypeCache = new Map<string, LocatedResource[]>();

  constructor(
    readonly environment: Environment,
    readonly resources: readonly LocatedResource[],
  ) {
    for (const r of resources) {
      const list = this.byTypeCache.get(r.type) ?? [];
      list.push(r);
      this.byTypeCache.set(r.type, list);
    }
  }

  static fromPlans(environment: Environment, plans: EnvPlans): PlanGraph {
    return new PlanGraph(environment, locateResources(plans));
  }

  /** Resources of any of the given types, in plan order. */
  ofType(...types: readonly string[]): LocatedResource[] {
    return types.flatMap((t) => this.byTypeCache.get(t) ?? []);
  }

  /** The identifiers other resources may use to refer to `r`. */
  refs(r: LocatedResource): ReadonlySet<string> {
    const cached = this.refCache.get(r);
    if (cached) return cached;
    const refs = new Set<string>([r.name, physicalName(r.name, r.inputs)]);
    const tagName = (r.inputs['tags'] as Record<string, unknown> | undefined)?.['Name'];
    if (typeof tagName === 'string') refs.add(tagName);
    const { id, state } = mockResourceState(r.type, r.name, r.inputs);
    refs.add(id);
    for (const key of REFERENCE_ATTRIBUTES) {
      const v = state[key];
      if (typeof v === 'string' && v) refs.add(v);
    }
    this.refCache.set(r, refs);
    return refs;
  }

  /** Whether `value` refers to `r` (see the class comment for what counts). */
  refersTo(value: unknown, r: LocatedResource): boolean {
    if (typeof value !== 'string' || value === '') return false;
    const refs = this.refs(r);
    if (refs.has(value)) return true;
    for (const ref of refs) {
      if (ref.startsWith('arn:') && (value.startsWith(`${ref}/`) || value.startsWith(`${ref}:`))) return true;
    }
    return false;
  }

  /** The first resource of the given types that `value` refers to. */
  resolve(value: unknown, ...types: readonly string[]): LocatedResource | undefined {
    return this.ofType(...types).find((r) => this.refersTo(value, r));
  }

  /** Resources of the given types whose input at `path` (dot path; arrays match any element) refers to `target`. */
  referencing(target: LocatedResource, types: readonly string[], path: string): LocatedResource[] {
    return this.ofType(...types).filter((r) => valuesAt(r.inputs, path).some((v) => this.refersTo(v, target)));
  }
}

/**
 * Every value at a dot path; an array on the way fans out (`rules.0.x` picks one element,
 * `rules.x` every element's `x`).
 */
export function valuesAt(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  for (const part of path.split('.').filter(Boolean)) {
    const next: unknown[] = [];
    for (const v of current) {
      if (Array.isArray(v)) {
        if (/^\d+$/.test(part)) next.push(v[Number(part)]);
        else for (const item of v) if (item && typeof item === 'object') next.push((item as Record<string, unknown>)[part]);
      } else if (v && typeof v === 'object') {
        next.push((v as Record<string, unknown>)[part]);
      }
    }
    current = next;
  }
  return current.flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v) => v !== undefined && v !== null);
}

/** The single value at a dot path (the first when the path fans out). */
export function valueAt(value: unknown, path: string): unknown {
  return valuesAt(value, path)[0];
}

/** A physical/display name: `configs (tradai-configs-dev)` when the two differ. */
export function resourceLabel(r: { name: string; inputs: Record<string, unknown> }): string {
  const physical = physicalName(r.name, r.inputs);
  return physical === r.name ? r.name : `${r.name} (${physical})`;
}

/**
 * A policy-document-like input: Pulumi takes JSON strings for policies, definitions and redrive
 * policies; a program may also pass an object. Returns undefined when absent, throws nothing.
 */
export function parseJsonInput(value: unknown): unknown {
  if (typeof value === 'string') {
    try {
      return JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  return value ?? undefined;
}
