/**
 * Local base images for building and running our images where public registries cannot be reached
 * (the image e2e, offline machines): `npx tsx tools/images/base-image.ts [--lambda]`.
 *
 * - `localhost/tradai-node-base:<node version>`: FROM scratch, the Node 22 binary this workspace
 *   installs (node_modules/node) plus the shared libraries `ldd` lists, users root/node/nobody.
 *   It stands in for node:22-alpine (docker/service.Dockerfile, docker/strategy.Dockerfile).
 * - `localhost/tradai-lambda-base:<node version>` (`--lambda`): the node base laid out like the
 *   Lambda Node.js base image (LAMBDA_TASK_ROOT=/var/task, the runtime's AWS SDK under
 *   /var/runtime/node_modules on NODE_PATH, from the workspace's own `@aws-sdk/*` packages and their
 *   dependencies); it stands in for public.ecr.aws/lambda/nodejs:22.
 *
 * Builds with buildah (no daemon); storage and isolation come from the caller's environment
 * (CONTAINERS_STORAGE_CONF, BUILDAH_ISOLATION), as for every other buildah call.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * Absolute paths of the shared libraries in `ldd` output (including the dynamic loader).
 * @throws naming the library when ldd reports one as not found
 */
export function parseLdd(output: string): string[] {
  const paths: string[] = [];
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('linux-vdso') || line.startsWith('linux-gate')) continue;
    if (/=>\s*not found/.test(line)) throw new Error(`ldd: ${line.split(/\s/)[0]} not found: the binary cannot run in an image built from it`);
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^(\/\S+)\s+\(0x/.exec(line);
    if (m) paths.push(m[1]!);
    else if (line.includes('statically linked')) continue;
    else throw new Error(`ldd: unexpected line "${line}"`);
  }
  return [...new Set(paths)];
}

/**
 * The `@aws-sdk/*` packages the workspace declares: what the Lambda base provides, as the real one
 * ships the whole SDK v3 whether or not a function bundles its own clients.
 */
export function workspaceSdkPackages(packageJson: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> }): string[] {
  return Object.keys({ ...packageJson.dependencies, ...packageJson.devDependencies }).filter((n) => n.startsWith('@aws-sdk/')).sort();
}

interface PackageJson {
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
}

/**
 * Package folders (relative to `nodeModules`) that `names` need at run time: each package and its
 * dependencies, resolved the way Node does (a nested node_modules first, then the ones above).
 * @throws naming the package and who needs it when a required one is not installed
 */
export function packageClosure(nodeModules: string, names: readonly string[]): string[] {
  const root = resolve(nodeModules);
  const workspace = dirname(root);
  // Node's lookup: <dir>/node_modules/<name> for the package's folder and every folder above it.
  const resolveFrom = (fromDir: string, name: string): string | undefined => {
    for (let dir = fromDir; ; dir = dirname(dir)) {
      if (basename(dir) !== 'node_modules' && existsSync(join(dir, 'node_modules', name, 'package.json'))) return join(dir, 'node_modules', name);
      if (dir === workspace || dir === dirname(dir)) return undefined;
    }
  };
  const found = new Set<string>();
  const queue = names.map((name) => ({ name, from: workspace, optional: false, by: 'the caller' }));
  while (queue.length) {
    const { name, from, optional, by } = queue.shift()!;
    const dir = resolveFrom(from, name);
    if (!dir) {
      if (optional) continue;
      throw new Error(`${name} (needed by ${by}) is not installed under ${root}`);
    }
    const rel = relative(root, dir);
    if (found.has(rel)) continue;
    found.add(rel);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
    for (const dep of Object.keys(pkg.dependencies ?? {})) queue.push({ name: dep, from: dir, optional: false, by: name });
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) queue.push({ name: dep, from: dir, optional: true, by: name });
  }
  return [...found].sort();
}

/** /etc files of the base: the users our Dockerfiles name (node) and one for Lambda's own user (nobody). */
export const BASE_ETC: Readonly<Record<string, string>> = {
  passwd: 'root:x:0:0:root:/root:/usr/sbin/nologin\nnode:x:1000:1000:node:/home/node:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n',
  group: 'root:x:0:\nnode:x:1000:\nnogroup:x:65534:\n',
  'nsswitch.conf': 'passwd: files\ngroup: files\nhosts: files dns\n',
};

export interface BaseImages {
  readonly node: string;
  readonly lambda?: string;
  readonly nodeVersion: string;
}

