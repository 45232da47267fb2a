/**
 * dry-run-trading entry; the same image runs as shadow-trading (SERVICE_NAME says which, and with it
 * the port, the health path and the bot mode: dry-run, or shadow of the candidate of SHADOW_TEST_ID or
 * else of its strategy's RUNNING shadow test; with none, the shadow bot idles until one starts).
 */
import { configOrExit } from '@tradai/service-runtime';
import { runBotService, serviceBotLog } from '@tradai/trading-engine';
import { roleMode, simulatedBot, tradingConfig } from './app.js';

const config = configOrExit('dry-run-trading', () => tradingConfig());
const mode = roleMode(config);
await runBotService(config, mode, () => simulatedBot(mode, process.env, serviceBotLog(config)));
