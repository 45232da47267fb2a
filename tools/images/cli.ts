/**
 * `tsx tools/images/cli.ts <image|push> --kind=lambda|service|strategy --name=<name> --env=<env>`
 * image: computes the content tag, builds the image with the local builder, writes the manifest.
 *        `--base-image=<ref>` swaps the Dockerfile's base (offline builds; the tag then differs).
 * push:  skips when the registry already has the tag; otherwise logs in and pushes. To ECR of
 *        `--env` by default; `--registry=<host:port>` pushes to a plain OCI registry instead
 *        (`--insecure`: plain HTTP, loopback only). `--manifest=<file>` moves the manifest out of dist/images.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AWS_REGION, findWorkspaceRoot, loadConfig, namespaceValues, parseEnvironment, type ImageKind } from '@tradai/infra-shared';
import {
  IMAGE_KIND_DIRS,
  assertStrategyRepo,
  buildCommand,
  detectBuilder,
  imageManifest,
  imageManifestPath,
  isLoopbackRegistry,
  pushImage,
  registryLogin,
  registryTagExists,
  tagExists,
  type ImageManifest,
  type PushTarget,
} from './images.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    kind: { type: 'string' },
    name: { type: 'string' },
    env: { type: 'string', default: 'dev' },
    'base-image': { type: 'string' },
    registry: { type: 'string' },
    insecure: { type: 'boolean', default: false },
    manifest: { type: 'string' },
  },
});

function run(cmd: string[], input?: string) {
  const r = spawnSync(cmd[0]!, cmd.slice(1), { stdio: [input ? 'pipe' : 'inherit', 'inherit', 'inherit'], input });
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} exited with ${r.status ?? r.error?.message}`);
}

// ECR and the stack config load lazily: a build or a local push should not pay for them (seconds of imports).
async function ecrTarget(env: string): Promise<PushTarget> {
  const { ECRClient } = await import('@aws-sdk/client-ecr');
  const ecr = new ECRClient({ region: AWS_REGION });
  return { label: `ECR (${env})`, tlsVerify: true, exists: (repo, tag) => tagExists(ecr, repo, tag), connect: async () => {
    const { registry, username, password } = await registryLogin(ecr);
    return { registry, login: { username, password } };
  } };
}

function registryTarget(registry: string, insecure: boolean): PushTarget {
  if (insecure && !isLoopbackRegistry(registry)) throw new Error(`--insecure (plain HTTP) is for a registry on loopback only, not ${registry}`);
  return { label: registry, tlsVerify: !insecure, exists: (repo, tag) => registryTagExists(registry, repo, tag, insecure), connect: async () => ({ registry }) };
}

async function main() {
  const kind = values.kind as ImageKind;
  if (!(kind in IMAGE_KIND_DIRS)) throw new Error(`--kind must be one of ${Object.keys(IMAGE_KIND_DIRS).join(', ')}`);
  if (!values.name) throw new Error('--name is required');
  const env = parseEnvironment(values.env!);
  const root = findWorkspaceRoot();
  const manifestPath = values.manifest ? resolve(values.manifest) : imageManifestPath(root, kind, values.name);
  process.chdir(root);

  if (positionals[0] === 'image') {
    const builder = detectBuilder();
    const manifest = imageManifest(kind, values.name, root, builder, values['base-image']);
    run(buildCommand(builder, manifest));
    mkdirSync(dirname(manifestPath), { recursive: true });
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    console.log(`${manifest.localImage} built with ${builder}`);
    return;
  }
  if (positionals[0] === 'push') {
    if (!existsSync(manifestPath)) throw new Error(`${manifestPath} is missing: run \`npx nx run ${values.name}:image\` first`);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ImageManifest;
    let target: PushTarget;
    if (values.registry) target = registryTarget(values.registry, values.insecure!);
    else {
      if (values.insecure) throw new Error('--insecure applies to --registry only (ECR is always HTTPS)');
      if (kind === 'strategy') {
        const { readStackConfig } = await import('../synth/synth.js');
        assertStrategyRepo(loadConfig(env, namespaceValues(readStackConfig(root, 'persistent', env))).strategyRepos, manifest.repository.replace(/^tradai\//, ''), env);
      }
      target = await ecrTarget(env);
    }
    console.log((await pushImage(manifest, target, run)).message);
    return;
  }
  throw new Error('command must be image or push');
}

main().catch((err) => {
  console.error(`images ${positionals[0] ?? ''} ${values.name ?? ''}: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
