import { describe, expect, it } from 'vitest';
import { formatDuration, formatNumber, formatPercent, formatTime, metricRows, metricsText } from './format.js';
import { HOUR, metrics, result } from './test-support.js';

const DAY = 24 * HOUR;

describe('formatPercent', () => {
  it('writes a ratio as a percent with two digits by default', () => {
    expect(formatPercent(0.1234)).toBe('12.34 %');
    expect(formatPercent(-0.05)).toBe('-5.00 %');
    expect(formatPercent(0)).toBe('0.00 %');
    expect(formatPercent(1)).toBe('100.00 %');
  });

  it('takes the number of digits', () => {
    expect(formatPercent(0.12345, 1)).toBe('12.3 %');
    expect(formatPercent(0.12345, 0)).toBe('12 %');
    expect(formatPercent(0.123456, 3)).toBe('12.346 %');
  });

  it('writes n/a for null and for values that are not finite', () => {
    expect(formatPercent(null)).toBe('n/a');
    expect(formatPercent(Number.NaN)).toBe('n/a');
    expect(formatPercent(Number.POSITIVE_INFINITY)).toBe('n/a');
    expect(formatPercent(Number.NEGATIVE_INFINITY)).toBe('n/a');
  });
});

describe('formatNumber', () => {
  it('groups thousands and keeps exactly two digits by default', () => {
    expect(formatNumber(1_234_567.891)).toBe('1,234,567.89');
    expect(formatNumber(1)).toBe('1.00');
    expect(formatNumber(1.23456)).toBe('1.23');
    expect(formatNumber(-1234.5)).toBe('-1,234.50');
    expect(formatNumber(0)).toBe('0.00');
  });

  it('takes the number of digits', () => {
    expect(formatNumber(1234.56789, 4)).toBe('1,234.5679');
    expect(formatNumber(1234.5, 0)).toBe('1,235');
    expect(formatNumber(0.5, 6)).toBe('0.500000');
  });

  it('writes n/a for null and for values that are not finite', () => {
    expect(formatNumber(null)).toBe('n/a');
    expect(formatNumber(Number.NaN)).toBe('n/a');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('n/a');
    expect(formatNumber(Number.NEGATIVE_INFINITY)).toBe('n/a');
  });
});

describe('formatDuration', () => {
  it('writes 0 for nothing, a negative or NaN', () => {
    expect(formatDuration(0)).toBe('0');
    expect(formatDuration(-DAY)).toBe('0');
    expect(formatDuration(Number.NaN)).toBe('0');
  });

  it('switches to days at exactly one day', () => {
    expect(formatDuration(DAY)).toBe('1.0 days');
    expect(formatDuration(DAY - 6 * 60_000)).toBe('23.9 h');
    expect(formatDuration(12.5 * DAY)).toBe('12.5 days');
  });

  it('switches to hours at exactly one hour', () => {
    expect(formatDuration(HOUR)).toBe('1.0 h');
    expect(formatDuration(HOUR - 60_000)).toBe('59 min');
    expect(formatDuration(7 * HOUR)).toBe('7.0 h');
    expect(formatDuration(1.25 * HOUR)).toBe('1.3 h');
  });

  it('rounds minutes to the nearest, half up', () => {
    expect(formatDuration(45 * 60_000)).toBe('45 min');
    expect(formatDuration(90_000)).toBe('2 min');
    expect(formatDuration(89_999)).toBe('1 min');
    expect(formatDuration(1)).toBe('0 min');
  });
});

describe('formatTime', () => {
  it('writes epoch ms as UTC date and minute', () => {
    expect(formatTime(Date.UTC(2024, 0, 1, 13, 5, 59, 999))).toBe('2024-01-01 13:05');
    expect(formatTime(0)).toBe('1970-01-01 00:00');
  });
});

