import type { ShadowTestItem, TradingItem } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { evaluateShadowTest, sides } from './evaluate.js';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const test: ShadowTestItem = { test_id: 't1', strategy: 's', status: 'RUNNING', started_at: new Date(T0).toISOString() };
const bot = (id: string, mode: TradingItem['mode'], pnl?: number, strategy = 's'): TradingItem => ({ bot_id: id, strategy, mode, last_heartbeat_at: 'x', ...(pnl !== undefined ? { pnl_ratio: pnl } : {}) });
const settings = { minShadowHours: 24, minPnlEdge: 0.005 };
const at = (h: number) => T0 + h * 3_600_000;

describe('evaluateShadowTest', () => {
  it('waits until the minimum duration has passed', () => {
    expect(evaluateShadowTest(test, [bot('sh', 'shadow', 0.1), bot('lv', 'live', 0)], settings, at(23))).toMatchObject({ kind: 'wait', reason: 'ran 23.0 h of the 24 h minimum' });
  });

  it('promotes when shadow beats live by at least the edge, else rejects', () => {
    const bots = [bot('sh1', 'shadow', 0.03), bot('sh2', 'shadow', 0.01), bot('lv', 'live', 0.014)];
    expect(evaluateShadowTest(test, bots, settings, at(25))).toMatchObject({ kind: 'decided', decision: 'PROMOTE', shadowPnl: 0.02, livePnl: 0.014 });
    expect(evaluateShadowTest(test, bots, { ...settings, minPnlEdge: 0.01 }, at(25))).toMatchObject({ decision: 'REJECT', reason: expect.stringContaining('edge 0.60%, minimum 1.00%') });
  });

  it('rejects when a side has no PnL to compare', () => {
    expect(evaluateShadowTest(test, [bot('lv', 'live', 0.01)], settings, at(25))).toMatchObject({ decision: 'REJECT', reason: expect.stringContaining('no PnL from the shadow side') });
    expect(evaluateShadowTest(test, [bot('sh', 'shadow', 0.01), bot('lv', 'live')], settings, at(25))).toMatchObject({ decision: 'REJECT', reason: expect.stringContaining('no PnL from the live side') });
  });

  it('uses the bots the test names over the strategy-wide mode match, and ignores other strategies', () => {
    const bots = [bot('named-shadow', 'dry-run', 0.5), bot('sh', 'shadow', -0.5), bot('lv', 'live', 0), bot('other', 'live', 0.9, 'x')];
    const s = sides({ ...test, candidate_bot_id: 'named-shadow' }, bots);
    expect(s.shadow.map((b) => b.bot_id)).toEqual(['named-shadow']);
    expect(s.live.map((b) => b.bot_id)).toEqual(['lv']);
  });

  it('names a corrupt start time', () => {
    expect(() => evaluateShadowTest({ ...test, started_at: 'monday' }, [], settings, at(25))).toThrow(/started_at "monday"/);
  });
});
