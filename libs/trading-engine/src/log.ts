/** The bot's log in a deployed service: the same pino JSON lines, service and version as its HTTP log. */
import { pino } from 'pino';
import type { ServiceConfig } from '@tradai/service-runtime';
import type { BotLog } from './bot.js';

/**
 * A {@link BotLog} writing pino JSON lines tagged `service`, `version` and `component: "bot"` at the
 * service's LOG_LEVEL, so cycle failures, rejected orders and the daily loss halt reach CloudWatch
 * beside the request log. `stream` defaults to stdout; tests pass one to read the lines.
 */
export function serviceBotLog(config: Pick<ServiceConfig, 'name' | 'version' | 'logLevel'>, stream?: { write(line: string): void }): BotLog {
  const opts = { level: config.logLevel, base: { service: config.name, version: config.version, component: 'bot' } };
  const logger = stream ? pino(opts, stream) : pino(opts);
  return (level, msg, fields) => logger[level](fields ?? {}, msg);
}
