import { EnvError, NotFoundError, ValidationError } from '@tradai/domain';
import { createServiceApp, runService, type RunningService, type ServiceApp, type ServiceConfig } from '@tradai/service-runtime';
import * as z from 'zod/mini';
import type { TradingBot } from './bot.js';
import type { BotRunner } from './runner.js';
import { BotIdleError, type IdleBot } from './service.js';
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

type Built = { bot: TradingBot; runner: BotRunner };

/** How often an idle bot heartbeats and re-checks for something to trade. */
export const IDLE_RECHECK_MS = 60_000;

/**
 * Starts a bot service: the bot first (restore, reconcile: a bot that cannot trade never serves a
 * healthy /health), then the HTTP server. SIGTERM closes the app, whose onClose stops the loop (no
 * new orders), saves the state and removes the row, inside the shutdown timeout. A bot with nothing
 * to trade yet (BotIdleError) idles instead of crash-looping: see idleBotService.
 */
export async function runBotService(
  config: ServiceConfig,
  mode: BotMode,
  build: () => Promise<Built>,
  exit: (code: number) => never = (c) => process.exit(c),
  idleRecheckMs = IDLE_RECHECK_MS,
): Promise<void> {
  let built: Built;
  try {
    try {
      built = await build();
    } catch (e) {
      if (!(e instanceof BotIdleError)) throw e;
      const idle = await idleBotService(config, mode, e.idle, build, idleRecheckMs);
      const next = await idle.next;
      if (!next) return; // stopped while idle
      built = next;
    }
    await built.runner.start();
  } catch (e) {
    // One line that says why, for every start-up failure; the stack only where it is not a known
    // set-up error (an unreachable table, say), for whoever reads the task's log.
    const known = isSetupError(e) || (e instanceof Error && e.name === 'ReconcileError');
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`${config.name}: cannot start the ${mode} bot: ${message}\n${!known && e instanceof Error && e.stack ? `${e.stack}\n` : ''}`);
    return exit(1);
  }
  const app = await buildBotApp(config, built.bot, built.runner);
  // Leave a second of the stop timeout for closing the server itself.
  app.addHook('onClose', async () => {
    await built.runner.stop(true, Math.max(1_000, config.shutdownTimeoutMs - 1_000));
  });
  await runService(app, config);
}

export interface IdleService extends RunningService {
  /**
   * Settles when idling ends: the bot built once there is something to trade (the idle server is
   * closed by then, the row kept for it), undefined when stopped (SIGTERM: row removed), or
   * rejects with the build's set-up error (a test with a broken candidate config).
   */
  readonly next: Promise<Built | undefined>;
}

/**
 * Serves an idle bot: /health 200 (it is alive and doing what it should: nothing), no status
 * route, and every `recheckMs` a heartbeat on its row and a new `build`. Transient errors are logged
 * and retried next cycle; set-up errors end idling (the caller exits 1 like at start).
 */
export async function idleBotService(config: ServiceConfig, mode: BotMode, idle: IdleBot, build: () => Promise<Built>, recheckMs: number): Promise<IdleService> {
  const app = await createServiceApp({
    name: config.name,
    version: config.version,
    healthPath: config.healthPath,
    logLevel: config.logLevel,
    description: `${mode} trading bot ${idle.botId}, idle: ${idle.reason}`,
  });
  let settle!: { resolve: (b: Built | undefined) => void; reject: (e: unknown) => void };
  const next = new Promise<Built | undefined>((resolve, reject) => (settle = { resolve, reject }));
  // Settled possibly before the caller awaits it (first cycle): not an unhandled rejection.
  next.catch(() => undefined);
  let handedOver = false;
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onClose', async () => {
    clearTimeout(timer);
    if (handedOver) return;
    await idle.removeRow().catch((err: unknown) => app.log.error({ err }, 'could not remove the idle row'));
    settle.resolve(undefined);
  });
  const running = await runService(app, config);
  app.log.warn({ botId: idle.botId, recheckMs }, `idle: ${idle.reason}`);
  const cycle = async (): Promise<void> => {
    try {
      await idle.heartbeat();
      const built = await build();
      handedOver = true;
      await running.stop();
      settle.resolve(built);
      return;
    } catch (e) {
      if (isSetupError(e)) {
        handedOver = true;
        await running.stop();
        settle.reject(e);
        return;
      }
      if (!(e instanceof BotIdleError)) app.log.error({ err: e }, 'idle re-check failed; retrying next cycle');
    }
    if (!app.server.listening) return;
    timer = setTimeout(() => void cycle(), recheckMs);
  };
  await cycle();
  return { ...running, next };
}
