/**
 * live-trading entry: one live bot (TRADING_MODE=live) of the active deployment of STRATEGY. Refuses
 * to start without exchange credentials or outside prod unless ALLOW_LIVE_OUTSIDE_PROD=true.
 */
import { configOrExit, serviceConfig } from '@tradai/service-runtime';
import { runBotService, serviceBotLog } from '@tradai/trading-engine';
import { liveBot } from './app.js';

const config = configOrExit('live-trading', () => serviceConfig('live-trading'));
await runBotService(config, 'live', () => liveBot(process.env, serviceBotLog(config)));
