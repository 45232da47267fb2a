import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ValidationError } from '@tradai/domain';
import { createCandleStore, generateCandles, localBlobs } from '@tradai/market-data';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseBacktestArgs } from './args.js';
import { backtestCli, runBacktestCommand, type BacktestCliOptions } from './run.js';

// What the probe strategies saw, written by them (they are loaded from the temp workspace by path).
interface Probe {
  firstCandle: number[];
}
const probe = () => (globalThis as { __probe?: Probe }).__probe!;

// Probes with no imports of their own: `probe` records the first candle it is given; `probe-model`
// is trainable and its train() fails the way the `fail` parameter says.
const PROBE = `
export default {
  name: 'probe',
  description: 'records what the CLI passes it',
  timeframes: ['1h'],
  parameters: { warm: { type: 'number', integer: true, min: 0, max: 100, default: 5 } },
  warmup: (p) => p.warm,
  signals(c) { (globalThis.__probe ??= { firstCandle: [] }).firstCandle.push(c.timestamp[0]); return new Int8Array(c.length); },
};
`;
const PROBE_MODEL = `
export default {
  name: 'probe-model',
  description: 'a trainable probe whose training can fail',
  timeframes: ['1h'],
  parameters: { fail: { type: 'number', integer: true, min: 0, max: 1, default: 0 } },
  warmup: () => 0,
  features: ['close'],
  featureRows: (c) => Array.from(c.close, (v) => Float64Array.of(v)),
  train(c, p) { if (p.fail === 1) throw new TypeError('probe   \\n   broke'); return { model: {}, metrics: {} }; },
  serialize: () => '{}',
  deserialize: () => ({}),
  signals: (c) => new Int8Array(c.length),
};
`;

