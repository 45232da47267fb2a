/**
 * Ports and service processes of the local platform: a port check that names every busy port
 * before anything starts, and the API services run as their own Node processes (the image's
 * `main.ts` through tsx) with the environment the compute stack gives them, their output in one
 * log file each, ready once their health path answers 200.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { SERVICE_ENDPOINTS, type ServiceEndpointName } from '@tradai/contracts';

/**
 * The API services the platform runs as processes, and the entry point of each image. The trading
 * services are not here yet: a dry-run bot would be one more entry (`dry-run-trading`, its env
 * from serviceEnvironment like the others).
 */
export const SERVICE_PROCESSES = {
  'backend-api': 'apps/services/backend/src/main.ts',
  'strategy-service': 'apps/services/strategy-service/src/main.ts',
  'data-collection': 'apps/services/data-collection/src/main.ts',
} as const satisfies Partial<Record<ServiceEndpointName, string>>;
export type PlatformService = keyof typeof SERVICE_PROCESSES;

/** Default gateway port. */
export const GATEWAY_PORT = 8080;

/** The ports the platform binds: the gateway's, and each service's (default: its SERVICE_ENDPOINTS port, as in the task definitions). */
export function platformPorts(gateway: number = GATEWAY_PORT, servicePorts: Partial<Record<PlatformService, number>> = {}) {
  const services = Object.fromEntries((Object.keys(SERVICE_PROCESSES) as PlatformService[]).map((s) => [s, servicePorts[s] ?? SERVICE_ENDPOINTS[s].port])) as Record<PlatformService, number>;
  const claims: PortClaim[] = [{ port: gateway, owner: 'gateway' }, ...Object.entries(services).map(([owner, port]) => ({ port, owner }))];
  return { gateway, services, claims };
}

export interface PortClaim {
  readonly port: number;
  /** What would listen there (`gateway`, `backend-api`). */
  readonly owner: string;
}

export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(readonly busy: readonly PortClaim[]) {
    super(
      busy.map((c) => `port ${c.port} on 127.0.0.1 (for ${c.owner}) is in use`).join('; ') +
        '. Nothing was started. Stop what listens there, or choose other ports (--port, --backend-api-port, --strategy-service-port, --data-collection-port).',
    );
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** Throws PortInUseError naming every claimed port something already listens on (or a duplicate claim). */
export async function assertPortsFree(claims: readonly PortClaim[]): Promise<void> {
  const seen = new Map<number, string>();
  const busy: PortClaim[] = [];
  for (const c of claims) {
    if (!Number.isInteger(c.port) || c.port < 1 || c.port > 65535) throw new RangeError(`port for ${c.owner} must be 1-65535, got ${c.port}`);
    const other = seen.get(c.port);
    if (other) throw new RangeError(`port ${c.port} is given to both ${other} and ${c.owner}`);
    seen.set(c.port, c.owner);
    if (!(await portFree(c.port))) busy.push(c);
  }
  if (busy.length > 0) throw new PortInUseError(busy);
}

/** A free port chosen by the OS (tests and benches: pass it on as an explicit port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export interface ServiceProcess {
  readonly name: string;
  readonly pid: number;
  readonly url: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

export interface ServiceSpec {
  readonly name: string;
  /** Entry point relative to the workspace root. */
  readonly main: string;
  readonly port: number;
  readonly healthPath: string;
  readonly env: Readonly<Record<string, string>>;
}

const tail = (text: string) => text.trim().split('\n').slice(-3).join(' | ');

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** SIGTERM (the service drains), SIGKILL after `graceMs`. */
async function terminate(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited(child);
  clearTimeout(timer);
}

/**
 * Starts a service process and waits until `GET <healthPath>` answers 200 (up to `timeoutMs`).
 * If it exits first, or never gets healthy, it is stopped and the error carries its last output.
 */
export async function startService(root: string, logDir: string, spec: ServiceSpec, timeoutMs = 180_000): Promise<ServiceProcess> {
  const logFile = join(logDir, `${spec.name}.log`);
  const log = createWriteStream(logFile, { flags: 'w' });
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, spec.main)], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let recent = '';
  child.once('error', (err) => {
    recent += `\nspawn failed: ${err.message}`;
  });
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    recent = (recent + chunk.toString('utf8')).slice(-2000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.once('exit', () => log.end());
  const url = `http://127.0.0.1:${spec.port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      throw new Error(`${spec.name} exited (${child.exitCode ?? child.signalCode}) before it was healthy: ${tail(recent)} (log: ${logFile})`);
    }
    const ok = await fetch(`${url}${spec.healthPath}`, { signal: AbortSignal.timeout(1_000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await terminate(child);
      throw new Error(`${spec.name} was not healthy at ${url}${spec.healthPath} within ${timeoutMs} ms: ${tail(recent)} (log: ${logFile})`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { name: spec.name, pid: child.pid!, url, logFile, stop: () => terminate(child) };
}