describe('metricRows', () => {
  it('formats each metric in reading order, with its tone', () => {
    expect(metricRows(result())).toEqual([
      { label: 'Total return', value: '12.34 %', tone: 'good' },
      { label: 'CAGR', value: '50.00 %', tone: 'good' },
      { label: 'Sharpe', value: '1.50', tone: 'good' },
      { label: 'Sortino', value: '2.00', tone: 'good' },
      { label: 'Max drawdown', value: '-25.00 %', tone: 'bad' },
      { label: 'Max drawdown duration', value: '1.5 days', tone: 'neutral' },
      { label: 'Win rate', value: '50.0 %', tone: 'neutral' },
      { label: 'Profit factor', value: '1.50', tone: 'good' },
      { label: 'Exposure', value: '40.0 %', tone: 'neutral' },
      { label: 'Trades', value: '4', tone: 'neutral' },
      { label: 'Starting balance', value: '10,000.00', tone: 'neutral' },
      { label: 'Final balance', value: '11,234.00', tone: 'good' },
    ]);
  });

  it('marks losses bad, zeros and missing values neutral', () => {
    const losing = result({
      metrics: metrics({ total_return: -0.1, cagr: null, sharpe: 0, sortino: -0.5, max_drawdown: 0, win_rate: null, profit_factor: null, exposure: 0, trade_count: 0 }),
      finalBalance: 9_000,
    });
    expect(metricRows(losing)).toEqual([
      { label: 'Total return', value: '-10.00 %', tone: 'bad' },
      { label: 'CAGR', value: 'n/a', tone: 'neutral' },
      { label: 'Sharpe', value: '0.00', tone: 'neutral' },
      { label: 'Sortino', value: '-0.50', tone: 'bad' },
      // No drawdown is 0 %, not "-0.00 %".
      { label: 'Max drawdown', value: '0.00 %', tone: 'neutral' },
      { label: 'Max drawdown duration', value: '1.5 days', tone: 'neutral' },
      { label: 'Win rate', value: 'n/a', tone: 'neutral' },
      { label: 'Profit factor', value: 'n/a', tone: 'neutral' },
      { label: 'Exposure', value: '0.0 %', tone: 'neutral' },
      { label: 'Trades', value: '0', tone: 'neutral' },
      { label: 'Starting balance', value: '10,000.00', tone: 'neutral' },
      { label: 'Final balance', value: '9,000.00', tone: 'bad' },
    ]);
  });

  it('judges the profit factor against 1 (break-even), and the final balance against the start', () => {
    const row = (label: string, r = result()) => metricRows(r).find((x) => x.label === label)!;
    expect(row('Profit factor', result({ metrics: metrics({ profit_factor: 1 }) }))).toEqual({ label: 'Profit factor', value: '1.00', tone: 'neutral' });
    expect(row('Profit factor', result({ metrics: metrics({ profit_factor: 0.5 }) })).tone).toBe('bad');
    expect(row('Profit factor', result({ metrics: metrics({ profit_factor: 0 }) })).tone).toBe('bad');
    expect(row('Final balance', result({ finalBalance: 10_000 })).tone).toBe('neutral');
    expect(row('Final balance', result({ finalBalance: 10_000.01 })).tone).toBe('good');
    expect(row('Total return', result({ metrics: metrics({ total_return: 0 }) })).tone).toBe('neutral');
  });
});

describe('metricsText', () => {
  it('pads labels to the longest label and right-aligns values to the longest value', () => {
    const lines = metricsText(result()).split('\n');
    // "Max drawdown duration" (21 chars) + 2 spaces; values right-aligned to "11,234.00" / "10,000.00" (9 chars).
    expect(lines).toEqual([
      'Total return             12.34 %',
      'CAGR                     50.00 %',
      'Sharpe                      1.50',
      'Sortino                     2.00',
      'Max drawdown            -25.00 %',
      'Max drawdown duration   1.5 days',
      'Win rate                  50.0 %',
      'Profit factor               1.50',
      'Exposure                  40.0 %',
      'Trades                         4',
      'Starting balance       10,000.00',
      'Final balance          11,234.00',
    ]);
  });
});
