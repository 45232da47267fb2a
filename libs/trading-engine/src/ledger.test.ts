import { ValidationError, type Table, type TradingItem } from '@tradai/domain';
import type { Blobs } from '@tradai/market-data';
import { describe, expect, it } from 'vitest';
import { BotLedger, type SavedState, type TradeRecord } from './ledger.js';

/** Blobs in a Map; `list` answers newest key first to prove the ledger sorts. */
function memBlobs(): Blobs & { map: Map<string, Uint8Array> } {
  const map = new Map<string, Uint8Array>();
  return {
    map,
    location: 'mem://results/',
    async get(k) {
      return map.get(k);
    },
    async put(k, b) {
      map.set(k, b);
    },
    async list(prefix) {
      return [...map.keys()].filter((k) => k.startsWith(prefix)).reverse();
    },
  };
}

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const noTable = {} as Table<TradingItem>;
const trade = (closedAt: number, seq: number) => ({ botId: 'b1', seq, closedAt, symbol: 'BTC/USDT' }) as unknown as TradeRecord;

describe('BotLedger saved state', () => {
  it('returns undefined when nothing was saved, and the state saved', async () => {
    const blobs = memBlobs();
    const l = new BotLedger('b1', noTable, blobs);
    expect(await l.loadState()).toBeUndefined();
    const state = { version: 1, botId: 'b1', halted: true } as unknown as SavedState;
    await l.saveState(state);
    expect([...blobs.map.keys()]).toEqual(['bots/b1/state.json']);
    expect(await l.loadState()).toEqual(state);
  });

  it.each([
    ['another version', { version: 2, botId: 'b1' }],
    ['another bot', { version: 1, botId: 'b2' }],
  ])('refuses the state of %s, naming the object', async (_, state) => {
    const blobs = memBlobs();
    blobs.map.set('bots/b1/state.json', enc(state));
    const err = await new BotLedger('b1', noTable, blobs).loadState().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).message).toBe('saved state mem://results/bots/b1/state.json is not version 1 of bot b1');
    expect((err as ValidationError).path).toBe('state');
  });
});

describe('BotLedger trade history', () => {
  it('stores trades under zero-padded keys and reads them back oldest first', async () => {
    const blobs = memBlobs();
    const l = new BotLedger('b1', noTable, blobs);
    await l.appendTrade(trade(9, 2));
    await l.appendTrade(trade(10, 1));
    await l.appendTrade(trade(10, 3));
    expect([...blobs.map.keys()]).toContain('bots/b1/trades/000000000000009-00000002.json');
    expect((await l.trades()).map((t) => [t.closedAt, t.seq])).toEqual([
      [9, 2],
      [10, 1],
      [10, 3],
    ]);
  });

  it('skips a trade listed but gone when read', async () => {
    const blobs = memBlobs();
    const l = new BotLedger('b1', noTable, blobs);
    await l.appendTrade(trade(5, 1));
    const list = blobs.list.bind(blobs);
    blobs.list = async (p) => [...(await list(p)), 'bots/b1/trades/000000000000006-00000001.json'];
    expect((await l.trades()).map((t) => t.closedAt)).toEqual([5]);
  });
});

describe('BotLedger.report', () => {
  it('gives up after three update/create attempts with a clear error', async () => {
    const calls: string[] = [];
    const table = {
      async update() {
        calls.push('update');
        return false;
      },
      async putIfAbsent() {
        calls.push('put');
        return false;
      },
    } as unknown as Table<TradingItem>;
    const l = new BotLedger('b1', table, memBlobs());
    await expect(l.report({ heartbeat: 'x' } as never)).rejects.toThrow('trading_state b1: could not write the row (created and deleted concurrently)');
    expect(calls).toEqual(['update', 'put', 'update', 'put', 'update', 'put']);
  });

  it('creates the row with the kill switch only when it is set', async () => {
    const puts: unknown[] = [];
    const table = {
      update: async () => false,
      putIfAbsent: async (item: unknown) => (puts.push(item), true),
    } as unknown as Table<TradingItem>;
    const l = new BotLedger('b1', table, memBlobs());
    await l.report({ heartbeat: 'h', kill_switch: true } as never);
    await l.report({ heartbeat: 'h', kill_switch: false } as never);
    expect(puts).toEqual([{ bot_id: 'b1', heartbeat: 'h', kill_switch: true }, { bot_id: 'b1', heartbeat: 'h' }]);
  });
});
