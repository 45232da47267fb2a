import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BacktestResultFile, parseEvent } from '@tradai/domain';
import { createCandleStore, generateCandles, localBlobs } from '@tradai/market-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBacktestArgs, parseDateFlag } from './args.js';
import { backtestCli, runBacktestCommand } from './run.js';

// A workspace of fixture strategies (apps/strategies/<name>/src/strategy.ts), so the tests do not depend on the real ones.
const workspaceRoot = fileURLToPath(new URL('./__fixtures__', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'backtest-cli-'));
  // Same layout as the bucket: ohlcv/exchange=binance/symbol=BTC-USDT/timeframe=1h/year=2024/part.parquet
  const store = createCandleStore({ blobs: localBlobs(join(dir, 'store')) });
  const start = Date.UTC(2024, 0, 1);
  await store.write({ exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' }, generateCandles({ symbol: 'BTC/USDT', timeframe: '1h', start, count: 24 * 90, seed: 1 }));
  await store.write({ exchange: 'binance', symbol: 'ETH/USDT', timeframe: '1h' }, generateCandles({ symbol: 'ETH/USDT', timeframe: '1h', start, count: 24 * 90, seed: 2 }));
  writeFileSync(join(dir, 'bad-config.json'), JSON.stringify({ feeRate: 2 }));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ startingBalance: 5_000, stopLoss: 0.05 }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(flags: string[], outDir: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await backtestCli(flags, {
    cwd: outDir,
    workspaceRoot,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const base = () => [
  '--strategy=sma-cross',
  '--symbols=BTC/USDT,ETH/USDT',
  '--timeframe=1h',
  '--start=2024-01-10',
  '--end=2024-03-20',
  `--store=${join(dir, 'store')}`,
  `--config=${join(dir, 'config.json')}`,
];

describe('backtest CLI', () => {
  it('runs a strategy on the local store, prints the metrics and writes the result file and the report', async () => {
    const outDir = mkdtempSync(join(dir, 'ok-'));
    const { code, stdout, stderr } = await run([...base(), '--params={"fast":8,"slow":30}', '--out=out/result.json', '--html=out/report.html'], outDir);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const file = parseEvent(BacktestResultFile, JSON.parse(readFileSync(join(outDir, 'out/result.json'), 'utf8')), 'result file');
    expect(file.strategy).toBe('sma-cross');
    expect(file.startingBalance).toBe(5_000);
    // The window is [2024-01-10, 2024-03-21): warm-up candles before it are read but not traded.
    expect(file.equityCurve[0]!.timestamp).toBe('2024-01-10T00:00:00.000Z');
    expect(file.equityCurve.at(-1)!.timestamp).toBe('2024-03-20T23:00:00.000Z');
    expect(file.trades.length).toBeGreaterThan(0);
    expect(new Set(file.trades.map((t) => t.pair))).toEqual(new Set(['BTC/USDT', 'ETH/USDT']));
    const html = readFileSync(join(outDir, 'out/report.html'), 'utf8');
    expect(html).toContain('<h1>sma-cross · 1h · BTC/USDT, ETH/USDT</h1>');
    expect(html).toContain('<th scope="row">fast</th><td>8</td>');
    expect(stdout).toMatch(/^sma-cross 1h BTC\/USDT,ETH\/USDT 2024-01-10\.\.2024-03-20 \(binance, warm-up 30 candles\)\n/);
    expect(stdout).toMatch(/\nTrades\s+\d+\n/);
    expect(stdout).toContain(`result: ${join(outDir, 'out/result.json')}`);
    // No temp files left beside the outputs.
    expect(readdirSync(join(outDir, 'out')).sort()).toEqual(['report.html', 'result.json']);
  });

  it('defaults the result path under dist/backtests and writes no report without --html', async () => {
    const outDir = mkdtempSync(join(dir, 'default-'));
    const { code } = await run(base(), outDir);
    expect(code).toBe(0);
    expect(readdirSync(join(outDir, 'dist/backtests'))).toEqual(['sma-cross_1h_2024-01-10_2024-03-20.json']);
  });

  it("applies the strategy module's engine settings and trains a model-based strategy before the window", async () => {
    const outDir = mkdtempSync(join(dir, 'real-'));
    const out: string[] = [];
    const flags = ['--symbols=ETH/USDT', '--timeframe=1h', '--start=2024-02-15', '--end=2024-03-15', `--store=${join(dir, 'store')}`, '--out=r.json'];
    const model = ['--strategy=mean-model', '--train-days=40', '--params={"band":0,"stop_loss":0.03}'];
    const ok = await backtestCli([...flags, ...model], {
      cwd: outDir,
      workspaceRoot,
      stdout: (t) => out.push(t),
      stderr: (t) => out.push(t),
    });
    expect(out.join('')).toContain('mean-model 1h ETH/USDT 2024-02-15..2024-03-15');
    expect(ok).toBe(0);
    const { result } = await runBacktestCommand(parseBacktestArgs([...flags, ...model]), { cwd: outDir, workspaceRoot, stdout: () => undefined });
    expect(result.config.stopLoss).toBe(0.03);
    expect(result.trades.length).toBeGreaterThan(0);
    expect(result.trades.some((t) => t.exitReason === 'stop_loss')).toBe(true);
    // Too little history before the window to train on: named by its flag.
    const err: string[] = [];
    const bad = await backtestCli([...flags, '--start=2024-01-02', '--strategy=mean-model', '--out=r2.json'], { cwd: outDir, workspaceRoot, stdout: () => undefined, stderr: (t) => err.push(t) });
    expect(bad).toBe(1);
    expect(err.join('').trimEnd()).toMatch(/^error: --train-days: training on the 90 days before --start failed: mean-model: 24 candles to train on, need at least 50$/);
    expect(readdirSync(outDir)).toEqual(['r.json']);
  });

  it("looks for strategies in this repository's apps/strategies by default", async () => {
    const err: string[] = [];
    const code = await backtestCli([...base(), '--strategy=nope'], { cwd: dir, stdout: () => undefined, stderr: (t) => err.push(t) });
    expect(code).toBe(1);
    expect(err.join('')).toMatch(/^error: --strategy: unknown strategy "nope"; available: .*\bma-crossover\b/);
  });

  const bad: [string, string[], RegExp][] = [
    ['unknown strategy', ['--strategy=nope'], /^error: --strategy: unknown strategy "nope"; available: mean-model, sma-cross$/],
    ['a strategy name that is not one', ['--strategy=../sma-cross'], /^error: --strategy: "..\/sma-cross" is not a strategy name/],
    ['params out of range', ['--params={"fast":1000}'], /^error: --params: invalid parameters: parameters\.fast: must be <= 100, got 1000$/],
    ['an unknown param', ['--params={"fats":3}'], /^error: --params: .*parameters\.fats: unknown parameter; declared: fast, slow$/],
    ['params that are not JSON', ['--params={fast:3}'], /^error: --params: not valid JSON/],
    ['a bad date', ['--start=2024-13-01'], /^error: --start: "2024-13-01" is not a calendar date$/],
    ['a date that is no date', ['--end=yesterday'], /^error: --end: "yesterday" is not a date/],
    ['end before start', ['--start=2024-03-01', '--end=2024-02-01'], /^error: --end: must be after --start$/],
    ['a window with no candles', ['--start=2023-01-01', '--end=2023-06-30'], /^error: --symbols: no BTC\/USDT 1h candles from binance in .* between 2023-01-01 and 2023-06-30$/],
    ['a symbol not in the store', ['--symbols=DOGE/USDT'], /^error: --symbols: no DOGE\/USDT 1h candles/],
    ['a malformed symbol', ['--symbols=btcusdt'], /^error: --symbols: "btcusdt" must look like BTC\/USDT$/],
    ['an unknown timeframe', ['--timeframe=2h'], /^error: --timeframe: "2h" is not one of 1m, 5m/],
    ['a timeframe the strategy is not written for', ['--timeframe=1d'], /^error: --timeframe: sma-cross is written for 1h, 4h, not 1d$/],
    ['a bad config value', ['--config=../bad-config.json'], /^error: --config: invalid backtest config: feeRate: /],
    ['a missing config file', ['--config=nowhere.json'], /^error: --config: cannot read .*nowhere\.json: file not found$/],
    ['a bad --train-days', ['--train-days=0'], /^error: --train-days: "0" must be a whole number of days >= 1$/],
    ['an unknown flag', ['--fast=3'], /^error: Unknown option '--fast'/],
  ];

  it.each(bad)('refuses %s with one line naming the flag, exit 1, nothing written', async (_name, flags, message) => {
    const outDir = mkdtempSync(join(dir, 'bad-'));
    // Later flags win in parseArgs, so each case overrides one of the good flags.
    const { code, stdout, stderr } = await run([...base(), '--out=result.json', '--html=report.html', ...flags], outDir);
    expect(code).toBe(1);
    expect(stderr.split('\n')).toHaveLength(2); // one line + the final newline
    expect(stderr.trimEnd()).toMatch(message);
    expect(stdout).toBe('');
    expect(readdirSync(outDir)).toEqual([]);
  });
});

describe('parseDateFlag', () => {
  it('reads a date-only --end as the last day included', () => {
    expect(parseDateFlag('start', '2024-01-01')).toBe(Date.UTC(2024, 0, 1));
    expect(parseDateFlag('end', '2024-06-30')).toBe(Date.UTC(2024, 6, 1));
    expect(parseDateFlag('end', '2024-06-30T12:00:00Z')).toBe(Date.UTC(2024, 5, 30, 12));
    expect(() => parseDateFlag('start', '2024-02-30')).toThrow('--start: "2024-02-30" is not a calendar date');
  });
});
