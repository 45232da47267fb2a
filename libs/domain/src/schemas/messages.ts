import * as z from 'zod/mini';
import { timeframe } from './backtest.js';
import { isoTimestamp, positiveInt, strategyName } from './common.js';

export const SEVERITIES = ['info', 'warning', 'critical'] as const;

/**
 * A notification on the alerts topic, as TradAI functions publish it (update-status,
 * health-check, rollback, ...). `dedupKey` groups a burst (same alert repeated) into one record;
 * when absent the dispatcher derives it from source + type + subject.
 */
export const AlertNotification = z.object({
  type: z.string().check(z.regex(/^[a-z0-9_.-]{1,64}$/, 'must be 1-64 chars of a-z, 0-9, "_", ".", "-"')),
  severity: z.enum(SEVERITIES),
  source: z.string().check(z.minLength(1)),
  subject: z.string().check(z.minLength(1), z.maxLength(100)),
  message: z.string(),
  occurredAt: isoTimestamp,
  dedupKey: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  details: z.optional(z.record(z.string(), z.unknown())),
});
export type AlertNotification = z.output<typeof AlertNotification>;

/** What CloudWatch alarms publish to the alerts topic (the edge stack's alarms notify it). */
export const CloudWatchAlarmMessage = z.object({
  AlarmName: z.string().check(z.minLength(1)),
  NewStateValue: z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA']),
  NewStateReason: z.string(),
  StateChangeTime: z.string(),
  AlarmDescription: z.optional(z.nullable(z.string())),
  OldStateValue: z.optional(z.string()),
});
export type CloudWatchAlarmMessage = z.output<typeof CloudWatchAlarmMessage>;

/**
 * Published by CI on the registration topic when a strategy image is pushed: strategy-registrar
 * records it as a new config version (+ a deployment record).
 */
export const RegistrationMessage = z.object({
  strategy: strategyName,
  /** Repository URI without tag/digest: `<acct>.dkr.ecr.<region>.amazonaws.com/tradai/strategy-<name>`. */
  imageRepository: z.string().check(z.minLength(1)),
  imageTag: z.string().check(z.minLength(1)),
  imageDigest: z.string().check(z.regex(/^sha256:[a-f0-9]{64}$/, 'must be sha256:<64 hex>')),
  /** Key of the strategy config in the configs bucket. */
  configKey: z.string().check(z.minLength(1)),
  gitSha: z.optional(z.string()),
  registeredAt: z.optional(isoTimestamp),
});
export type RegistrationMessage = z.output<typeof RegistrationMessage>;

/** A declared strategy parameter in the strategy config file. */
export const ParameterSpec = z.discriminatedUnion('type', [
  z.object({ type: z.literal('number'), min: z.optional(z.number()), max: z.optional(z.number()), integer: z.optional(z.boolean()), default: z.optional(z.number()) }),
  z.object({ type: z.literal('string'), enum: z.optional(z.array(z.string()).check(z.minLength(1))), default: z.optional(z.string()) }),
  z.object({ type: z.literal('boolean'), default: z.optional(z.boolean()) }),
]);
export type ParameterSpec = z.output<typeof ParameterSpec>;

/**
 * The training window of a model-based strategy: the `lookbackDays` before the retraining run
 * started (RETRAINING_STARTED_AT), on `symbols` at `timeframe`.
 */
export const StrategyTraining = z.object({
  symbols: z.array(z.string().check(z.regex(/^[A-Z0-9]{2,15}\/[A-Z0-9]{2,15}$/, 'must look like BTC/USDT'))).check(z.minLength(1), z.maxLength(50)),
  timeframe,
  lookbackDays: positiveInt,
  /** Registered model name in MLflow (default: the strategy name, as compare-models assumes). */
  modelName: z.optional(z.string().check(z.minLength(1))),
});
export type StrategyTraining = z.output<typeof StrategyTraining>;

/**
 * A strategy config file in the configs bucket (`config_key` of a config_versions record):
 * which parameters the strategy accepts and their bounds.
 */
export const StrategyConfigFile = z.object({
  strategy: strategyName,
  version: z.optional(positiveInt),
  parameters: z._default(z.record(z.string(), ParameterSpec), {}),
  /** ccxt exchange id whose stored candles the task reads (default `binance`). */
  exchange: z.optional(z.string().check(z.regex(/^[a-z0-9]{2,32}$/, 'must be a ccxt exchange id (a-z, 0-9)'))),
  /** Model-based strategies: what train mode trains on (its env carries no window or symbols). */
  training: z.optional(StrategyTraining),
});
export type StrategyConfigFile = z.output<typeof StrategyConfigFile>;
