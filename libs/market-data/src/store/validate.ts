import { ValidationError } from '@tradai/domain';
import { CANDLE_FIELDS, TIMEFRAME_MS, type CandleColumns, type Timeframe, type TimeRange } from '../candles.js';

/**
 * Checks candles before anything is written; the error names the first bad row and field
 * (`candles.high[12]`), so a bad exchange response is rejected whole rather than half-stored.
 */
export function checkCandles(c: CandleColumns, timeframe: Timeframe): void {
  const step = TIMEFRAME_MS[timeframe];
  if (!Number.isSafeInteger(c.length) || c.length < 0) throw new ValidationError(`candles.length must be a non-negative integer, got ${c.length}`, 'candles.length');
  for (const field of CANDLE_FIELDS) {
    if (!(c[field] instanceof Float64Array)) throw new ValidationError(`candles.${field} must be a Float64Array`, `candles.${field}`);
    if (c[field].length < c.length) throw new ValidationError(`candles.${field} has ${c[field].length} rows, expected ${c.length}`, `candles.${field}`);
  }
  const fail = (field: string, i: number, why: string): never => {
    throw new ValidationError(`candles.${field}[${i}] ${why}`, `candles.${field}[${i}]`);
  };
  for (let i = 0; i < c.length; i++) {
    const t = c.timestamp[i];
    if (!Number.isSafeInteger(t) || t < 0) fail('timestamp', i, `must be a non-negative integer epoch ms, got ${t}`);
    if (t % step !== 0) fail('timestamp', i, `${new Date(t).toISOString()} is not aligned to the ${timeframe} timeframe`);
    if (i > 0) {
      const prev = c.timestamp[i - 1];
      if (t === prev) fail('timestamp', i, `duplicates row ${i - 1} (${new Date(t).toISOString()})`);
      if (t < prev) fail('timestamp', i, `is before row ${i - 1}: timestamps must ascend`);
    }
    for (const field of ['open', 'high', 'low', 'close'] as const) {
      const v = c[field][i];
      if (!Number.isFinite(v) || v <= 0) fail(field, i, `must be a positive finite price, got ${v}`);
    }
    const v = c.volume[i];
    if (!Number.isFinite(v) || v < 0) fail('volume', i, `must be a non-negative finite volume, got ${v}`);
    if (c.high[i] < c.low[i]) fail('high', i, `${c.high[i]} is below low ${c.low[i]}`);
  }
}

/** Checks a half-open range of epoch ms. */
export function checkRange(range: TimeRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start)) throw new ValidationError(`range.start must be an integer epoch ms, got ${start}`, 'range.start');
  if (!Number.isSafeInteger(end)) throw new ValidationError(`range.end must be an integer epoch ms, got ${end}`, 'range.end');
  if (end < start) throw new ValidationError(`range.end ${end} is before range.start ${start}`, 'range.end');
}
