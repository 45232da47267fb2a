import { NotFoundError } from '@tradai/domain';
import { emptyColumns, type CandleColumns, type TimeRange } from '@tradai/market-data';
import { describe, expect, it } from 'vitest';
import { loadCandles, type CandleWindow } from './candles.js';
import { H, hourly, memoryReader } from './test-support.js';

/** A candle boundary of the 1h timeframe. */
const B = Date.UTC(2026, 0, 10);
const iso = (ms: number) => new Date(ms).toISOString();

const window = (range: TimeRange, change: Partial<CandleWindow> = {}): CandleWindow => ({ exchange: 'binance', symbols: ['BTC/USDT'], timeframe: '1h', range, warmup: 0, ...change });

async function failure(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(NotFoundError);
  return err as Error;
}

const timestamps = (c: CandleColumns | undefined) => Array.from(c?.timestamp ?? []);

describe('loadCandles', () => {
  it('returns the candles of each symbol for a window on candle boundaries, asking the reader for exactly that range', async () => {
    const reader = memoryReader({ 'BTC/USDT': hourly(B - 5 * H, 20), 'ETH/USDT': hourly(B - 5 * H, 20) });
    const out = await loadCandles(reader, window({ start: B, end: B + 3 * H }, { symbols: ['BTC/USDT', 'ETH/USDT'], exchange: 'kraken' }), 'mem://');
    expect(Object.keys(out)).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(timestamps(out['BTC/USDT'])).toEqual([B, B + H, B + 2 * H]);
    expect(timestamps(out['ETH/USDT'])).toEqual([B, B + H, B + 2 * H]);
    expect(reader.reads).toEqual([
      { key: { exchange: 'kraken', symbol: 'BTC/USDT', timeframe: '1h' }, range: { start: B, end: B + 3 * H } },
      { key: { exchange: 'kraken', symbol: 'ETH/USDT', timeframe: '1h' }, range: { start: B, end: B + 3 * H } },
    ]);
  });

  it('asks for `warmup` candles before the first window candle as well', async () => {
    const reader = memoryReader({ 'BTC/USDT': hourly(B - 5 * H, 20) });
    const out = await loadCandles(reader, window({ start: B, end: B + 2 * H }, { warmup: 3 }), 'mem://');
    expect(reader.reads[0]!.range).toEqual({ start: B - 3 * H, end: B + 2 * H });
    expect(timestamps(out['BTC/USDT'])).toEqual([B - 3 * H, B - 2 * H, B - H, B, B + H]);
  });

  it('accepts fewer warmup candles than asked for (best effort)', async () => {
    const reader = memoryReader({ 'BTC/USDT': hourly(B - H, 3) });
    const out = await loadCandles(reader, window({ start: B, end: B + 2 * H }, { warmup: 5 }), 'mem://');
    expect(reader.reads[0]!.range).toEqual({ start: B - 5 * H, end: B + 2 * H });
    expect(timestamps(out['BTC/USDT'])).toEqual([B - H, B, B + H]);
  });

  it('starts at the next whole candle when the window starts one ms after a boundary (rounds up)', async () => {
    const reader = memoryReader({ 'BTC/USDT': hourly(B + H, 5) });
    const out = await loadCandles(reader, window({ start: B + 1, end: B + 3 * H }), 'mem://');
    expect(reader.reads[0]!.range).toEqual({ start: B + H, end: B + 3 * H });
    expect(timestamps(out['BTC/USDT'])).toEqual([B + H, B + 2 * H]);
  });

  it('ends at the candle before an end on a boundary, and at the candle holding an end one ms after it', async () => {
    // Candles up to B + 2H only: enough for [B, B + 3H) ...
    const series = { 'BTC/USDT': hourly(B, 3) };
    expect(timestamps((await loadCandles(memoryReader(series), window({ start: B, end: B + 3 * H }), 'mem://'))['BTC/USDT'])).toEqual([B, B + H, B + 2 * H]);
    // ... not for [B, B + 3H + 1), whose last candle opens at B + 3H.
    const err = await failure(loadCandles(memoryReader(series), window({ start: B, end: B + 3 * H + 1 }), 'mem://'));
    expect(err.message).toBe(`missing candles: binance BTC/USDT 1h covers ${iso(B)} .. ${iso(B + 2 * H)} of ${iso(B)} .. ${iso(B + 3 * H)} in mem://`);
  });

  it('accepts a window of exactly one whole candle', async () => {
    const reader = memoryReader({ 'BTC/USDT': hourly(B, 1) });
    expect(timestamps((await loadCandles(reader, window({ start: B, end: B + H }), 'mem://'))['BTC/USDT'])).toEqual([B]);
    // One ms after a boundary to one ms after the next: the candle at B + H.
    const later = memoryReader({ 'BTC/USDT': hourly(B + H, 1) });
    expect(timestamps((await loadCandles(later, window({ start: B + 1, end: B + H + 1 }), 'mem://'))['BTC/USDT'])).toEqual([B + H]);
  });

  it('refuses a window that holds no whole candle, without reading', async () => {
    const reader = memoryReader({ 'BTC/USDT': hourly(B - 5 * H, 20) });
    const err = await failure(loadCandles(reader, window({ start: B + 1, end: B + H }), 'mem://'));
    expect(err.message).toBe(`window ${iso(B + 1)} .. ${iso(B + H)} holds no whole 1h candle`);
    expect(reader.reads).toEqual([]);
  });

  it('refuses a symbol with no candles at all, naming it, the window and the location', async () => {
    const reader = memoryReader({ 'BTC/USDT': hourly(B, 5) });
    const err = await failure(loadCandles(reader, window({ start: B, end: B + 2 * H }, { symbols: ['BTC/USDT', 'SOL/USDT'] }), 's3://arcticdb/'));
    expect(err.message).toBe(`missing candles: no binance SOL/USDT 1h candles for ${iso(B)} .. ${iso(B + H)} in s3://arcticdb/`);
  });

  it('refuses a symbol whose candles all lie before the window (warmup only)', async () => {
    const reader = memoryReader({ 'BTC/USDT': hourly(B - 3 * H, 3) });
    const err = await failure(loadCandles(reader, window({ start: B, end: B + 2 * H }, { warmup: 5 }), 'mem://'));
    expect(err.message).toBe(`missing candles: no binance BTC/USDT 1h candles for ${iso(B)} .. ${iso(B + H)} in mem://`);
  });

  it('accepts candles that reach exactly the first window candle and no further when that is the whole window', async () => {
    const reader = memoryReader({ 'BTC/USDT': hourly(B - 2 * H, 3) });
    const out = await loadCandles(reader, window({ start: B, end: B + H }, { warmup: 2 }), 'mem://');
    expect(timestamps(out['BTC/USDT'])).toEqual([B - 2 * H, B - H, B]);
  });

  it('refuses candles that start one step after the window\'s first candle, naming the span present', async () => {
    const reader = memoryReader({ 'BTC/USDT': hourly(B + H, 20) });
    const err = await failure(loadCandles(reader, window({ start: B, end: B + 10 * H }, { warmup: 2 }), 'mem://'));
    expect(err.message).toBe(`missing candles: binance BTC/USDT 1h covers ${iso(B + H)} .. ${iso(B + 9 * H)} of ${iso(B)} .. ${iso(B + 9 * H)} in mem://`);
  });

  it('refuses candles that end one step before the window\'s last candle, naming the span present', async () => {
    const reader = memoryReader({ 'BTC/USDT': hourly(B - 5 * H, 14) });
    const err = await failure(loadCandles(reader, window({ start: B, end: B + 10 * H }, { warmup: 5 }), 'mem://'));
    expect(err.message).toBe(`missing candles: binance BTC/USDT 1h covers ${iso(B)} .. ${iso(B + 8 * H)} of ${iso(B)} .. ${iso(B + 9 * H)} in mem://`);
  });

  it('refuses a window of 1d candles whose symbol lacks the last day', async () => {
    const D = 86_400_000;
    const days = emptyColumns(2);
    days.timestamp.set([B, B + D]);
    const err = await failure(loadCandles(memoryReader({ 'BTC/USDT': days }), window({ start: B, end: B + 3 * D }, { timeframe: '1d' }), 'mem://'));
    expect(err.message).toBe(`missing candles: binance BTC/USDT 1d covers ${iso(B)} .. ${iso(B + D)} of ${iso(B)} .. ${iso(B + 2 * D)} in mem://`);
  });
});
