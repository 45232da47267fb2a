import { SERVICE_ENDPOINTS, type ServiceEndpointName } from '@tradai/contracts';
import { EnvError, numberSetting } from '@tradai/domain';

type Source = Readonly<Record<string, string | undefined>>;

/**
 * Variables the compute stack sets on every service (infra/compute ecs_services.logic.ts
 * SERVICE_RUNTIME_ENV), plus the ones a service may be given by hand.
 */
export const SERVICE_ENV = {
  name: 'SERVICE_NAME',
  port: 'SERVICE_PORT',
  healthPath: 'HEALTH_PATH',
  /** Interface to bind; 0.0.0.0 in a container, 127.0.0.1 in tests. */
  host: 'SERVICE_HOST',
  logLevel: 'LOG_LEVEL',
  /** Reported by /health and the OpenAPI document (e.g. the image tag). */
  version: 'SERVICE_VERSION',
  /** Milliseconds SIGTERM waits for in-flight requests before the process exits anyway. */
  shutdownTimeoutMs: 'SHUTDOWN_TIMEOUT_MS',
} as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** What every service needs to start: where to listen, how to log, how long to drain. */
export interface ServiceConfig {
  readonly name: ServiceEndpointName;
  readonly port: number;
  readonly host: string;
  readonly healthPath: string;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly version: string;
  readonly shutdownTimeoutMs: number;
}

/**
 * The runtime settings of service `name`. Port and health path default to its SERVICE_ENDPOINTS entry
 * (the same table the stack builds target groups and probes from), so a local run needs no variables;
 * a set but malformed value is an {@link EnvError} naming the variable. SERVICE_NAME, when set, must
 * match: an image started under another service's environment would answer the wrong probes.
 */
export function serviceConfig(name: ServiceEndpointName, source: Source = process.env): ServiceConfig {
  const endpoint = SERVICE_ENDPOINTS[name];
  const set = (v: string) => (source[v] ?? '').trim() !== '';
  const declared = source[SERVICE_ENV.name]?.trim();
  if (declared && declared !== name) {
    throw new EnvError(`${SERVICE_ENV.name} is "${declared}" but this image is ${name}`, [SERVICE_ENV.name]);
  }
  const healthPath = set(SERVICE_ENV.healthPath) ? source[SERVICE_ENV.healthPath]!.trim() : endpoint.healthPath;
  if (!healthPath.startsWith('/')) throw new EnvError(`${SERVICE_ENV.healthPath} must start with "/", got "${healthPath}"`, [SERVICE_ENV.healthPath]);
  const logLevel = (source[SERVICE_ENV.logLevel]?.trim() || 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new EnvError(`${SERVICE_ENV.logLevel} must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`, [SERVICE_ENV.logLevel]);
  }
  return {
    name,
    port: set(SERVICE_ENV.port) ? numberSetting(source, SERVICE_ENV.port, { min: 0, max: 65535, integer: true }) : endpoint.port,
    host: source[SERVICE_ENV.host]?.trim() || '0.0.0.0',
    healthPath,
    logLevel: logLevel as ServiceConfig['logLevel'],
    version: source[SERVICE_ENV.version]?.trim() || 'dev',
    shutdownTimeoutMs: set(SERVICE_ENV.shutdownTimeoutMs) ? numberSetting(source, SERVICE_ENV.shutdownTimeoutMs, { min: 1, integer: true }) : 10_000,
  };
}

/** Where {@link configOrExit} reports and how it stops; injectable for tests. */
export interface ExitIo {
  readonly stderr: (line: string) => void;
  readonly exit: (code: number) => never;
}

const processIo: ExitIo = {
  stderr: (line) => process.stderr.write(`${line}\n`),
  exit: (code) => process.exit(code),
};

/**
 * Runs the start-up config reader; a bad environment ({@link EnvError}) stops the process with one line
 * naming the variables and exit code 1, instead of a stack trace or a half-started server.
 */
export function configOrExit<T>(service: string, read: () => T, io: ExitIo = processIo): T {
  try {
    return read();
  } catch (err) {
    if (!(err instanceof EnvError)) throw err;
    io.stderr(`${service}: configuration error: ${err.message}`);
    return io.exit(1);
  }
}
