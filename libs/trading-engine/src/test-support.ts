import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Table, type TradingItem } from '@tradai/domain';
import { startDynalite, type Dynalite } from '@tradai/domain/testing';
import { localBlobs } from '@tradai/market-data';
import { loadStrategy, type BacktestConfig, type Strategy } from '@tradai/strategy-sdk';
import { BotLedger } from './ledger.js';
import { parseBotSettings, type BotSettings } from './settings.js';

/** The workspace root (the strategies are loaded from apps/strategies like the CLI does). */
export const WORKSPACE_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export const HOUR = 3_600_000;

/** The engine config the tests trade with: every exit rule on, so parity covers each of them. */
export const TEST_ENGINE: BacktestConfig = {
  startingBalance: 10_000,
  stake: { fraction: 0.99 },
  maxOpenTrades: 1,
  feeRate: 0.001,
  slippage: 0.0005,
  stopLoss: 0.006,
  takeProfit: 0.03,
  minimalRoi: { '0': 0.05, '720': 0.004 },
};

export function testSettings(over: Partial<Record<keyof BotSettings, unknown>> = {}): BotSettings {
  return parseBotSettings({
    botId: 'bot-test',
    mode: 'dry-run',
    strategy: 'ma-crossover',
    exchange: 'binance',
    symbols: ['BTC/USDT'],
    timeframe: '1h',
    params: { fast: 4, slow: 12, kind: 'sma', stop_loss: 0 },
    engine: TEST_ENGINE,
    lookback: 400,
    ...over,
  });
}

export function maCrossover(): Promise<Strategy> {
  return loadStrategy('ma-crossover', WORKSPACE_ROOT);
}

/** dynalite with trading_state, and a folder for the bots' saved state and trades. */
export interface StateFixture {
  readonly dynalite: Dynalite;
  readonly table: Table<TradingItem>;
  readonly dir: string;
  ledger(botId: string): BotLedger;
  stop(): Promise<void>;
}

export async function startStateFixture(): Promise<StateFixture> {
  const dynalite = await startDynalite();
  const names = await dynalite.createTables(['trading_state']);
  const table = new Table<TradingItem>(dynalite.doc, 'trading_state', names.trading_state);
  const dir = mkdtempSync(join(tmpdir(), 'trading-engine-'));
  return {
    dynalite,
    table,
    dir,
    ledger: (botId) => new BotLedger(botId, table, localBlobs(dir)),
    async stop() {
      await dynalite.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
