/**
 * `npx nx run platform:serve` (or `npx tsx apps/platform/src/main.ts`): starts the platform on
 * 127.0.0.1, prints the URL, ready tokens and what runs where; Ctrl-C (SIGINT) or SIGTERM stops
 * every process and emulator. A busy port stops the start before anything runs, naming the port.
 *
 * Flags: --port=8080 (gateway), --backend-api-port=8000, --strategy-service-port=8003,
 * --data-collection-port=8002, --sample-store=data/sample-store, --log-dir=dist/platform/logs.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { assertPortsFree, platformPorts, PortInUseError, SERVICE_PROCESSES, type PlatformService } from './processes.js';
import type { RunningPlatform } from './serve.js';

function port(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) throw new RangeError(`--${flag} must be a port number 1-65535, got "${value}"`);
  return n;
}

function readArgs(argv: string[]) {
  const serviceFlags = Object.keys(SERVICE_PROCESSES).map((s) => `${s}-port`);
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'sample-store': { type: 'string' },
      'log-dir': { type: 'string' },
      ...Object.fromEntries(serviceFlags.map((f) => [f, { type: 'string' as const }])),
    },
    strict: true,
  });
  const v = values as Record<string, string | undefined>;
  const servicePorts: Partial<Record<PlatformService, number>> = {};
  for (const s of Object.keys(SERVICE_PROCESSES) as PlatformService[]) {
    const p = port(`${s}-port`, v[`${s}-port`]);
    if (p !== undefined) servicePorts[s] = p;
  }
  return {
    port: port('port', v['port']),
    servicePorts,
    sampleStore: v['sample-store'] && resolve(v['sample-store']),
    logDir: v['log-dir'] && resolve(v['log-dir']),
  };
}

/** `session.env` for `source`: the URL and tokens as shell variables (pure). */
export function sessionEnv(p: RunningPlatform): string {
  return [
    `export API=${p.url}`,
    `export TOKEN=${p.userToken}`,
    `export M2M_TOKEN=${p.m2mToken}`,
    `export M2M_CLIENT_ID=${p.m2mClient.id}`,
    `export M2M_CLIENT_SECRET=${p.m2mClient.secret}`,
    '',
  ].join('\n');
}

/** The banner: URL, tokens, what runs where (pure). */
export function banner(p: RunningPlatform): string {
  const width = Math.max(...p.components.map((c) => c.name.length));
  return [
    `TradAI platform ready in ${(p.startedInMs / 1000).toFixed(1)} s`,
    '',
    `URL:         ${p.url}`,
    `user token:  ${p.userToken}`,
    `             (local-trader, group trader; export TOKEN=<it>)`,
    `m2m token:   ${p.m2mToken}`,
    `             (client ${p.m2mClient.id}, every tradai-api scope)`,
    `m2m client:  id ${p.m2mClient.id}  secret ${p.m2mClient.secret}`,
    `             POST ${p.url}/oauth2/token grant_type=client_credentials[&scope=tradai-api/backtests.read ...]`,
    '',
    'what runs where:',
    ...p.components.map((c) => `  ${c.name.padEnd(width)}  ${c.where}${c.pid ? `  (pid ${c.pid})` : ''}`),
    `logs: ${p.logDir}`,
    `shell: source ${join(dirname(p.logDir), 'session.env')}  (API, TOKEN, M2M_TOKEN, M2M_CLIENT_ID, M2M_CLIENT_SECRET)`,
    '',
    'Ctrl-C stops everything.',
  ].join('\n');
}

async function main(): Promise<number> {
  let args: ReturnType<typeof readArgs>;
  try {
    args = readArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 2;
  }
  let platform: RunningPlatform;
  try {
    // The port check first, before the emulators and SDKs are even loaded: a busy port costs nothing.
    await assertPortsFree(platformPorts(args.port, args.servicePorts).claims);
    const { startPlatform } = await import('./serve.js');
    platform = await startPlatform({
      ...(args.port ? { port: args.port } : {}),
      servicePorts: args.servicePorts,
      ...(args.sampleStore ? { sampleStore: args.sampleStore } : {}),
      ...(args.logDir ? { logDir: args.logDir } : {}),
      log: (line) => process.stdout.write(`${line}\n`),
    });
  } catch (err) {
    process.stderr.write(`error: ${err instanceof PortInUseError ? err.message : (err as Error).stack ?? String(err)}\n`);
    return 1;
  }
  // The tokens are for this run only: the file goes when the platform stops.
  const session = join(dirname(platform.logDir), 'session.env');
  writeFileSync(session, sessionEnv(platform), { mode: 0o600 });
  process.stdout.write(`${banner(platform)}\n`);
  await new Promise<void>((resolveStop) => {
    let stopping = false;
    const onSignal = (sig: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`\n${sig}: stopping...\n`);
      rmSync(session, { force: true });
      void platform.stop().finally(() => {
        process.stdout.write('stopped.\n');
        resolveStop();
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  return 0;
}

process.exitCode = await main();
// Pooled sockets of the SDK clients would keep the loop alive after everything has stopped.
process.exit();
