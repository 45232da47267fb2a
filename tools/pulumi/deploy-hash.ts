import { createHash } from 'node:crypto';

/** Stack tag holding the hash of what the last successful `up` deployed. */
export const DEPLOY_HASH_TAG = 'tradai:deploy-hash';

/**
 * What an `up` of a layer depends on: the bundled program, the stack's config, and the upstream
 * outputs it reads. Equal hashes mean an `up` would change nothing, so `deploy` skips it.
 */
export function deployHash(input: { program: Buffer | string; stackConfig: string; upstreamOutputs: Readonly<Record<string, unknown>> }): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canonical) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, canonical(x)])) : v;
  return createHash('sha256')
    .update(input.program)
    .update('\0config\0')
    .update(input.stackConfig)
    .update('\0upstream\0')
    .update(JSON.stringify(canonical(input.upstreamOutputs)))
    .digest('hex');
}
