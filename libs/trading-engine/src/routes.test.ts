import { EnvError, NotFoundError, ValidationError } from '@tradai/domain';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TradingBot } from './bot.js';
import { BOT_STATUS_PATH, buildBotApp, isSetupError, runBotService } from './routes.js';
import type { BotRunner } from './runner.js';

const config = { name: 'dry-run-trading', version: 't', healthPath: '/health', logLevel: 'silent', port: 0, host: '127.0.0.1', shutdownTimeoutMs: 1_000 } as const;

const status = {
  botId: 'b1',
  mode: 'dry-run',
  strategy: 'swing',
  symbols: ['BTC/USDT', 'ETH/USDT'],
  timeframe: '1h',
  started: true,
  stopping: false,
  killSwitch: false,
  halted: false,
  cash: 10_000,
  equity: 10_000,
  pnl: 0,
  pnlRatio: 0,
  maxDrawdown: 0,
  tradeCount: 0,
  positions: [],
  pendingOrders: 0,
  lastCycleAt: null,
  lastError: null,
};

describe('buildBotApp', () => {
  it('serves the bot status with its symbols and whether the loop is alive', async () => {
    const bot = { settings: { mode: 'dry-run', botId: 'b1', strategy: 'swing' }, status: () => ({ ...status, internal: 'not served' }) } as unknown as TradingBot;
    let alive = true;
    const runner = { healthCheck: async () => undefined, alive: () => alive } as unknown as BotRunner;
    const app = await buildBotApp(config, bot, runner);
    try {
      const res = await app.inject(BOT_STATUS_PATH);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ botId: 'b1', symbols: ['BTC/USDT', 'ETH/USDT'], alive: true });
      expect(res.json()).not.toHaveProperty('internal'); // the response schema serialises only the documented fields
      alive = false;
      expect((await app.inject(BOT_STATUS_PATH)).json().alive).toBe(false);
    } finally {
      await app.close();
    }
  });
});

describe('isSetupError', () => {
  it('is true for env, validation and not-found errors only', () => {
    expect(isSetupError(new EnvError('x', ['X']))).toBe(true);
    expect(isSetupError(new ValidationError('x', 'p'))).toBe(true);
    expect(isSetupError(new NotFoundError('x'))).toBe(true);
    expect(isSetupError(new Error('x'))).toBe(false);
  });
});

describe('runBotService start-up failures', () => {
  afterEach(() => vi.restoreAllMocks());

  it('reports a reconcile failure in one line (no stack) and exits 1', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((l: string | Uint8Array) => (lines.push(String(l)), true));
    const exit = vi.fn() as unknown as (code: number) => never;
    const reconcile = Object.assign(new Error('exchange holds 1 BTC the state cannot explain'), { name: 'ReconcileError' });
    await runBotService(config, 'live', () => Promise.reject(reconcile), exit);
    await runBotService(config, 'live', () => Promise.reject('plain failure'), exit);
    expect(lines).toEqual(['dry-run-trading: cannot start the live bot: exchange holds 1 BTC the state cannot explain\n', 'dry-run-trading: cannot start the live bot: plain failure\n']);
    expect(vi.mocked(exit).mock.calls).toEqual([[1], [1]]);
  });
});
