import { localBlobs } from '@tradai/market-data';
import { Signal } from '@tradai/strategy-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paperOrders, replayBots, sineCandles, SWING_PERIOD, swingStrategy } from './replay.js';
import { HOUR, startStateFixture, type StateFixture } from './test-support.js';

const px = (h: number) => 100 + 10 * Math.sin((2 * Math.PI * h) / SWING_PERIOD);

describe('sineCandles', () => {
  it('builds hourly candles on the sine, opening at the hour and closing at the next', () => {
    const c = sineCandles(2 * HOUR, 3);
    expect(c.length).toBe(3);
    expect(Array.from(c.timestamp)).toEqual([2 * HOUR, 3 * HOUR, 4 * HOUR]);
    expect(c.open[0]).toBeCloseTo(110, 9);
    expect(c.close[0]).toBeCloseTo(px(3), 9);
    for (let i = 0; i < 3; i++) {
      expect(c.open[i]).toBeCloseTo(px(2 + i), 9);
      expect(c.close[i]).toBeCloseTo(px(3 + i), 9);
      expect(c.high[i]).toBeCloseTo(Math.max(px(2 + i), px(3 + i)) + 0.05, 9);
      expect(c.low[i]).toBeCloseTo(Math.min(px(2 + i), px(3 + i)) - 0.05, 9);
      expect(c.volume[i]).toBe(1);
    }
  });
});

describe('swingStrategy', () => {
  it('declares its name and an integer offset within a period', () => {
    const s = swingStrategy();
    expect(s.name).toBe('swing');
    expect(swingStrategy('other').name).toBe('other');
    expect(s.parameters.offset).toEqual({ type: 'number', integer: true, min: 0, max: SWING_PERIOD - 1, default: 5 });
    expect(s.warmup({ offset: 5 })).toBe(1);
  });

  it('enters at the offset hour and exits half a period later, every period', () => {
    const candles = sineCandles(0, 2 * SWING_PERIOD);
    const sig = Array.from(swingStrategy().signals(candles, { offset: 5 }));
    const expected = new Array<number>(2 * SWING_PERIOD).fill(Signal.Hold);
    for (const h of [5, 13]) expected[h] = Signal.EnterLong;
    for (const h of [1, 9]) expected[h] = Signal.ExitLong;
    expect(sig).toEqual(expected);
    const sig0 = Array.from(swingStrategy().signals(candles, { offset: 0 }));
    expect(sig0.flatMap((s, h) => (s === Signal.EnterLong ? [h] : []))).toEqual([0, 8]);
    expect(sig0.flatMap((s, h) => (s === Signal.ExitLong ? [h] : []))).toEqual([4, 12]);
  });
});

describe('paperOrders', () => {
  const candles = sineCandles(2 * HOUR, 3);

  it('fills market orders whole at the open of the candle forming now, with the fee in quote', async () => {
    let now = 3 * HOUR;
    const v = paperOrders(candles, () => now, 0.001);
    const buy = await v.placeMarket('BTC/USDT', 'buy', 2, 'c1');
    expect(buy).toEqual({ id: '1', clientOrderId: 'c1', symbol: 'BTC/USDT', side: 'buy', status: 'closed', amount: 2, filled: 2, average: candles.open[1], cost: 2 * candles.open[1]!, feeQuote: 2 * candles.open[1]! * 0.001 });
    now = 5 * HOUR - 1;
    const sell = await v.placeMarket('BTC/USDT', 'sell', 0.5, 'c2');
    expect(sell.id).toBe('2');
    expect(sell.average).toBe(candles.open[2]);
    expect(await v.placeMarket('BTC/USDT', 'buy', 9, 'c1')).toBe(buy);
    expect(await v.findByClientId('BTC/USDT', 'c2')).toBe(sell);
    expect(await v.findByClientId('BTC/USDT', 'nope')).toBeUndefined();
    expect(await v.balances()).toEqual({ BTC: 1.5 });
    expect(await v.openOrders(['BTC/USDT'])).toEqual([]);
    await expect(v.cancel('BTC/USDT', '1')).resolves.toBeUndefined();
  });

  it('refuses to fill outside the candles, naming the time', async () => {
    for (const t of [2 * HOUR - 1, 5 * HOUR]) {
      const v = paperOrders(candles, () => t, 0.001);
      await expect(v.placeMarket('BTC/USDT', 'buy', 1, 'c')).rejects.toThrow(`paper exchange: no candle at ${new Date(t).toISOString()}`);
    }
    expect((await paperOrders(candles, () => 2 * HOUR, 0).placeMarket('BTC/USDT', 'buy', 1, 'c')).average).toBe(candles.open[0]);
  });

  it('rounds amounts down to 1e-5', () => {
    const v = paperOrders(candles, () => 2 * HOUR, 0);
    expect(v.amountToPrecision('BTC/USDT', 1.234569)).toBe(1.23456);
    expect(v.amountToPrecision('BTC/USDT', 3)).toBe(3);
  });
});

describe('replayBots (dynalite, local blobs)', () => {
  let fx: StateFixture;
  beforeAll(async () => {
    fx = await startStateFixture();
  });
  afterAll(() => fx.stop());

  it('runs each bot hour by hour and leaves its row and trades', async () => {
    const from = Date.UTC(2025, 0, 10);
    const { bots, reports } = await replayBots({
      table: fx.table,
      blobs: localBlobs(fx.dir),
      strategy: 'swing-x',
      bots: [
        { botId: 'win', mode: 'live', offset: 5, deploymentId: 'd-1', configVersion: 3 },
        { botId: 'lose', mode: 'dry-run', offset: 1 },
      ],
      from,
      hours: 12,
    });
    expect(bots).toHaveLength(2);
    expect(reports.map((r) => r.length)).toEqual([12, 12]);
    // The candles start 50 hours before the first cycle (warm-up), so that cycle already has the candle that just closed.
    expect(reports.map((r) => r[0]!.candles)).toEqual([1, 1]);
    expect(reports[0]!.map((r) => r.at)).toEqual(Array.from({ length: 12 }, (_, h) => from + h * HOUR + 1_000));
    const [win, lose] = bots.map((b) => b.status());
    expect(win).toMatchObject({ botId: 'win', mode: 'live', strategy: 'swing-x', symbols: ['BTC/USDT'], timeframe: '1h', deploymentId: 'd-1', configVersion: 3 });
    expect(lose).toMatchObject({ botId: 'lose', mode: 'dry-run' });
    expect(lose!.deploymentId).toBeUndefined();
    expect(lose!.configVersion).toBeUndefined();
    expect('configVersion' in bots[1]!.settings).toBe(false);
    expect('deploymentId' in bots[1]!.settings).toBe(false);
    expect(win!.tradeCount).toBeGreaterThan(0);
    expect(win!.pnl).toBeGreaterThan(0);
    expect(lose!.tradeCount).toBeGreaterThan(0);
    expect(lose!.pnl).toBeLessThan(0);
    expect(reports[0]!.reduce((n, r) => n + r.ordersSent, 0)).toBeGreaterThan(0);
    const row = await fx.table.get({ bot_id: 'win' });
    expect(row?.bot_id).toBe('win');
    expect((await fx.ledger('lose').trades()).length).toBe(lose!.tradeCount);
  });
});