let dir: string;
let workspaceRoot: string;
let store: string;
const H = 3_600_000;
const JAN = (day: number, hour = 0) => Date.UTC(2024, 0, day, hour);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'backtest-run-'));
  workspaceRoot = join(dir, 'workspace');
  for (const [name, text] of [['probe', PROBE], ['probe-model', PROBE_MODEL], ['misnamed', PROBE]] as const) {
    mkdirSync(join(workspaceRoot, 'apps', 'strategies', name, 'src'), { recursive: true });
    writeFileSync(join(workspaceRoot, 'apps', 'strategies', name, 'src', 'strategy.ts'), text);
  }
  // BTC for 10 days from Jan 1; ETH for 5 (its last candle is Jan 5, 23:00).
  store = join(dir, 'store');
  const s = createCandleStore({ blobs: localBlobs(store) });
  await s.write({ exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' }, generateCandles({ symbol: 'BTC/USDT', timeframe: '1h', start: JAN(1), count: 240, seed: 1 }));
  await s.write({ exchange: 'binance', symbol: 'ETH/USDT', timeframe: '1h' }, generateCandles({ symbol: 'ETH/USDT', timeframe: '1h', start: JAN(1), count: 120, seed: 2 }));
  for (const [file, text] of [['array.json', '[]'], ['null.json', 'null'], ['number.json', '3'], ['broken.json', '{"feeRate":'], ['bad-value.json', '{"feeRate":2}']]) writeFileSync(join(dir, file), text);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const quiet = (cwd: string, extra: BacktestCliOptions = {}): BacktestCliOptions => ({ cwd, workspaceRoot, stdout: () => undefined, stderr: () => undefined, ...extra });
const args = (...flags: string[]) => parseBacktestArgs([`--store=${store}`, '--symbols=BTC/USDT', '--start=2024-01-06', '--end=2024-01-08', '--strategy=probe', ...flags]);
const outDir = () => mkdtempSync(join(dir, 'out-'));
/** The ValidationError a run fails with (the test fails if it does not fail). */
async function failure(run: Promise<unknown>): Promise<ValidationError> {
  const err = await run.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ValidationError);
  return err as ValidationError;
}

describe('runBacktestCommand: candles', () => {
  it('reads warmup(params) candles of the timeframe before --start, and none when the warm-up is 0', async () => {
    (globalThis as { __probe?: Probe }).__probe = { firstCandle: [] };
    await runBacktestCommand(args('--params={"warm":5}', '--out=a.json'), quiet(outDir()));
    await runBacktestCommand(args('--params={"warm":0}', '--out=b.json'), quiet(outDir()));
    expect(probe().firstCandle).toEqual([JAN(6) - 5 * H, JAN(6)]);
  });

  it('refuses a symbol whose candles all end before --start, naming the symbol and the window', async () => {
    // ETH's warm-up candles (Jan 5) are in the store, but none inside the window.
    const err = await failure(runBacktestCommand(args('--symbols=BTC/USDT,ETH/USDT'), quiet(outDir())));
    expect(err.message).toBe(`--symbols: no ETH/USDT 1h candles from binance in ${store} between 2024-01-06 and 2024-01-08`);
    expect(err.path).toBe('symbols');
  });

  it("accepts a symbol whose last candle is --start itself (one candle inside the window)", async () => {
    const { result } = await runBacktestCommand(args('--symbols=BTC/USDT,ETH/USDT', '--start=2024-01-05T23:00Z'), quiet(outDir()));
    expect(result.symbols).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(result.equityCurve.timestamp[0]).toBe(JAN(5, 23));
  });
});

describe('runBacktestCommand: errors name their flag', () => {
  it('--strategy, when the module exports another strategy', async () => {
    const err = await failure(runBacktestCommand(args('--strategy=misnamed'), quiet(outDir())));
    expect(err.message).toMatch(/^--strategy: .*misnamed.*exports strategy "probe", expected "misnamed"$/);
    expect(err.path).toBe('strategy');
  });

  it('--timeframe, --params and --config', async () => {
    expect((await failure(runBacktestCommand(args('--timeframe=4h'), quiet(outDir())))).path).toBe('timeframe');
    expect((await failure(runBacktestCommand(args('--params={"warm":-1}'), quiet(outDir())))).path).toBe('params');
    expect((await failure(runBacktestCommand(args(`--config=${join(dir, 'nowhere.json')}`), quiet(outDir())))).path).toBe('config');
    expect((await failure(runBacktestCommand(args(`--config=${join(dir, 'array.json')}`), quiet(outDir())))).path).toBe('config');
    expect((await failure(runBacktestCommand(args(`--config=${join(dir, 'broken.json')}`), quiet(outDir())))).path).toBe('config');
    const bad = await failure(runBacktestCommand(args(`--config=${join(dir, 'bad-value.json')}`), quiet(outDir())));
    expect(bad.message).toMatch(/^--config: invalid backtest config: feeRate: /);
    expect(bad.path).toBe('config');
  });

  it('says why a config file cannot be read: missing, or not JSON', async () => {
    const missing = await failure(runBacktestCommand(args(`--config=${join(dir, 'nowhere.json')}`), quiet(outDir())));
    expect(missing.message).toBe(`--config: cannot read ${join(dir, 'nowhere.json')}: file not found`);
    const broken = await failure(runBacktestCommand(args(`--config=${join(dir, 'broken.json')}`), quiet(outDir())));
    expect(broken.message).toMatch(new RegExp(`^--config: cannot read ${join(dir, 'broken.json')}: (?!file not found).*JSON`));
  });

  it.each(['array.json', 'null.json', 'number.json'])('refuses a config file holding %s instead of an object', async (file) => {
    const err = await failure(runBacktestCommand(args(`--config=${join(dir, file)}`), quiet(outDir())));
    expect(err.message).toBe(`--config: ${join(dir, file)} must hold a JSON object of BacktestConfig fields`);
  });

  it('names --train-days when training refuses its candles, but passes a bug in train() on as it is', async () => {
    const cwd = outDir();
    // The fixture mean-model refuses fewer than 50 candles: one day of them is 24.
    const fixtures = fileURLToPath(new URL('./__fixtures__', import.meta.url));
    const refused = await failure(runBacktestCommand(args('--strategy=mean-model', '--train-days=1', '--start=2024-01-03'), quiet(cwd, { workspaceRoot: fixtures })));
    expect(refused.message).toBe('--train-days: training on the 1 days before --start failed: mean-model: 24 candles to train on, need at least 50');
    expect(refused.path).toBe('train-days');
    const bug = await runBacktestCommand(args('--strategy=probe-model', '--params={"fail":1}'), quiet(cwd)).then(() => undefined, (e: unknown) => e);
    expect(bug).toBeInstanceOf(TypeError);
    expect((bug as Error).message).toBe('probe   \n   broke');
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('runBacktestCommand: outputs', () => {
  it('prints and returns the report path only when --html is given', async () => {
    const cwd = outDir();
    const lines: string[] = [];
    const withHtml = await runBacktestCommand(args('--out=r.json', '--html=r.html'), quiet(cwd, { stdout: (t) => lines.push(t) }));
    expect(withHtml.htmlPath).toBe(join(cwd, 'r.html'));
    expect(lines.at(-1)).toBe(`report: ${join(cwd, 'r.html')}\n`);
    lines.length = 0;
    const without = await runBacktestCommand(args('--out=s.json'), quiet(cwd, { stdout: (t) => lines.push(t) }));
    expect(without).not.toHaveProperty('htmlPath');
    expect(lines.at(-1)).toBe(`result: ${join(cwd, 's.json')}\n`);
    expect(readdirSync(cwd).sort()).toEqual(['r.html', 'r.json', 's.json']);
  });

  it('leaves no temp file behind when the result cannot be put in place', async () => {
    const cwd = outDir();
    mkdirSync(join(cwd, 'taken', 'inside'), { recursive: true });
    // The result path is a non-empty folder: the rename fails after the temp file was written.
    await expect(runBacktestCommand(args('--out=taken'), quiet(cwd))).rejects.toThrow();
    expect(readdirSync(cwd)).toEqual(['taken']);
    expect(readdirSync(join(cwd, 'taken'))).toEqual(['inside']);
  });
});

describe('backtestCli', () => {
  it('prints an unexpected error as one line, its line breaks and their spaces folded into one space', async () => {
    const err: string[] = [];
    const code = await backtestCli([`--store=${store}`, '--symbols=BTC/USDT', '--start=2024-01-06', '--end=2024-01-08', '--strategy=probe-model', '--params={"fail":1}'], quiet(outDir(), { stderr: (t) => err.push(t) }));
    expect(code).toBe(1);
    expect(err).toEqual(['error: probe broke\n']);
  });

  it('writes to the process streams by default', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const flags = [`--store=${store}`, '--symbols=BTC/USDT', '--start=2024-01-06', '--end=2024-01-08', '--strategy=probe'];
    expect(await backtestCli([...flags, '--out=r.json'], { cwd: outDir(), workspaceRoot })).toBe(0);
    expect(out.mock.calls.map((c) => String(c[0])).join('')).toMatch(/^probe 1h BTC\/USDT 2024-01-06\.\.2024-01-08 \(binance, warm-up 5 candles\)\n/);
    expect(await backtestCli([...flags, '--timeframe=4h'], { cwd: outDir(), workspaceRoot })).toBe(1);
    expect(err.mock.calls.map((c) => String(c[0]))).toEqual(['error: --timeframe: probe is written for 1h, not 4h\n']);
  });
});
