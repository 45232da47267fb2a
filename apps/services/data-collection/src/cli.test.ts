import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeExchange, type FakeExchange } from '@tradai/testing-tools';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLI_USAGE } from './cli-args.js';
import { runCli } from './cli.js';

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const START = T0 + 48 * H + 30 * 60_000;

let fake: FakeExchange;
beforeAll(async () => {
  fake = await startFakeExchange({ symbols: ['BTC/USDT', 'ETH/USDT'], now: START, listedAt: Date.UTC(2023, 0, 1) });
});
afterAll(async () => fake?.stop());

let store: string;
beforeEach(() => {
  fake.setNow(START);
  fake.clearRequests();
  store = mkdtempSync(join(tmpdir(), 'data-cli-unit-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(store, { recursive: true, force: true });
});

const args = (...extra: string[]) => ['sync', '--exchange=binance', '--symbols=BTC/USDT', '--timeframe=1h', '--since=2024-01-01', '--until=2024-01-01T06:00:00Z', `--store=${store}`, `--exchange-url=${fake.url}`, ...extra];

/** The SIGINT listeners added since `before`. */
const addedSigint = (before: readonly unknown[]) => process.listeners('SIGINT').filter((l) => !before.includes(l));

describe('runCli', () => {
  it('prints the table, then the store it wrote to', async () => {
    const lines: string[] = [];
    const { code } = await runCli(args(), (l) => void lines.push(l));
    expect(code).toBe(0);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^symbol\s+timeframe/);
    expect(lines[1]).toBe(`store: ${store}`);
  });

  it('reports a series with nothing new without first or last', async () => {
    await runCli(args(), () => undefined);
    const { code, results } = await runCli(args(), () => undefined);
    expect(code).toBe(0);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ symbol: 'BTC/USDT', status: 'ok', written: 0 });
    expect('first' in results[0]!).toBe(false);
    expect('last' in results[0]!).toBe(false);
  });

  it('listens for Ctrl-C while it runs and stops listening afterwards', async () => {
    const before = process.listeners('SIGINT');
    const run = runCli(args(), () => undefined);
    expect(addedSigint(before)).toHaveLength(1);
    await run;
    expect(addedSigint(before)).toEqual([]);
  });

  it('aborts the sync on Ctrl-C: the run rejects as aborted, caused by "interrupted"', async () => {
    const before = process.listeners('SIGINT');
    const run = runCli(args(), () => undefined);
    const [stop] = addedSigint(before);
    expect(stop).toBeDefined();
    (stop as () => void)();
    const err: unknown = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ message: 'binance BTC/USDT 1h: aborted', reason: 'aborted' });
    expect((err as Error).cause).toMatchObject({ message: 'interrupted' });
    expect(addedSigint(before)).toEqual([]);
  });
});

describe('cli.ts as the entry point (process.argv, exit code)', () => {
  const cliPath = fileURLToPath(new URL('./cli.ts', import.meta.url));
  let argv: string[];
  beforeEach(() => {
    argv = process.argv;
    vi.resetModules();
  });
  afterEach(() => {
    process.argv = argv;
  });

  /** Imports cli.ts as if node ran it with `cliArgs`; returns the process.exit and console.error spies. */
  async function runAsMain(cliArgs: string[]) {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const before = process.listeners('SIGINT');
    process.argv = [argv[0]!, cliPath, ...cliArgs];
    await import('./cli.js');
    return { exit, error, sigint: addedSigint(before) };
  }

  it('exits with the run\'s code: 0 when every series synced', async () => {
    const { exit, error } = await runAsMain(args());
    await vi.waitFor(() => expect(exit).toHaveBeenCalled());
    expect(exit).toHaveBeenCalledWith(0);
    expect(error).not.toHaveBeenCalled();
  });

  it('exits 1 when a series failed', async () => {
    const { exit } = await runAsMain(args().map((a) => (a.startsWith('--symbols=') ? '--symbols=BTC/USDT,NOPE/USDT' : a)));
    await vi.waitFor(() => expect(exit).toHaveBeenCalled());
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('exits 2 on a usage error, printing it with the usage', async () => {
    const { exit, error } = await runAsMain(['sync', '--exchange=nope', '--symbols=BTC/USDT', '--timeframe=1h', '--since=2024-01-01']);
    await vi.waitFor(() => expect(exit).toHaveBeenCalled());
    expect(exit).toHaveBeenCalledWith(2);
    expect(error).toHaveBeenCalledWith(`data: --exchange: unknown exchange "nope": not a ccxt exchange id\n${CLI_USAGE}`);
  });

  it('exits 1 on any other error, printing it without the usage', async () => {
    const { exit, error, sigint } = await runAsMain(args());
    expect(sigint).toHaveLength(1);
    (sigint[0] as () => void)();
    await vi.waitFor(() => expect(exit).toHaveBeenCalled());
    expect(exit).toHaveBeenCalledWith(1);
    expect(error).toHaveBeenCalledWith('data: binance BTC/USDT 1h: aborted');
  });

  it('does nothing when imported by another module', async () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const before = process.listeners('SIGINT');
    await import('./cli.js');
    expect(addedSigint(before)).toEqual([]);
    expect(exit).not.toHaveBeenCalled();
  });
});
