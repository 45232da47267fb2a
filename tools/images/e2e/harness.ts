/**
 * What the image e2e drives: buildah (vfs storage in a temp folder, chroot isolation: no daemon,
 * no user namespaces), skopeo, and Debian's docker-registry on a free loopback port.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const REQUIRED_TOOLS = ['buildah', 'skopeo', 'docker-registry'] as const;

/**
 * Environment for every container tool of one run: private storage under `dir`, chroot isolation.
 * vfs works on any filesystem; `overlay` (IMAGES_E2E_STORAGE_DRIVER) copies less but needs kernel
 * overlay support on that filesystem, which a CI container may not have.
 */
export function containerToolsEnv(dir: string, driver = process.env.IMAGES_E2E_STORAGE_DRIVER || 'vfs'): NodeJS.ProcessEnv {
  if (!['vfs', 'overlay'].includes(driver)) throw new Error(`IMAGES_E2E_STORAGE_DRIVER must be vfs or overlay, got "${driver}"`);
  mkdirSync(dir, { recursive: true });
  const conf = join(dir, 'storage.conf');
  writeFileSync(conf, `[storage]\ndriver = "${driver}"\ngraphroot = "${join(dir, 'storage')}"\nrunroot = "${join(dir, 'run')}"\n`);
  return { ...process.env, CONTAINERS_STORAGE_CONF: conf, BUILDAH_ISOLATION: 'chroot' };
}

/** Runs a tool; a failure carries the command and its stderr. */
export async function tool(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 600_000): Promise<string> {
  try {
    const { stdout } = await execFileAsync(cmd, [...args], { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
    return stdout.trim();
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${(e.stderr || e.stdout || e.message).trim().slice(-2000)}`);
  }
}

/** The tools missing from PATH, with the script that installs them. */
export async function missingTools(): Promise<string[]> {
  const missing: string[] = [];
  for (const t of REQUIRED_TOOLS) {
    try {
      await execFileAsync('sh', ['-c', `command -v ${t}`]);
    } catch {
      missing.push(t);
    }
  }
  return missing;
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers `status` (default 200); fails early when `proc` exits. */
export async function waitForHttp(url: string, timeoutMs: number, proc?: ChildProcess, status = 200): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (proc && proc.exitCode !== null) throw new Error(`the process serving ${url} exited with ${proc.exitCode} before answering`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      const body = await res.text();
      if (res.status === status) return { status: res.status, body };
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms (last: ${last})`);
}

export interface LocalRegistry {
  /** `127.0.0.1:<port>` */
  readonly address: string;
  stop(): Promise<void>;
}

/**
 * Starts docker-registry on 127.0.0.1 only, on a free port, storing under `dir`: never the package's
 * own config (all interfaces, htpasswd).
 */
export async function startRegistry(dir: string): Promise<LocalRegistry> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  mkdirSync(join(dir, 'data'), { recursive: true });
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    ['version: 0.1', 'log:', '  level: warn', '  accesslog:', '    disabled: true', 'storage:', '  filesystem:', `    rootdirectory: ${join(dir, 'data')}`, 'http:', `  addr: ${address}`, ''].join('\n'),
  );
  const proc = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  try {
    await waitForHttp(`http://${address}/v2/`, 30_000, proc);
  } catch (err) {
    proc.kill('SIGKILL');
    throw new Error(`docker-registry did not start on ${address}: ${(err as Error).message}\n${stderr}`);
  }
  return {
    address,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

/** The parts of an image's Docker config the checks read. */
export interface ImageConfig {
  readonly User?: string;
  readonly Env?: string[];
  readonly Cmd?: string[];
  readonly Entrypoint?: string[] | null;
  readonly WorkingDir?: string;
  readonly Healthcheck?: { readonly Test: string[] };
}

export async function imageConfig(image: string, env: NodeJS.ProcessEnv): Promise<ImageConfig> {
  const out = JSON.parse(await tool('buildah', ['inspect', '--type', 'image', image], env)) as { Docker: { config: ImageConfig } };
  return out.Docker.config;
}

/** Layer sizes (bytes, uncompressed) of a local image, from its manifest in containers-storage. */
export async function localLayers(image: string, env: NodeJS.ProcessEnv): Promise<{ digest: string; size: number }[]> {
  const raw = JSON.parse(await tool('skopeo', ['inspect', '--raw', `containers-storage:${image}`], env)) as { layers: { digest: string; size: number }[] };
  return raw.layers.map((l) => ({ digest: l.digest, size: l.size }));
}

export interface RunOptions {
  readonly env?: Readonly<Record<string, string>>;
  /** `host:container[:ro]` bind mounts. */
  readonly volumes?: readonly string[];
  /** Overrides the image's USER. */
  readonly user?: string;
}

function runArgs(ctr: string, cmd: readonly string[], o: RunOptions): string[] {
  return [
    'run',
    ...Object.entries(o.env ?? {}).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
    ...(o.volumes ?? []).flatMap((v) => ['--volume', v]),
    ...(o.user ? ['--user', o.user] : []),
    ctr,
    '--',
    ...cmd,
  ];
}

/**
 * A working container of `image` (`buildah from`): the image's command runs in it with chroot
 * isolation, on the host's network, as the image's USER.
 */
export async function container(image: string, env: NodeJS.ProcessEnv) {
  const ctr = await tool('buildah', ['from', '--pull-never', image], env);
  return {
    name: ctr,
    /** Runs `cmd` to completion; resolves with its exit code and output. */
    async exec(cmd: readonly string[], o: RunOptions = {}, timeoutMs = 300_000): Promise<{ code: number; stdout: string; stderr: string }> {
      return new Promise((resolve, reject) => {
        const p = spawn('buildah', runArgs(ctr, cmd, o), { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
        p.once('error', reject);
        p.once('close', (code) => {
          clearTimeout(timer);
          resolve({ code: code ?? -1, stdout, stderr });
        });
      });
    },
    /** Starts `cmd` in the background (a server); `buildah run` stops the process when it gets SIGTERM. */
    start(cmd: readonly string[], o: RunOptions = {}): { proc: ChildProcess; output: () => string } {
      const p = spawn('buildah', runArgs(ctr, cmd, o), { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      p.stdout!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-8000)));
      p.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-8000)));
      return { proc: p, output: () => output };
    },
    async stop(proc: ChildProcess): Promise<void> {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
        proc.once('close', () => (clearTimeout(timer), resolve()));
        proc.kill('SIGTERM');
      });
    },
    remove: () => tool('buildah', ['rm', ctr], env),
  };
}