function buildah(args: string[]): string {
  return execFileSync('buildah', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** Commits the folder `rootfs` on top of `from` (or scratch) as `image` with the given config; `owned` folders go to uid/gid 1000 (node). */
function commitRootfs(from: string, rootfs: string, image: string, config: string[], owned: readonly string[] = []): void {
  const ctr = buildah(['from', '--pull-never', from]);
  try {
    buildah(['copy', ctr, `${rootfs}/`, '/']);
    for (const dir of owned) buildah(['copy', '--chown', '1000:1000', ctr, join(rootfs, dir), `/${dir}`]);
    buildah(['config', ...config, ctr]);
    buildah(['commit', '--quiet', '--format', 'docker', '--rm', ctr, image]);
  } catch (err) {
    // The original failure is the one to report; removing the working container is best effort.
    try {
      buildah(['rm', ctr]);
    } catch {
      /* already gone */
    }
    throw err;
  }
}

/**
 * Builds the node base (and the Lambda base with `lambda`) from the files of this machine and
 * workspace. `nodeBinary` defaults to the workspace's Node 22.
 */
export function buildBaseImages(opts: { root: string; nodeBinary?: string; lambda?: boolean }): BaseImages {
  const nodeBinary = opts.nodeBinary ?? join(opts.root, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(nodeBinary)) throw new Error(`${nodeBinary} is missing: run npm ci (the node devDependency installs Node 22)`);
  const nodeVersion = execFileSync(nodeBinary, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, '');
  const work = mkdtempSync(join(tmpdir(), 'tradai-base-'));
  try {
    const rootfs = join(work, 'node');
    for (const lib of parseLdd(execFileSync('ldd', [nodeBinary], { encoding: 'utf8' }))) {
      mkdirSync(join(rootfs, dirname(lib)), { recursive: true });
      copyFileSync(lib, join(rootfs, lib)); // follows the symlink: the image gets the file under the name ld.so looks for
    }
    mkdirSync(join(rootfs, 'usr/local/bin'), { recursive: true });
    copyFileSync(nodeBinary, join(rootfs, 'usr/local/bin/node'));
    chmodSync(join(rootfs, 'usr/local/bin/node'), 0o755);
    mkdirSync(join(rootfs, 'etc'), { recursive: true });
    for (const [name, text] of Object.entries(BASE_ETC)) writeFileSync(join(rootfs, 'etc', name), text);
    for (const d of ['tmp', 'home/node']) mkdirSync(join(rootfs, d), { recursive: true });
    chmodSync(join(rootfs, 'tmp'), 0o1777);
    const node = `localhost/tradai-node-base:${nodeVersion}`;
    commitRootfs('scratch', rootfs, node, ['--env', 'PATH=/usr/local/bin:/usr/bin:/bin', '--workingdir', '/', '--cmd', 'node'], ['home/node']);
    if (!opts.lambda) return { node, nodeVersion };

    const lambdaRoot = join(work, 'lambda');
    const modules = join(opts.root, 'node_modules');
    const sdk = workspaceSdkPackages(JSON.parse(readFileSync(join(opts.root, 'package.json'), 'utf8')));
    for (const pkg of packageClosure(modules, sdk)) {
      cpSync(join(modules, pkg), join(lambdaRoot, 'var/runtime/node_modules', pkg), { recursive: true, dereference: true, filter: (src) => !src.slice(join(modules, pkg).length).includes('/node_modules/') });
    }
    mkdirSync(join(lambdaRoot, 'var/task'), { recursive: true });
    const lambda = `localhost/tradai-lambda-base:${nodeVersion}`;
    commitRootfs(node, lambdaRoot, lambda, [
      '--env', 'LAMBDA_TASK_ROOT=/var/task',
      '--env', 'LAMBDA_RUNTIME_DIR=/var/runtime',
      '--env', 'NODE_PATH=/var/runtime/node_modules',
      '--workingdir', '/var/task',
    ]);
    return { node, lambda, nodeVersion };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { lambda: { type: 'boolean', default: false } } });
  const root = resolve(import.meta.dirname, '..', '..');
  const started = performance.now();
  const built = buildBaseImages({ root, lambda: values.lambda });
  console.log(JSON.stringify({ ...built, seconds: Number(((performance.now() - started) / 1000).toFixed(1)) }));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: Error) => {
    console.error(`base-image: ${err.message}`);
    process.exit(1);
  });
}
