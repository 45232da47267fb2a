/**
 * Trading engine speed, reported (issue 13):
 * 1. Candle close -> order sent, p50/p99 over 1,000 candles: a live bot against the fake exchange on
 *    127.0.0.1 (signed ccxt orders), a strategy that trades every candle, so every cycle sends one
 *    order. "Engine" time excludes the exchange's own latency (the candle fetch before the order);
 *    the row read (kill switch) and the pending-order save before sending are included.
 * 2. Memory of a dry-run bot over 10,000 hourly cycles (heap after GC at checkpoints: no growth).
 * Run: npm run bench:trading  (tsx --expose-gc libs/trading-engine/bench/bench-trading.ts)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Table, type TradingItem } from '@tradai/domain';
import { startDynalite } from '@tradai/domain/testing';
import { localBlobs, type Blobs } from '@tradai/market-data';
import { Signal, type Strategy } from '@tradai/strategy-sdk';
import { ccxtBinanceConfig, startFakeExchange } from '@tradai/testing-tools';
import { BotLedger, ccxtFeed, ccxtOrders, columnsFeed, createExchange, parseBotSettings, sineCandles, swingStrategy, TradingBot } from '../src/index.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const gc = (globalThis as { gc?: () => void }).gc;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const ms = (v: number) => `${v.toFixed(2)} ms`;

/** Enters on even minutes, exits on odd ones: one order per closed candle. */
const flip: Strategy = {
  name: 'flip',
  description: 'bench: one order per candle',
  timeframes: ['1m'],
  parameters: {},
  warmup: () => 1,
  signals(c) {
    const out = new Int8Array(c.length);
    for (let i = 0; i < c.length; i++) out[i] = (c.timestamp[i]! / MINUTE) % 2 === 0 ? Signal.EnterLong : Signal.ExitLong;
    return out;
  },
};

