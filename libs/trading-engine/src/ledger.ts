import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError, type Table, type TradingItem, type TradingPosition } from '@tradai/domain';
import type { Blobs } from '@tradai/market-data';
import type { PortfolioState, Trade } from '@tradai/strategy-sdk';
import type { Performance } from './risk.js';
import type { BotMode } from './settings.js';

/** An order decided and (maybe) sent, not yet recorded: what a restart looks up by client id. */
export interface PendingOrder {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly purpose: 'open' | 'close';
  /** Base amount asked for. */
  readonly amount: number;
  /** Quote committed (entries). */
  readonly stake?: number;
  readonly reason?: Trade['exitReason'];
  /** Open time of the candle whose close decided it. */
  readonly candleTime: number;
  /** Fill time the trade records (the open of the next candle, or the exit's time). */
  readonly at: number;
}

/** Everything a restarted bot reads back (positions, performance, progress, pending orders). */
export interface SavedState {
  readonly version: 1;
  readonly botId: string;
  readonly mode: BotMode;
  readonly strategy: string;
  readonly portfolio: PortfolioState;
  readonly performance: Performance;
  /** Per symbol: open time of the last closed candle acted on. */
  readonly processed: Readonly<Record<string, number>>;
  readonly day: string;
  readonly dayStartEquity: number;
  readonly halted: boolean;
  /** The kill switch as last read, so a restart (which recreates the row) keeps it set. */
  readonly killSwitch: boolean;
  readonly pending: readonly PendingOrder[];
  readonly savedAt: string;
}

/** A closed trade as stored in the history, with the orders behind it (live). */
export type TradeRecord = Trade & { readonly botId: string; readonly seq: number; readonly clientOrderIds?: readonly string[] };

/**
 * Where a bot keeps what must survive it. Small, hot state (heartbeat, PnL, positions summary, kill
 * switch) is its own trading_state row, which heartbeat-monitor, the evaluators and backend-api read;
 * the full state and the trade history are objects under `bots/<botId>/` in a Blobs store (the
 * results bucket in AWS, a folder locally): trading_state is scanned every minute and must hold
 * only bot rows, and a history in a row would outgrow DynamoDB's 400 KB item limit.
 */
export class BotLedger {
  constructor(
    readonly botId: string,
    readonly table: Table<TradingItem>,
    readonly blobs: Blobs,
  ) {}

  private get prefix(): string {
    return `bots/${this.botId}/`;
  }

  async loadState(): Promise<SavedState | undefined> {
    const bytes = await this.blobs.get(`${this.prefix}state.json`);
    if (!bytes) return undefined;
    const state = JSON.parse(new TextDecoder().decode(bytes)) as SavedState;
    if (state.version !== 1 || state.botId !== this.botId) {
      throw new ValidationError(`saved state ${this.blobs.location}${this.prefix}state.json is not version 1 of bot ${this.botId}`, 'state');
    }
    return state;
  }

  /** Replaces the saved state (atomic for readers: a restart sees the old or the new state). */
  async saveState(state: SavedState): Promise<void> {
    await this.blobs.put(`${this.prefix}state.json`, new TextEncoder().encode(JSON.stringify(state)));
  }

  /** Appends a closed trade; its key sorts by close time then sequence, and re-writing the same trade is harmless. */
  async appendTrade(trade: TradeRecord): Promise<void> {
    const key = `${this.prefix}trades/${String(trade.closedAt).padStart(15, '0')}-${String(trade.seq).padStart(8, '0')}.json`;
    await this.blobs.put(key, new TextEncoder().encode(JSON.stringify(trade)));
  }

  /** The whole trade history, oldest first. */
  async trades(): Promise<TradeRecord[]> {
    const keys = (await this.blobs.list(`${this.prefix}trades/`)).sort();
    const out: TradeRecord[] = [];
    for (const k of keys) {
      const bytes = await this.blobs.get(k);
      if (bytes) out.push(JSON.parse(new TextDecoder().decode(bytes)) as TradeRecord);
    }
    return out;
  }

  /** The bot's row (kill switch and what the bot last reported). */
  row(): Promise<TradingItem | undefined> {
    return this.table.get({ bot_id: this.botId });
  }

  /**
   * Writes the bot's reported fields (heartbeat, PnL, positions): an update, so an operator's
   * kill_switch set meanwhile is never overwritten; the first write creates the row.
   */
  async report(fields: Omit<TradingItem, 'bot_id' | 'kill_switch'> & { kill_switch?: boolean }): Promise<void> {
    const { kill_switch, ...reported } = fields;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await this.table.update({ bot_id: this.botId }, reported)) return;
      if (await this.table.putIfAbsent({ bot_id: this.botId, ...reported, ...(kill_switch ? { kill_switch } : {}) })) return;
    }
    throw new Error(`trading_state ${this.botId}: could not write the row (created and deleted concurrently)`);
  }

  /** Removes the row: a bot stopped on purpose is not a silent bot (heartbeat-monitor). */
  async removeRow(): Promise<void> {
    await this.table.doc.send(new DeleteCommand({ TableName: this.table.tableName, Key: { bot_id: this.botId } }));
  }
}

/** Positions in the row's shape. */
export function rowPositions(state: PortfolioState): TradingPosition[] {
  return state.positions.map((p) => ({ symbol: p.symbol, side: p.side, amount: p.amount, open_price: p.openPrice, opened_at: new Date(p.openedAt).toISOString() }));
}
