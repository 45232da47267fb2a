/**
 * `tsx tools/images/cli.ts <image|push> --kind=lambda|service|strategy --name=<name> --env=<env>`
 * image: computes the content tag, builds the image with the local builder, writes the manifest.
 * push:  skips when ECR already has the tag; otherwise logs in, tags and pushes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { ECRClient } from '@aws-sdk/client-ecr';
import { AWS_REGION, findWorkspaceRoot, loadConfig, namespaceValues, parseEnvironment, type ImageKind } from '@tradai/infra-shared';
import { readStackConfig } from '../synth/synth.js';
import { IMAGE_KIND_DIRS, assertStrategyRepo, buildCommand, detectBuilder, imageManifest, imageManifestPath, registryLogin, tagExists, type ImageManifest } from './images.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { kind: { type: 'string' }, name: { type: 'string' }, env: { type: 'string', default: 'dev' }, 'base-image': { type: 'string' } },
});

function run(cmd: string[], input?: string) {
  const r = spawnSync(cmd[0]!, cmd.slice(1), { stdio: [input ? 'pipe' : 'inherit', 'inherit', 'inherit'], input });
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} exited with ${r.status ?? r.error?.message}`);
}

async function main() {
  const kind = values.kind as ImageKind;
  if (!(kind in IMAGE_KIND_DIRS)) throw new Error(`--kind must be one of ${Object.keys(IMAGE_KIND_DIRS).join(', ')}`);
  if (!values.name) throw new Error('--name is required');
  const env = parseEnvironment(values.env!);
  const root = findWorkspaceRoot();
  process.chdir(root);
  const manifestPath = imageManifestPath(root, kind, values.name);

  if (positionals[0] === 'image') {
    const builder = detectBuilder();
    const manifest = imageManifest(kind, values.name, root, builder);
    run(buildCommand(builder, manifest, values['base-image']));
    mkdirSync(dirname(manifestPath), { recursive: true });
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    console.log(`${manifest.localImage} built with ${builder}`);
    return;
  }
  if (positionals[0] === 'push') {
    if (!existsSync(manifestPath)) throw new Error(`${manifestPath} is missing: run \`npx nx run ${values.name}:image\` first`);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ImageManifest;
    if (kind === 'strategy') assertStrategyRepo(loadConfig(env, namespaceValues(readStackConfig(root, 'persistent', env))).strategyRepos, manifest.repository.replace(/^tradai\//, ''), env);
    const ecr = new ECRClient({ region: AWS_REGION });
    if (await tagExists(ecr, manifest.repository, manifest.tag)) {
      console.log(`${manifest.repository}:${manifest.tag} is already in ECR (${env}); nothing to push`);
      return;
    }
    const login = await registryLogin(ecr);
    const remote = `${login.registry}/${manifest.repository}:${manifest.tag}`;
    const tool = manifest.builder;
    run([tool, 'login', '--username', login.username, '--password-stdin', login.registry], login.password);
    run([tool, 'tag', manifest.localImage, remote]);
    run([tool, 'push', remote]);
    console.log(`pushed ${remote}`);
    return;
  }
  throw new Error('command must be image or push');
}

main().catch((err) => {
  console.error(`images ${positionals[0] ?? ''} ${values.name ?? ''}: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