/** `state`: where the bot keeps its row and saved state (dynalite + a folder, or memory: the engine alone). */
async function latency(state: 'dynalite + folder' | 'memory'): Promise<void> {
  const CANDLES = 1_000;
  const T0 = Date.UTC(2025, 0, 10);
  const fake = await startFakeExchange({ now: T0 + 1_000, symbols: ['BTC/USDT'], balances: { USDT: 1_000_000 } });
  const db = await startDynalite();
  const dir = mkdtempSync(join(tmpdir(), 'bench-trading-'));
  try {
    const names = await db.createTables(['trading_state']);
    const exchange = createExchange({ exchange: 'binance', rateLimitMs: 1, ccxtConfig: ccxtBinanceConfig(fake) });
    const settings = parseBotSettings({
      botId: 'bench-live',
      mode: 'live',
      strategy: 'flip',
      exchange: 'binance',
      symbols: ['BTC/USDT'],
      timeframe: '1m',
      engine: { startingBalance: 10_000, stake: 1_000, maxOpenTrades: 1, feeRate: 0.001, slippage: 0 },
      lookback: 100,
    });
    const bot = new TradingBot({
      settings,
      strategy: flip,
      feed: ccxtFeed(exchange),
      orders: ccxtOrders(exchange, 0.001),
      ledger:
        state === 'memory'
          ? new BotLedger('bench-live', memoryTable(), stateOnlyBlobs())
          : new BotLedger('bench-live', new Table<TradingItem>(db.doc, 'trading_state', names.trading_state), localBlobs(dir)),
    });
    await bot.start(T0 + 1_000);
    const engine: number[] = [];
    const total: number[] = [];
    let orders = 0;
    for (let i = 0; i < CANDLES; i++) {
      const now = T0 + i * MINUTE + 1_000;
      fake.setNow(now);
      const began = performance.now();
      const r = await bot.cycle(now);
      const took = performance.now() - began;
      orders += r.ordersSent;
      engine.push(...r.orderLatencyMs);
      if (r.ordersSent) total.push(took);
    }
    console.log(`\n## Candle close -> order sent (live bot, fake exchange on 127.0.0.1, state in ${state}, ${CANDLES} candles, ${orders} orders; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores)\n`);
    console.log('| measure | p50 | p99 | max |');
    console.log('|---|---|---|---|');
    console.log(`| engine (excl. exchange latency) | ${ms(pct(engine, 50))} | ${ms(pct(engine, 99))} | ${ms(Math.max(...engine))} |`);
    console.log(`| whole cycle incl. candle fetch, order round trip, state writes | ${ms(pct(total, 50))} | ${ms(pct(total, 99))} | ${ms(Math.max(...total))} |`);
    console.log(`\nfake exchange orders: ${fake.orders().length}; trades recorded: ${bot.status().tradeCount}; target p99 < 50 ms (engine): ${pct(engine, 99) < 50 ? 'met' : 'NOT met'}`);
  } finally {
    await fake.stop();
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A trading_state table in memory (one row per bot), so the heap measured is the bot's, not dynalite's. */
function memoryTable(): Table<TradingItem> {
  const rows = new Map<string, Record<string, unknown>>();
  const doc = {
    async send(cmd: unknown) {
      const input = (cmd as { input: Record<string, unknown> }).input;
      const key = (input['Key'] as { bot_id?: string } | undefined)?.bot_id ?? (input['Item'] as { bot_id: string } | undefined)?.bot_id ?? '';
      if (cmd instanceof GetCommand) return { Item: rows.get(key) };
      if (cmd instanceof PutCommand) {
        if (input['ConditionExpression'] && rows.has(key)) throw Object.assign(new Error('exists'), { name: 'ConditionalCheckFailedException' });
        rows.set(key, { ...(input['Item'] as object) });
        return {};
      }
      if (cmd instanceof UpdateCommand) {
        const row = rows.get(key);
        if (!row) throw Object.assign(new Error('missing'), { name: 'ConditionalCheckFailedException' });
        const names = input['ExpressionAttributeNames'] as Record<string, string>;
        const values = input['ExpressionAttributeValues'] as Record<string, unknown>;
        for (const part of String(input['UpdateExpression']).replace(/^SET /, '').split(', ')) {
          const [n, v] = part.split(' = ');
          row[names[n!]!] = values[v!];
        }
        return { Attributes: row };
      }
      if (cmd instanceof DeleteCommand) return void rows.delete(key);
      throw new Error('unsupported command');
    },
  } as unknown as DynamoDBDocumentClient;
  return new Table<TradingItem>(doc, 'trading_state', 'bench');
}

/** Keeps the saved state, counts trade objects (the history is meant to grow, in S3: not the bot's heap). */
function stateOnlyBlobs(): Blobs & { trades: number } {
  const files = new Map<string, Uint8Array>();
  const b = {
    trades: 0,
    location: 'memory://',
    get: async (k: string) => files.get(k),
    put: async (k: string, bytes: Uint8Array) => {
      if (k.includes('/trades/')) b.trades++;
      else files.set(k, bytes);
    },
    list: async () => [],
  };
  return b;
}

async function memory(): Promise<void> {
  const CYCLES = 10_000;
  const T0 = Date.UTC(2025, 0, 1);
  const candles = sineCandles(T0 - 100 * HOUR, CYCLES + 110);
  const blobs = stateOnlyBlobs();
  const settings = parseBotSettings({
    botId: 'bench-dry',
    mode: 'dry-run',
    strategy: 'swing',
    exchange: 'binance',
    symbols: ['BTC/USDT'],
    timeframe: '1h',
    params: { offset: 5 },
    engine: { startingBalance: 10_000, stake: { fraction: 0.99 }, maxOpenTrades: 1, feeRate: 0.001, slippage: 0.0005 },
    lookback: 500,
  });
  const bot = new TradingBot({ settings, strategy: swingStrategy() as Strategy, feed: columnsFeed({ 'BTC/USDT': candles }), ledger: new BotLedger('bench-dry', memoryTable(), blobs) });
  await bot.start(T0);
  const heap = (): number => {
    gc?.();
    gc?.();
    return process.memoryUsage().heapUsed / 1024 / 1024;
  };
  const points: [number, number][] = [[0, heap()]];
  const began = performance.now();
  for (let i = 0; i < CYCLES; i++) {
    await bot.cycle(T0 + i * HOUR + 1_000);
    if ((i + 1) % 2_000 === 0) points.push([i + 1, heap()]);
  }
  const took = performance.now() - began;
  console.log(`\n## Memory of a dry-run bot over ${CYCLES.toLocaleString('en')} hourly cycles (heap after GC${gc ? '' : ' — run with --expose-gc for exact numbers'})\n`);
  console.log('| cycles | heap used |');
  console.log('|---|---|');
  for (const [c, mb] of points) console.log(`| ${c.toLocaleString('en')} | ${mb.toFixed(2)} MB |`);
  const growth = points[points.length - 1]![1] - points[1]![1];
  console.log(`\ngrowth from 2,000 to ${CYCLES.toLocaleString('en')} cycles: ${growth.toFixed(2)} MB; trades: ${bot.status().tradeCount} (${blobs.trades} history objects written); ${(took / CYCLES).toFixed(3)} ms per cycle`);
}

await latency('dynalite + folder');
await latency('memory');
await memory();
