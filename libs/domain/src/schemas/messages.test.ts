import { describe, expect, it } from 'vitest';
import { AlertNotification, CloudWatchAlarmMessage, RegistrationMessage, StrategyConfigFile, StrategyTraining } from './messages.js';
import { parseEvent } from './parse.js';

const ok = (schema: Parameters<typeof parseEvent>[0], value: unknown) => schema.safeParse(value).success;
const firstMessage = (schema: Parameters<typeof parseEvent>[0], value: unknown) => {
  const r = schema.safeParse(value);
  return r.success ? undefined : r.error.issues[0]!.message;
};

describe('AlertNotification', () => {
  const alert = { type: 'workflow.failed', severity: 'critical', source: 'update-status', subject: 'bt-1', message: 'm', occurredAt: '2026-01-01T00:00:00Z' };

  it('types are 1 to 64 chars of a-z, 0-9, "_", ".", "-" and nothing else', () => {
    expect(ok(AlertNotification, alert)).toBe(true);
    expect(ok(AlertNotification, { ...alert, type: 'a'.repeat(64) })).toBe(true);
    expect(ok(AlertNotification, { ...alert, type: 'a'.repeat(65) })).toBe(false);
    expect(ok(AlertNotification, { ...alert, type: 'ok!' })).toBe(false);
    expect(firstMessage(AlertNotification, { ...alert, type: 'Bad' })).toBe('must be 1-64 chars of a-z, 0-9, "_", ".", "-"');
  });
});

describe('CloudWatchAlarmMessage', () => {
  const alarm = { AlarmName: 'api-5xx', NewStateValue: 'ALARM', NewStateReason: 'threshold crossed', StateChangeTime: '2026-01-01T00:00:00.000+0000' };

  it('keeps the alarm fields it declares', () => {
    expect(parseEvent(CloudWatchAlarmMessage, { ...alarm, AlarmDescription: null, OldStateValue: 'OK', Extra: 1 })).toEqual({ ...alarm, AlarmDescription: null, OldStateValue: 'OK' });
  });

  it('accepts each CloudWatch state and refuses others', () => {
    for (const state of ['ALARM', 'OK', 'INSUFFICIENT_DATA']) expect(ok(CloudWatchAlarmMessage, { ...alarm, NewStateValue: state }), state).toBe(true);
    expect(ok(CloudWatchAlarmMessage, { ...alarm, NewStateValue: 'PENDING' })).toBe(false);
    expect(ok(CloudWatchAlarmMessage, { ...alarm, NewStateValue: '' })).toBe(false);
  });

  it('refuses a message without an alarm name', () => {
    expect(ok(CloudWatchAlarmMessage, { ...alarm, AlarmName: '' })).toBe(false);
    expect(ok(CloudWatchAlarmMessage, {})).toBe(false);
  });
});

describe('RegistrationMessage', () => {
  const digest = `sha256:${'a0'.repeat(32)}`;
  const reg = { strategy: 'momo', imageRepository: '1.dkr.ecr.eu-west-1.amazonaws.com/tradai/strategy-momo', imageTag: 'v1', imageDigest: digest, configKey: 'configs/momo.json' };

  it('keeps its fields', () => {
    expect(parseEvent(RegistrationMessage, { ...reg, gitSha: 'abc', registeredAt: '2026-01-01T00:00:00Z' })).toEqual({ ...reg, gitSha: 'abc', registeredAt: '2026-01-01T00:00:00Z' });
    expect(ok(RegistrationMessage, { ...reg, configKey: '' })).toBe(false);
  });

  it('digests are exactly sha256: and 64 lower-case hex chars', () => {
    expect(ok(RegistrationMessage, reg)).toBe(true);
    expect(ok(RegistrationMessage, { ...reg, imageDigest: `x${digest}` })).toBe(false);
    expect(ok(RegistrationMessage, { ...reg, imageDigest: `${digest}0` })).toBe(false);
    expect(ok(RegistrationMessage, { ...reg, imageDigest: digest.slice(0, -1) })).toBe(false);
    expect(ok(RegistrationMessage, { ...reg, imageDigest: `sha256:${'A'.repeat(64)}` })).toBe(false);
    expect(firstMessage(RegistrationMessage, { ...reg, imageDigest: 'latest' })).toBe('must be sha256:<64 hex>');
  });
});

describe('StrategyTraining', () => {
  const training = { symbols: ['BTC/USDT'], timeframe: '1h', lookbackDays: 30 };

  it('keeps its fields', () => {
    expect(parseEvent(StrategyTraining, { ...training, modelName: 'm' })).toEqual({ ...training, modelName: 'm' });
    expect(ok(StrategyTraining, { ...training, lookbackDays: 0 })).toBe(false);
  });

  it('symbols are BASE/QUOTE of 2 to 15 upper-case chars each, nothing around them', () => {
    expect(ok(StrategyTraining, { ...training, symbols: ['BTC/USDT', 'ETH/BTC'] })).toBe(true);
    expect(ok(StrategyTraining, { ...training, symbols: ['bBTC/USDT'] })).toBe(false);
    expect(ok(StrategyTraining, { ...training, symbols: ['BTC/USDTx'] })).toBe(false);
    expect(firstMessage(StrategyTraining, { ...training, symbols: ['btc/usdt'] })).toBe('must look like BTC/USDT');
  });
});

describe('StrategyConfigFile', () => {
  it('keeps its fields and defaults parameters to none', () => {
    expect(parseEvent(StrategyConfigFile, { strategy: 'momo' })).toEqual({ strategy: 'momo', parameters: {} });
    const full = { strategy: 'momo', version: 2, parameters: { n: { type: 'number', min: 1 } }, exchange: 'binance', training: { symbols: ['BTC/USDT'], timeframe: '1d', lookbackDays: 7 } };
    expect(parseEvent(StrategyConfigFile, full)).toEqual(full);
    expect(ok(StrategyConfigFile, { strategy: 'Momo' })).toBe(false);
  });

  it('exchange ids are 2 to 32 chars of a-z and 0-9, nothing around them', () => {
    expect(ok(StrategyConfigFile, { strategy: 'momo', exchange: 'binance' })).toBe(true);
    expect(ok(StrategyConfigFile, { strategy: 'momo', exchange: 'Binance' })).toBe(false);
    expect(ok(StrategyConfigFile, { strategy: 'momo', exchange: 'binance!' })).toBe(false);
    expect(firstMessage(StrategyConfigFile, { strategy: 'momo', exchange: 'b' })).toBe('must be a ccxt exchange id (a-z, 0-9)');
  });
});
