import { EnvError, NotFoundError, ValidationError } from '@tradai/domain';
import { createServiceApp, runService, type ServiceApp, type ServiceConfig } from '@tradai/service-runtime';
import * as z from 'zod/mini';
import type { TradingBot } from './bot.js';
import type { BotRunner } from './runner.js';
import type { BotMode } from './settings.js';

/** Where a bot serves its own status (backend-api's trading status reads the rows; this is the live view of one bot). */
export const BOT_STATUS_PATH = '/status';

const num = z.number();
export const BotStatusResponse = z.object({
  botId: z.string(),
  mode: z.enum(['live', 'dry-run', 'shadow']),
  strategy: z.string(),
  symbols: z.array(z.string()),
  timeframe: z.string(),
  configVersion: z.optional(num),
  deploymentId: z.optional(z.string()),
  started: z.boolean(),
  stopping: z.boolean(),
  alive: z.boolean(),
  killSwitch: z.boolean(),
  halted: z.boolean(),
  cash: num,
  equity: num,
  pnl: num,
  pnlRatio: num,
  maxDrawdown: num,
  tradeCount: num,
  positions: z.array(z.object({ symbol: z.string(), side: z.enum(['long', 'short']), amount: num, open_price: num, opened_at: z.string() })),
  pendingOrders: num,
  lastCycleAt: z.nullable(z.string()),
  lastError: z.nullable(z.string()),
});

/**
 * A bot service's app: the runtime's /health with a `loop` check (503 while the trading loop is
 * stuck or stopped) and the status route.
 */
export async function buildBotApp(config: ServiceConfig, bot: TradingBot, runner: BotRunner, logStream?: { write(line: string): void }): Promise<ServiceApp> {
  const app = await createServiceApp({
    name: config.name,
    version: config.version,
    healthPath: config.healthPath,
    logLevel: config.logLevel,
    description: `${bot.settings.mode} trading bot ${bot.settings.botId} (${bot.settings.strategy})`,
    checks: { loop: runner.healthCheck },
    ...(logStream ? { logStream } : {}),
  });
  app.get(BOT_STATUS_PATH, { schema: { summary: "The bot's positions, PnL, kill switch and loop state", tags: ['trading'], response: { 200: BotStatusResponse } } }, async () => {
    const s = bot.status();
    return { ...s, symbols: [...s.symbols], alive: runner.alive() };
  });
  return app;
}

/** Errors of a bad set-up: reported in one line and exit code 1, never a half-started bot. */
export function isSetupError(e: unknown): boolean {
  return e instanceof EnvError || e instanceof ValidationError || e instanceof NotFoundError;
}

/**
 * Starts a bot service: the bot first (restore, reconcile: a bot that cannot trade never serves a
 * healthy /health), then the HTTP server. SIGTERM closes the app, whose onClose stops the loop (no
 * new orders), saves the state and removes the row, inside the shutdown timeout.
 */
export async function runBotService(config: ServiceConfig, mode: BotMode, build: () => Promise<{ bot: TradingBot; runner: BotRunner }>, exit: (code: number) => never = (c) => process.exit(c)): Promise<void> {
  let built: { bot: TradingBot; runner: BotRunner };
  try {
    built = await build();
    await built.runner.start();
  } catch (e) {
    if (!isSetupError(e) && !(e instanceof Error && e.name === 'ReconcileError')) throw e;
    process.stderr.write(`${config.name}: cannot start the ${mode} bot: ${(e as Error).message}\n`);
    return exit(1);
  }
  const app = await buildBotApp(config, built.bot, built.runner);
  // Leave a second of the stop timeout for closing the server itself.
  app.addHook('onClose', async () => {
    await built.runner.stop(true, Math.max(1_000, config.shutdownTimeoutMs - 1_000));
  });
  await runService(app, config);
}
