import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlanMissingError, loadEnvPlans, planFile } from './load.js';

const workspace = () => mkdtempSync(join(tmpdir(), 'policy-load-'));
const write = (root: string, env: string, layer: string, body: unknown) => {
  mkdirSync(join(root, 'dist', 'synth', env), { recursive: true });
  writeFileSync(planFile(root, env, layer), typeof body === 'string' ? body : JSON.stringify(body));
};

describe('loadEnvPlans', () => {
  it('reads every layer of an environment', () => {
    const root = workspace();
    for (const layer of ['persistent', 'foundation']) write(root, 'dev', layer, { stack: `tradai-${layer}`, environment: 'dev', resources: [], outputs: {} });
    const plans = loadEnvPlans(root, 'dev', ['persistent', 'foundation']);
    expect(Object.keys(plans)).toEqual(['persistent', 'foundation']);
  });

  it('names the missing file and the command that writes it', () => {
    const root = workspace();
    write(root, 'staging', 'persistent', { stack: 'x', environment: 'staging', resources: [], outputs: {} });
    let error: unknown;
    try {
      loadEnvPlans(root, 'staging');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PlanMissingError);
    expect((error as Error).message).toBe(`${join(root, 'dist/synth/staging/foundation.json')} does not exist: write the plans with \`npx nx run-many -t synth -c staging\``);
  });

  it('refuses invalid JSON and a plan of another environment', () => {
    const root = workspace();
    write(root, 'dev', 'persistent', '{oops');
    expect(() => loadEnvPlans(root, 'dev', ['persistent'])).toThrow(/persistent.json is not valid JSON .*npx nx run-many -t synth -c dev/);
    write(root, 'dev', 'persistent', { stack: 'x', environment: 'prod', resources: [], outputs: {} });
    expect(() => loadEnvPlans(root, 'dev', ['persistent'])).toThrow('the persistent plan is for environment "prod", not "dev"');
  });
});
