import { EventEmitter } from 'node:events';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Strategy } from '../strategy.js';
import { causeLine, INTERRUPTED_EXIT, main } from './main.js';
import { InterruptedError } from './run.js';
import { H, hourly, memoryReader } from './test-support.js';

const B = Date.UTC(2026, 0, 10);
const s3mock = mockClient(S3Client);
const s3 = new S3Client({ region: 'eu-central-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

/** Never trades: the run's outcome depends on the task alone. */
const idle: Strategy = { name: 'idle', description: 'test strategy', timeframes: ['1h'], parameters: {}, warmup: () => 0, signals: (c) => new Int8Array(c.length) };

const env = (change: Record<string, string> = {}): Record<string, string> => ({
  MODE: 'backtest',
  WORKFLOW_ID: 'main-1',
  STRATEGY: 'idle',
  CONFIG_KEY: 'idle/v1.json',
  CONFIG_VERSION: '1',
  RESULT_KEY: 'backtests/main-1/result.json',
  TIMEFRAME: '1h',
  START_DATE: new Date(B).toISOString(),
  END_DATE: new Date(B + 24 * H).toISOString(),
  SYMBOLS: '["BTC/USDT"]',
  PARAMETERS: '{}',
  CONFIGS_BUCKET: 'configs',
  RESULTS_BUCKET: 'results',
  ARCTICDB_BUCKET: 'arcticdb',
  ...change,
});

const silent = () => undefined;

/** Runs main with a fake signal source; `during` runs inside the candle read (mid-run). */
async function run(opts: { env?: Record<string, string>; during?: (signals: EventEmitter) => void; signal?: AbortSignal } = {}) {
  const lines: string[] = [];
  const signals = new EventEmitter();
  const seen: number[] = [];
  const candles = memoryReader({ 'BTC/USDT': hourly(B, 48) }, () => {
    seen.push(signals.listenerCount('SIGTERM'), signals.listenerCount('SIGINT'));
    opts.during?.(signals);
  });
  const code = await main(idle, { env: opts.env ?? env(), s3, candles, log: silent, stderr: (l) => lines.push(l), signals: signals as never, ...(opts.signal ? { signal: opts.signal } : {}) });
  return { code, lines, seen, after: [signals.listenerCount('SIGTERM'), signals.listenerCount('SIGINT')] };
}

describe('causeLine', () => {
  it('names the error class, or Error for a plain Error or a non-Error value', () => {
    expect(causeLine(new TypeError('bad input'))).toBe('TypeError: bad input');
    expect(causeLine(new InterruptedError('stop'))).toBe('InterruptedError: stop');
    expect(causeLine(new Error('plain'))).toBe('Error: plain');
    expect(causeLine(Object.assign(new Error('nameless'), { name: '' }))).toBe('Error: nameless');
    expect(causeLine('boom')).toBe('Error: boom');
    expect(causeLine(42)).toBe('Error: 42');
    expect(causeLine(undefined)).toBe('Error: undefined');
  });

  it('folds line breaks and the blanks around them into one space, keeping other spacing', () => {
    expect(causeLine(new Error('first  \n\n   second\nthird\r\nfourth'))).toBe('Error: first second third fourth');
    expect(causeLine(new Error('a\n'))).toBe('Error: a ');
    expect(causeLine(new Error('two  spaces\ttab'))).toBe('Error: two  spaces\ttab');
  });

  it('keeps a line of exactly 2000 characters and cuts a longer one there', () => {
    const exact = causeLine(new Error('x'.repeat(2000 - 'Error: '.length)));
    expect(exact).toHaveLength(2000);
    expect(exact.endsWith('x')).toBe(true);
    const longer = causeLine(new Error(`${'x'.repeat(2000 - 'Error: '.length)}y`));
    expect(longer).toBe(exact);
  });
});

describe('main', () => {
  beforeEach(() => {
    s3mock.reset();
    s3mock.on(GetObjectCommand, { Bucket: 'configs', Key: 'idle/v1.json' }).resolves({ Body: { transformToString: async () => '{"strategy":"idle"}' } as never });
    s3mock.on(PutObjectCommand).resolves({});
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('exits 0 after writing the result, with its signal listeners removed', async () => {
    const out = await run();
    expect(out).toEqual({ code: 0, lines: [], seen: [1, 1], after: [0, 0] });
    expect(s3mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).toEqual(['backtests/main-1/result.json', 'backtests/main-1/result.html']);
  });

  it('exits 1 with one line naming the cause on failure, with its signal listeners removed', async () => {
    const out = await run({ env: env({ SYMBOLS: 'BTC' }) });
    expect(out).toEqual({ code: 1, lines: ['EnvError: SYMBOLS is not valid JSON: BTC'], seen: [], after: [0, 0] });
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('stops on %s: exit 143, one line saying so, nothing written', async (sig) => {
    const out = await run({ during: (signals) => signals.emit(sig, sig) });
    expect(INTERRUPTED_EXIT).toBe(143);
    expect(out.code).toBe(143);
    expect(out.lines).toEqual([`InterruptedError: interrupted by ${sig} (Spot reclaim or task stop) before the run finished`]);
    expect(out.after).toEqual([0, 0]);
    expect(s3mock.commandCalls(PutObjectCommand)).toEqual([]);
  });

  it('stops when the caller aborts with an InterruptedError: exit 143', async () => {
    const c = new AbortController();
    c.abort(new InterruptedError('stopped by the caller'));
    const out = await run({ signal: c.signal });
    expect(out).toMatchObject({ code: 143, lines: ['InterruptedError: stopped by the caller'], after: [0, 0] });
  });

  it("reports the caller's own abort reason (not an interruption): exit 1", async () => {
    const c = new AbortController();
    c.abort('deploy rolled back');
    const out = await run({ signal: c.signal });
    expect(out).toMatchObject({ code: 1, lines: ['Error: deploy rolled back'] });
    expect(s3mock.commandCalls(GetObjectCommand)).toEqual([]);
  });

  it('by default writes the cause line to stderr and a "task finished" JSON line to stdout', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const signals = new EventEmitter();
    expect(await main(idle, { env: env({ MODE: 'live' }), s3, log: silent, signals: signals as never })).toBe(1);
    expect(err.mock.calls.map((c) => c[0])).toEqual([expect.stringMatching(/^EnvError: MODE is invalid: .* \(got live\)\n$/)]);

    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const candles = memoryReader({ 'BTC/USDT': hourly(B, 48) });
    expect(await main(idle, { env: env(), s3, candles, signals: signals as never })).toBe(0);
    const lines = out.mock.calls.map((c) => String(c[0]));
    expect(lines.every((l) => l.endsWith('\n'))).toBe(true);
    const finished = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['msg'] === 'task finished');
    expect(finished).toHaveLength(1);
    expect(finished[0]!['mode']).toBe('backtest');
    expect(Object.keys(finished[0]!['timings'] as object)).toEqual(['env', 'config', 'candles', 'firstCandle', 'backtest', 'written']);
  });

  it('passes the outcome to the given log', async () => {
    const log = vi.fn();
    const candles = memoryReader({ 'BTC/USDT': hourly(B, 48) });
    expect(await main(idle, { env: env(), s3, candles, log, signals: new EventEmitter() as never })).toBe(0);
    expect(log).toHaveBeenLastCalledWith('task finished', { mode: 'backtest', timings: expect.objectContaining({ written: expect.any(Number) }) });
  });

  it('listens on the process by default and stops listening afterwards', async () => {
    const before = [process.listenerCount('SIGTERM'), process.listenerCount('SIGINT')];
    const during: number[] = [];
    const candles = memoryReader({ 'BTC/USDT': hourly(B, 48) }, () => {
      during.push(process.listenerCount('SIGTERM'), process.listenerCount('SIGINT'));
    });
    expect(await main(idle, { env: env(), s3, candles, log: silent, stderr: silent })).toBe(0);
    expect(during).toEqual([before[0]! + 1, before[1]! + 1]);
    expect([process.listenerCount('SIGTERM'), process.listenerCount('SIGINT')]).toEqual(before);
  });
});
