import type { ShadowTestItem, TradingItem } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { evaluateShadowTest, sides } from './evaluate.js';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const HOUR = 3_600_000;
const test: ShadowTestItem = { test_id: 't1', strategy: 's', status: 'RUNNING', started_at: new Date(T0).toISOString() };
const bot = (id: string, mode: TradingItem['mode'], pnl?: number, strategy = 's'): TradingItem => ({ bot_id: id, strategy, mode, last_heartbeat_at: 'x', ...(pnl !== undefined ? { pnl_ratio: pnl } : {}) });
const settings = { minShadowHours: 24, minPnlEdge: 0.005 };
const at = (h: number) => T0 + h * HOUR;
const pair = [bot('sh', 'shadow', 0.1), bot('lv', 'live', 0)];

describe('evaluateShadowTest', () => {
  it('waits until the minimum duration has passed, saying how long it ran', () => {
    expect(evaluateShadowTest(test, pair, settings, at(23))).toEqual({ kind: 'wait', testId: 't1', hoursRun: 23, reason: 'ran 23.0 h of the 24 h minimum' });
  });

  // The window is measured in milliseconds: one step is 1 ms.
  it.each([
    ['1 ms short of the minimum', at(24) - 1, 'wait'],
    ['exactly the minimum', at(24), 'decided'],
    ['1 ms past the minimum', at(24) + 1, 'decided'],
  ])('%s: %s', (_, now, kind) => {
    expect(evaluateShadowTest(test, pair, settings, now).kind).toBe(kind);
  });

  it('decides at once with a zero minimum', () => {
    expect(evaluateShadowTest(test, pair, { ...settings, minShadowHours: 0 }, T0)).toMatchObject({ kind: 'decided', decision: 'PROMOTE' });
  });

  it('promotes when shadow beats live by at least the edge, else rejects, quoting both sides', () => {
    const bots = [bot('sh1', 'shadow', 0.03), bot('sh2', 'shadow', 0.01), bot('lv', 'live', 0.014)];
    expect(evaluateShadowTest(test, bots, settings, at(25))).toEqual({
      kind: 'decided',
      testId: 't1',
      decision: 'PROMOTE',
      shadowPnl: 0.02,
      livePnl: 0.014,
      reason: 'shadow 2.00% vs live 1.40%: edge 0.60%, minimum 0.50%',
    });
    expect(evaluateShadowTest(test, bots, { ...settings, minPnlEdge: 0.01 }, at(25))).toMatchObject({ decision: 'REJECT', reason: 'shadow 2.00% vs live 1.40%: edge 0.60%, minimum 1.00%' });
  });

  // PnL ratios in binary fractions so the edge is exact; one step is 1/1024 (about 0.1 percentage point).
  it.each([
    ['one step under the minimum edge', 0.25 - 1 / 1024, 'REJECT'],
    ['exactly the minimum edge', 0.25, 'PROMOTE'],
    ['one step over the minimum edge', 0.25 + 1 / 1024, 'PROMOTE'],
  ])('%s: %s', (_, edge, decision) => {
    const bots = [bot('sh', 'shadow', 0.5), bot('lv', 'live', 0.5 - edge)];
    expect(evaluateShadowTest(test, bots, { ...settings, minPnlEdge: 0.25 }, at(25))).toMatchObject({ decision });
  });

  it('rejects when a side has no PnL to compare, saying which', () => {
    expect(evaluateShadowTest(test, [bot('lv', 'live', 0.01)], settings, at(25))).toEqual({
      kind: 'decided',
      testId: 't1',
      decision: 'REJECT',
      shadowPnl: null,
      livePnl: 0.01,
      reason: 'no PnL from the shadow side (0 bot(s)) after 25.0 h',
    });
    expect(evaluateShadowTest(test, [bot('sh', 'shadow', 0.01), bot('lv', 'live')], settings, at(25))).toMatchObject({
      decision: 'REJECT',
      shadowPnl: 0.01,
      livePnl: null,
      reason: 'no PnL from the live side (1 bot(s)) to compare with',
    });
  });

  it('averages the bots of a side that report a finite PnL and ignores the others', () => {
    const bots = [bot('sh1', 'shadow', 0.04), bot('sh2', 'shadow'), { ...bot('sh3', 'shadow'), pnl_ratio: Number.NaN }, bot('sh4', 'shadow', 0), bot('lv', 'live', 0)];
    expect(evaluateShadowTest(test, bots, settings, at(25))).toMatchObject({ shadowPnl: 0.02, livePnl: 0 });
  });

  it('uses the bots the test names over the strategy-wide mode match, and ignores other strategies', () => {
    const bots = [bot('named-shadow', 'dry-run', 0.5), bot('sh', 'shadow', -0.5), bot('lv', 'live', 0), bot('named-live', 'dry-run', 0.1), bot('other', 'live', 0.9, 'x')];
    const s = sides({ ...test, candidate_bot_id: 'named-shadow' }, bots);
    expect(s.shadow.map((b) => b.bot_id)).toEqual(['named-shadow']);
    expect(s.live.map((b) => b.bot_id)).toEqual(['lv']);
    expect(sides({ ...test, live_bot_id: 'named-live' }, bots)).toEqual({ shadow: [bots[1]], live: [bots[3]] });
    // A named bot of another strategy is not this test's bot.
    expect(sides({ ...test, live_bot_id: 'other' }, bots).live).toEqual([]);
  });

  it('names a corrupt start time', () => {
    expect(() => evaluateShadowTest({ ...test, started_at: 'monday' }, [], settings, at(25))).toThrow('shadow test t1: started_at "monday" is not an ISO-8601 time');
  });
});
