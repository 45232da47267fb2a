import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LAYERS } from '@tradai/infra-shared';
import { PreconditionError } from './checks.js';
import { policyPackDir, pulumiRunArgs, requirePolicyPack } from './policy-pack.js';

const repoRoot = resolve(__dirname, '../..');

/** A workspace with what a Pulumi run of the edge layer needs locally, optionally without the pack or a plan. */
function workspace(opts: { pack?: boolean; plans?: boolean } = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'pack-ws-'));
  writeFileSync(join(root, 'nx.json'), '{}');
  // Every layer's config: the CLI checks settings the stacks must agree on.
  for (const l of LAYERS) {
    mkdirSync(join(root, 'infra', l), { recursive: true });
    copyFileSync(join(repoRoot, 'infra', l, 'Pulumi.dev.yaml'), join(root, 'infra', l, 'Pulumi.dev.yaml'));
  }
  mkdirSync(join(root, 'dist', 'infra', 'edge'), { recursive: true });
  writeFileSync(join(root, 'dist', 'infra', 'edge', 'index.mjs'), '');
  if (opts.pack !== false) {
    mkdirSync(policyPackDir(root), { recursive: true });
    for (const f of ['PulumiPolicy.yaml', 'package.json', 'index.js']) writeFileSync(join(policyPackDir(root), f), '');
  }
  mkdirSync(join(root, 'dist', 'synth', 'dev'), { recursive: true });
  for (const l of LAYERS) if (opts.plans !== false || l !== 'compute') writeFileSync(join(root, 'dist', 'synth', 'dev', `${l}.json`), '{}');
  return root;
}

let roots: string[] = [];
beforeEach(() => (roots = []));
afterEach(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));
const ws = (opts?: { pack?: boolean; plans?: boolean }) => {
  const r = workspace(opts);
  roots.push(r);
  return r;
};

describe('policy pack arguments', () => {
  it('passes the pack to preview and up, not to refresh or destroy', () => {
    expect(pulumiRunArgs('preview', { yes: true, policyPack: '/p' })).toEqual(['preview', '--policy-pack', '/p']);
    expect(pulumiRunArgs('up', { yes: true, policyPack: '/p' })).toEqual(['up', '--yes', '--policy-pack', '/p']);
    expect(pulumiRunArgs('up', { yes: false, policyPack: '/p' })).toEqual(['up', '--policy-pack', '/p']);
    expect(pulumiRunArgs('refresh', { yes: true })).toEqual(['refresh', '--yes']);
    expect(pulumiRunArgs('destroy', { yes: false })).toEqual(['destroy']);
    // up keeps its preview: the stack policies run there.
    expect(pulumiRunArgs('up', { yes: true, policyPack: '/p' })).not.toContain('--skip-preview');
  });

  it('will not build an unchecked preview or up', () => {
    expect(() => pulumiRunArgs('up', { yes: true })).toThrow('pulumi up runs with the policy pack');
  });

  it('names a missing pack or plan and the command that makes it', () => {
    expect(requirePolicyPack(ws(), 'dev')).toBe(policyPackDir(roots[0]!));
    expect(() => requirePolicyPack(ws({ pack: false }), 'dev')).toThrow(PreconditionError);
    expect(() => requirePolicyPack(ws({ pack: false }), 'dev')).toThrow(/missing PulumiPolicy.yaml, package.json, index.js\): run `npx nx run policy:policy-pack`/);
    expect(() => requirePolicyPack(ws({ plans: false }), 'dev')).toThrow(/dev\/compute.json: run `npx nx run-many -t synth -c dev`/);
  });
});

describe('cli with the policy pack (a stand-in `pulumi` on PATH records its arguments)', () => {
  const run = promisify(execFile);
  /** A `pulumi` that logs each invocation and succeeds; nothing leaves the machine. */
  function fakePulumi(): { bin: string; log: string } {
    const bin = mkdtempSync(join(tmpdir(), 'fake-pulumi-'));
    roots.push(bin);
    const log = join(bin, 'calls.log');
    writeFileSync(join(bin, 'pulumi'), `#!/bin/sh\necho "$@" >> ${JSON.stringify(log)}\n[ "$1" = version ] && echo v3.200.0\nexit 0\n`);
    chmodSync(join(bin, 'pulumi'), 0o755);
    return { bin, log };
  }
  const env = (bin: string) => ({
    PATH: `${bin}:${dirname(process.execPath)}`,
    HOME: tmpdir(),
    AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_EC2_METADATA_DISABLED: 'true',
    S3_PULUMI_BACKEND_URL: 's3://tradai-pulumi-state-dev',
    PULUMI_CONFIG_PASSPHRASE: 'x',
  });
  const cli = (cwd: string, args: string[], e: NodeJS.ProcessEnv) => 
    // The workspace is elsewhere; the path aliases come from this repository's tsconfig.
    run(join(repoRoot, 'node_modules/.bin/tsx'), ['--tsconfig', join(repoRoot, 'tsconfig.base.json'), join(__dirname, 'cli.ts'), ...args], { cwd, env: e });

  it('runs preview and up with --policy-pack <dist/policy-pack>', async () => {
    const root = ws();
    const { bin, log } = fakePulumi();
    await cli(root, ['preview', '--layer=edge', '--env=dev'], env(bin));
    await cli(root, ['up', '--layer=edge', '--env=dev', '--yes'], env(bin));
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    const pack = policyPackDir(root);
    expect(calls).toContain(`preview --policy-pack ${pack}`);
    expect(calls).toContain(`up --yes --policy-pack ${pack}`);
  }, 60_000);

  it('stops before calling pulumi when the pack has not been built', async () => {
    const root = ws({ pack: false });
    const { bin, log } = fakePulumi();
    const { stderr, code } = await cli(root, ['up', '--layer=edge', '--env=dev'], env(bin)).catch((e) => e);
    expect(code).toBe(1);
    expect(stderr).toContain('cannot run pulumi up for tradai-edge/dev');
    expect(stderr).toContain('run `npx nx run policy:policy-pack`');
    // Only the version probe ran: no login, no stack select, no up.
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['version']);
  }, 60_000);
});
