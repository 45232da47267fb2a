import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { ENV, tableEnvName } from '@tradai/contracts';
import { EnvError, NotFoundError, Table, ValidationError, type ConfigVersionItem, type DeploymentItem, type ShadowTestItem, type TradingItem } from '@tradai/domain';
import { startDynalite, startFauxqs, type Dynalite, type Fauxqs } from '@tradai/domain/testing';
import { binanceApiUrls, startFakeExchange, type FakeExchange } from '@tradai/testing-tools';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildBotApp, idleBotService, runBotService } from './routes.js';
import { BOT_ENV, BotIdleError, botFromEnv, readBotEnv, readExchangeCredentials, strategyCatalog } from './service.js';
import { swingStrategy } from './replay.js';
import { HOUR, maCrossover } from './test-support.js';

const T0 = Date.UTC(2025, 0, 10);
const NOW = T0 + 2_000;
const CONFIG = {
  strategy: 'ma-crossover',
  exchange: 'binance',
  parameters: {
    fast: { type: 'number', integer: true, min: 2, max: 200, default: 4 },
    slow: { type: 'number', integer: true, min: 3, max: 400, default: 12 },
    kind: { type: 'string', enum: ['sma', 'ema'], default: 'sma' },
    stop_loss: { type: 'number', min: 0, max: 0.5, default: 0.02 },
  },
  training: { symbols: ['BTC/USDT'], timeframe: '1h', lookbackDays: 30 },
};

describe('bot services wired from the environment (dynalite, fauxqs S3, fake exchange)', () => {
  let dynalite: Dynalite;
  let fauxqs: Fauxqs;
  let fake: FakeExchange;
  let env: Record<string, string>;
  let trading: Table<TradingItem>;
  let shadowTests: Table<ShadowTestItem>;

  beforeAll(async () => {
    [dynalite, fauxqs, fake] = await Promise.all([startDynalite(), startFauxqs(), startFakeExchange({ now: NOW, symbols: ['BTC/USDT'] })]);
    const names = await dynalite.createTables(['trading_state', 'deployments', 'config_versions', 'shadow_test_state']);
    trading = new Table<TradingItem>(dynalite.doc, 'trading_state', names.trading_state);
    for (const b of ['configs', 'results']) await fauxqs.s3.send(new CreateBucketCommand({ Bucket: b }));
    for (const v of [1, 2]) {
      const body = { ...CONFIG, version: v, parameters: { ...CONFIG.parameters, fast: { ...CONFIG.parameters.fast, default: v === 1 ? 4 : 5 } } };
      await fauxqs.s3.send(new PutObjectCommand({ Bucket: 'configs', Key: `ma-crossover/v${v}.json`, Body: JSON.stringify(body) }));
      const item: ConfigVersionItem = { strategy: 'ma-crossover', version: v, config_key: `ma-crossover/v${v}.json`, image: 'repo@sha256:abc', created_at: '2025-01-01T00:00:00Z', source: 'strategy-registrar' };
      await new Table<ConfigVersionItem>(dynalite.doc, 'config_versions', names.config_versions).put(item);
    }
    const deployments = new Table<DeploymentItem>(dynalite.doc, 'deployments', names.deployments);
    await deployments.put({ strategy: 'ma-crossover', deployed_at: '2025-01-05T00:00:00Z', deployment_id: 'dep-1', config_version: 1, source: 'promote-model', status: 'verified' });
    // Newer but rolled back: never traded.
    await deployments.put({ strategy: 'ma-crossover', deployed_at: '2025-01-06T00:00:00Z', deployment_id: 'dep-2', config_version: 2, source: 'promote-model', status: 'rolled_back' });
    shadowTests = new Table<ShadowTestItem>(dynalite.doc, 'shadow_test_state', names.shadow_test_state);
    await shadowTests.put({ test_id: 'st-1', strategy: 'ma-crossover', status: 'RUNNING', started_at: '2025-01-09T00:00:00Z', candidate_config_version: 2 });
    env = { ...dynalite.tableEnv(), [ENV.environment]: 'dev', [ENV.configsBucket]: 'configs', [ENV.resultsBucket]: 'results', STRATEGY: 'ma-crossover' };
  });
  afterAll(async () => {
    await Promise.all([dynalite?.stop(), fauxqs?.stop(), fake?.stop()]);
  });

  const io = (extra: object = {}) => ({ doc: dynalite.doc, s3: fauxqs.s3, ccxtConfig: { urls: { api: binanceApiUrls(fake.url) }, rateLimit: 1 }, strategy: () => maCrossover(), ...extra });

  it('dry-run runs the active deployment: its row names deployment and version; state goes to the results bucket', async () => {
    const { bot, runner } = await botFromEnv('dry-run', { ...env, BOT_ID: 'svc-dry' }, io());
    expect(bot.settings).toMatchObject({ configVersion: 1, deploymentId: 'dep-1', symbols: ['BTC/USDT'], timeframe: '1h', params: { fast: 4, slow: 12, kind: 'sma', stop_loss: 0.02 } });
    // The strategy's own engine settings apply on top of the run defaults, as in the backtest task.
    expect(bot.settings.engine).toMatchObject({ startingBalance: 10_000, feeRate: 0.001, slippage: 0.0005, stopLoss: 0.02 });
    await bot.start(NOW);
    await bot.cycle(NOW);
    expect(await trading.get({ bot_id: 'svc-dry' })).toMatchObject({ mode: 'dry-run', strategy: 'ma-crossover', deployment_id: 'dep-1', config_version: 1, last_heartbeat_at: new Date(NOW).toISOString() });
    const saved = await fauxqs.s3.send(new GetObjectCommand({ Bucket: 'results', Key: 'trading/bots/svc-dry/state.json' }));
    expect(JSON.parse(await saved.Body!.transformToString())).toMatchObject({ botId: 'svc-dry', processed: { 'BTC/USDT': T0 - HOUR } });

    // /health is 200 while the loop runs, 503 once it stopped; the status route is the bot's.
    const app = await buildBotApp({ name: 'dry-run-trading', version: 't', healthPath: '/health', logLevel: 'silent', port: 0, host: '127.0.0.1', shutdownTimeoutMs: 1_000 }, bot, runner);
    expect((await app.inject('/health')).statusCode).toBe(503); // not started yet
    await runner.start();
    expect((await app.inject('/health')).json()).toMatchObject({ status: 'ok', checks: { loop: { status: 'ok' } } });
    expect((await app.inject('/status')).json()).toMatchObject({ botId: 'svc-dry', mode: 'dry-run', alive: true, configVersion: 1, killSwitch: false });
    await app.close();
    await runner.stop(true, 1_000);
    const after = await app.inject('/health').catch(() => undefined);
    expect(after === undefined || after.statusCode === 503).toBe(true);
    expect(await trading.get({ bot_id: 'svc-dry' })).toBeUndefined();
  });

  it('dry-run with CONFIG_VERSION runs that version', async () => {
    const { bot } = await botFromEnv('dry-run', { ...env, BOT_ID: 'svc-dry-2', CONFIG_VERSION: '2' }, io());
    expect(bot.settings).toMatchObject({ configVersion: 2, params: { fast: 5 } });
    expect(bot.settings.deploymentId).toBeUndefined();
  });

  it('shadow runs the candidate version of its shadow test', async () => {
    const { bot } = await botFromEnv('shadow', { ...env, BOT_ID: 'svc-shadow', SHADOW_TEST_ID: 'st-1' }, io());
    expect(bot.settings).toMatchObject({ mode: 'shadow', configVersion: 2, params: { fast: 5 } });
    await expect(botFromEnv('shadow', { ...env, BOT_ID: 'x', SHADOW_TEST_ID: 'nope' }, io())).rejects.toThrow('shadow test nope does not exist');
  });

  it('a standing shadow bot (no SHADOW_TEST_ID) runs the RUNNING test of its strategy started last', async () => {
    // Older RUNNING test of the strategy, a newer decided one, a newer RUNNING one of another strategy: st-1 wins.
    await shadowTests.put({ test_id: 'st-old', strategy: 'ma-crossover', status: 'RUNNING', started_at: '2025-01-08T00:00:00Z', candidate_config_version: 1 });
    await shadowTests.put({ test_id: 'st-done', strategy: 'ma-crossover', status: 'REJECT', started_at: '2025-01-09T12:00:00Z', candidate_config_version: 1 });
    await shadowTests.put({ test_id: 'st-other', strategy: 'rsi-mean-reversion', status: 'RUNNING', started_at: '2025-01-09T18:00:00Z', candidate_config_version: 1 });
    const { bot } = await botFromEnv('shadow', { ...env, BOT_ID: 'shadow-ma-crossover' }, io());
    expect(bot.settings).toMatchObject({ mode: 'shadow', configVersion: 2, params: { fast: 5 } });
  });

  it('with no RUNNING test of its strategy a shadow bot idles: /health 200, heartbeat row, re-checks, then trades the test that starts', async () => {
    const idleEnv = { ...env, BOT_ID: 'shadow-idle', STRATEGY: 'idle-strategy' };
    const err = await botFromEnv('shadow', idleEnv, io()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BotIdleError);
    expect((err as Error).message).toBe('no RUNNING shadow test of strategy idle-strategy (shadow_test_state status-index) and no SHADOW_TEST_ID: nothing to shadow');

    const config = { name: 'shadow-trading', version: 't', healthPath: '/health', logLevel: 'silent', port: 0, host: '127.0.0.1', shutdownTimeoutMs: 1_000 } as const;
    let builds = 0;
    const idleIo = io({ strategy: async () => ({ ...(await maCrossover()), name: 'idle-strategy' }) });
    const build = () => (builds++, botFromEnv('shadow', idleEnv, idleIo));
    const idle = await idleBotService(config, 'shadow', (err as BotIdleError).idle, build, 50);
    expect((await fetch(`${idle.url}/health`)).status).toBe(200);
    expect((await fetch(`${idle.url}/status`)).status).toBe(404);
    const row = await trading.get({ bot_id: 'shadow-idle' });
    expect(row).toMatchObject({ strategy: 'idle-strategy', mode: 'shadow' });
    expect(row).not.toHaveProperty('config_version');
    await expect.poll(() => builds, { timeout: 5_000 }).toBeGreaterThan(2);

    // A test of the strategy starts: the next re-check builds the bot and hands over (server closed, row kept).
    await new Table<ConfigVersionItem>(dynalite.doc, 'config_versions', env[tableEnvName('config_versions')]!).put({
      strategy: 'idle-strategy', version: 1, config_key: 'idle-strategy/v1.json', image: 'repo@sha256:abc', created_at: '2025-01-01T00:00:00Z', source: 'strategy-registrar',
    });
    await fauxqs.s3.send(new PutObjectCommand({ Bucket: 'configs', Key: 'idle-strategy/v1.json', Body: JSON.stringify({ ...CONFIG, strategy: 'idle-strategy', version: 1 }) }));
    await shadowTests.put({ test_id: 'st-idle', strategy: 'idle-strategy', status: 'RUNNING', started_at: '2025-01-10T00:00:00Z', candidate_config_version: 1 });
    const next = await idle.next;
    expect(next?.bot.settings).toMatchObject({ mode: 'shadow', botId: 'shadow-idle', strategy: 'idle-strategy', configVersion: 1 });
    await expect(fetch(`${idle.url}/health`)).rejects.toThrow();
    expect(await trading.get({ bot_id: 'shadow-idle' })).toBeDefined();
  });

  it('an idle bot stopped on purpose removes its row', async () => {
    const idleEnv = { ...env, BOT_ID: 'shadow-idle-2', STRATEGY: 'nothing-running' };
    const err = (await botFromEnv('shadow', idleEnv, io()).catch((e: unknown) => e)) as BotIdleError;
    const config = { name: 'shadow-trading', version: 't', healthPath: '/health', logLevel: 'silent', port: 0, host: '127.0.0.1', shutdownTimeoutMs: 1_000 } as const;
    const idle = await idleBotService(config, 'shadow', err.idle, () => botFromEnv('shadow', idleEnv, io()), 10_000);
    expect(await trading.get({ bot_id: 'shadow-idle-2' })).toMatchObject({ strategy: 'nothing-running' });
    await idle.stop();
    expect(await idle.next).toBeUndefined();
    expect(await trading.get({ bot_id: 'shadow-idle-2' })).toBeUndefined();
  });

  it('an idle bot whose re-check hits a set-up error stops idling with that error (the service exits 1, as at start)', async () => {
    const idleEnv = { ...env, BOT_ID: 'shadow-idle-3', STRATEGY: 'broken-test' };
    const err = (await botFromEnv('shadow', idleEnv, io()).catch((e: unknown) => e)) as BotIdleError;
    await shadowTests.put({ test_id: 'st-broken', strategy: 'broken-test', status: 'RUNNING', started_at: '2025-01-10T00:00:00Z' });
    const config = { name: 'shadow-trading', version: 't', healthPath: '/health', logLevel: 'silent', port: 0, host: '127.0.0.1', shutdownTimeoutMs: 1_000 } as const;
    const idle = await idleBotService(config, 'shadow', err.idle, () => botFromEnv('shadow', idleEnv, io()), 10_000);
    await expect(idle.next).rejects.toThrow('shadow test st-broken names no candidate_config_version');
    await expect(fetch(`${idle.url}/health`)).rejects.toThrow();
  });

  it('a bot that cannot start exits 1 with one line saying why; the stack only for what is not a set-up error', async () => {
    const config = { name: 'dry-run-trading', version: 't', healthPath: '/health', logLevel: 'silent', port: 0, host: '127.0.0.1', shutdownTimeoutMs: 1_000 } as const;
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const exit = vi.fn(((code: number) => code) as unknown as (code: number) => never);
    let lines: string[];
    try {
      await runBotService(config, 'dry-run', () => Promise.reject(new Error('Unknown action: DynamoDB_20120810.Query')), exit);
      await runBotService(config, 'dry-run', () => Promise.reject(new EnvError('missing environment variable STRATEGY', ['STRATEGY'])), exit);
      lines = stderr.mock.calls.map((c) => String(c[0]));
    } finally {
      stderr.mockRestore();
    }
    expect(exit.mock.calls).toEqual([[1], [1]]);
    const [unexpected, setup] = lines;
    expect(unexpected).toMatch(/^dry-run-trading: cannot start the dry-run bot: Unknown action: DynamoDB_20120810\.Query\nError: Unknown action/);
    expect(setup).toBe('dry-run-trading: cannot start the dry-run bot: missing environment variable STRATEGY\n');
  });

  it('live refuses to start outside prod without the flag, and without exchange credentials, saying how to fix it', () => {
    expect(() => readBotEnv('live', { ...env, BOT_ID: 'l' })).toThrow(
      'live trading refused in dev: real orders run in prod only; set ALLOW_LIVE_OUTSIDE_PROD=true to trade live in dev (a testnet account, say)',
    );
    expect(() => readBotEnv('live', { ...env, BOT_ID: 'l', [ENV.environment]: 'prod' })).toThrow(/^live trading needs exchange credentials: EXCHANGE_SECRET_ID is not set/);
    expect(() => readBotEnv('live', { ...env, BOT_ID: 'l', ALLOW_LIVE_OUTSIDE_PROD: 'yes' })).toThrow('ALLOW_LIVE_OUTSIDE_PROD must be true or false, got "yes"');
    expect(() => readBotEnv('dry-run', { ...env })).toThrow('missing environment variable BOT_ID');
    expect(() => readBotEnv('dry-run', { ...env, BOT_ID: 'b', TRADING_MODE: 'live' })).toThrow('TRADING_MODE is "live" but this service runs dry-run bots');
    expect(() => readBotEnv('dry-run', { ...env, BOT_ID: 'b', RISK_DAILY_LOSS_LIMIT: '2' })).toThrow('RISK_DAILY_LOSS_LIMIT must be <= 1, got 2');
  });

  it('live with credentials from Secrets Manager reconciles with the account and trades the active deployment', async () => {
    const secrets = new SecretsManagerClient({ region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } });
    const sm = mockClient(secrets);
    sm.on(GetSecretValueCommand, { SecretId: 'tradai/dev/exchange' }).resolves({ SecretString: JSON.stringify({ apiKey: fake.apiKey, secret: fake.secret }) });
    const { bot } = await botFromEnv(
      'live',
      { ...env, BOT_ID: 'svc-live', ALLOW_LIVE_OUTSIDE_PROD: 'true', [ENV.exchangeSecretId]: 'tradai/dev/exchange' },
      io({ secrets, ccxtConfig: { urls: { api: binanceApiUrls(fake.url) }, rateLimit: 1, nonce: () => fake.now() } }),
    );
    await bot.start(NOW); // signed account + open-orders calls: they fail on a wrong key
    expect(fake.requestsTo('/api/v3/account').map((r) => r.status)).toEqual([200]);
    expect(bot.settings).toMatchObject({ mode: 'live', deploymentId: 'dep-1' });
    sm.restore();
  });

  it('exchange secrets that are not {apiKey, secret} are refused, naming the secret', async () => {
    const secrets = new SecretsManagerClient({ region: 'us-east-1' });
    const sm = mockClient(secrets);
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'not json' }).resolvesOnce({ SecretString: JSON.stringify({ apiKey: 'k' }) });
    await expect(readExchangeCredentials(secrets, 's1')).rejects.toThrow('exchange secret s1 is not JSON: expected {"apiKey": "...", "secret": "..."}');
    await expect(readExchangeCredentials(secrets, 's1')).rejects.toThrow('exchange secret s1 has no secret: expected {"apiKey": "...", "secret": "..."}');
    sm.restore();
  });

  it('applies the environment overrides on top of the config, and keeps the strategy timeframe fallback', async () => {
    const { bot } = await botFromEnv(
      'dry-run',
      { ...env, BOT_ID: 'svc-over', BOT_TIMEFRAME: '4h', BOT_LOOKBACK: '77', BOT_STARTING_BALANCE: '500', RISK_MAX_OPEN_POSITIONS: '1', BOT_STATE_DIR: '' },
      io(),
    );
    expect(bot.settings).toMatchObject({ exchange: 'binance', timeframe: '4h', lookback: 77, risk: { maxOpenPositions: 1 }, deploymentId: 'dep-1' });
    expect(bot.settings.engine.startingBalance).toBe(500);
    const dflt = await botFromEnv('dry-run', { ...env, BOT_ID: 'svc-dflt', CONFIG_VERSION: '1' }, io());
    expect(dflt.bot.settings.lookback).toBe(500);
    expect('deploymentId' in dflt.bot.settings).toBe(false);
  });

  it('wires the alerts topic: with ALERTS_TOPIC_ARN and an SNS client the bot publishes its alerts there', async () => {
    const sns = new SNSClient({ region: 'us-east-1' });
    const mock = mockClient(sns);
    mock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const topic = 'arn:aws:sns:us-east-1:123456789012:alerts';
    const { bot } = await botFromEnv('dry-run', { ...env, BOT_ID: 'svc-alert', [ENV.alertsTopicArn]: topic }, io({ sns }));
    // The daily-loss halt is the bot's one alert; calling the wired publisher shows where it goes.
    const alert = { type: 'trading.daily_loss_limit', severity: 'critical', source: 'trading-engine/svc-alert', subject: 'halted', message: 'lost', occurredAt: new Date(NOW).toISOString() } as const;
    const deps = (bot as unknown as { deps: { alert?: (a: typeof alert) => Promise<unknown> } }).deps;
    expect(await deps.alert?.(alert)).toBe('m-1');
    expect(mock.commandCalls(PublishCommand).map((c) => c.args[0].input.TopicArn)).toEqual([topic]);
    // Without the topic there is no publisher at all.
    const quiet = await botFromEnv('dry-run', { ...env, BOT_ID: 'svc-quiet' }, io({ sns }));
    expect((quiet.bot as unknown as { deps: { alert?: unknown } }).deps.alert).toBeUndefined();
    mock.restore();
  });

  it('refuses a missing configs bucket, naming the variable', async () => {
    const noBucket = await botFromEnv('dry-run', { ...env, BOT_ID: 'svc-nob', [ENV.configsBucket]: '' }, io()).catch((e: unknown) => e);
    expect(noBucket).toBeInstanceOf(EnvError);
    expect((noBucket as EnvError).message).toBe(`missing environment variable ${ENV.configsBucket}`);
    expect((noBucket as EnvError).variables).toEqual([ENV.configsBucket]);
  });

  it('refuses a model-based strategy, naming it', async () => {
    const trainable = { ...(await maCrossover()), features: [], train: () => undefined, serialize: () => undefined, deserialize: () => undefined, featureRows: () => undefined };
    const err = await botFromEnv('dry-run', { ...env, BOT_ID: 'svc-ml' }, io({ strategy: async () => trainable })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).message).toBe('strategy ma-crossover is model-based: bots load no MLflow models yet, so it cannot trade');
    expect((err as ValidationError).path).toBe('strategy');
  });
});

describe('readBotEnv (pure checks)', () => {
  const base = { BOT_ID: 'b1', STRATEGY: 'swing', [ENV.environment]: 'dev' };
  const envError = (mode: 'live' | 'dry-run' | 'shadow', src: Record<string, string>): EnvError => {
    try {
      readBotEnv(mode, src);
    } catch (e) {
      expect(e).toBeInstanceOf(EnvError);
      return e as EnvError;
    }
    throw new Error('expected an EnvError');
  };

  it('trims values and sets only the optional fields that are given', () => {
    const e = readBotEnv('dry-run', { BOT_ID: '  b1 ', STRATEGY: ' swing', [ENV.environment]: ' dev ', TRADING_MODE: 'dry-run' });
    expect(e).toEqual({ mode: 'dry-run', botId: 'b1', strategy: 'swing', environment: 'dev', risk: {} });
    expect(Object.keys(e).sort()).toEqual(['botId', 'environment', 'mode', 'risk', 'strategy']);
  });

  it('reads every optional setting', () => {
    const e = readBotEnv('shadow', {
      ...base,
      BOT_SYMBOLS: 'BTC/USDT,ETH/USDT',
      BOT_TIMEFRAME: '4h',
      CONFIG_VERSION: '3',
      SHADOW_TEST_ID: 'st-1',
      BOT_STARTING_BALANCE: '500',
      BOT_LOOKBACK: '50',
      RISK_MAX_POSITION_SIZE: '100',
      RISK_MAX_OPEN_POSITIONS: '2',
      RISK_DAILY_LOSS_LIMIT: '0.05',
    });
    expect(e).toEqual({
      mode: 'shadow',
      botId: 'b1',
      strategy: 'swing',
      environment: 'dev',
      symbols: ['BTC/USDT', 'ETH/USDT'],
      timeframe: '4h',
      configVersion: 3,
      shadowTestId: 'st-1',
      startingBalance: 500,
      lookback: 50,
      risk: { maxPositionSize: 100, maxOpenPositions: 2, dailyLossLimit: 0.05 },
    });
  });

  it('names the variables at fault', () => {
    const both = envError('dry-run', { [ENV.environment]: 'dev' });
    expect(both.message).toBe('missing environment variables BOT_ID, STRATEGY');
    expect(both.variables).toEqual(['BOT_ID', 'STRATEGY']);
    expect(envError('dry-run', { ...base, TRADING_MODE: 'shadow' }).variables).toEqual([BOT_ENV.mode]);
    const tf = envError('dry-run', { ...base, BOT_TIMEFRAME: '7x' });
    expect(tf.message).toBe('BOT_TIMEFRAME is not a timeframe: "7x"');
    expect(tf.variables).toEqual(['BOT_TIMEFRAME']);
    expect(envError('live', { ...base, ALLOW_LIVE_OUTSIDE_PROD: 'yes' }).variables).toEqual(['ALLOW_LIVE_OUTSIDE_PROD']);
    expect(envError('live', { ...base, ALLOW_LIVE_OUTSIDE_PROD: 'false' }).variables).toEqual([ENV.environment, 'ALLOW_LIVE_OUTSIDE_PROD']);
    const noSecret = envError('live', { ...base, [ENV.environment]: 'prod', ALLOW_LIVE_OUTSIDE_PROD: 'false' });
    expect(noSecret.variables).toEqual([ENV.exchangeSecretId]);
  });

  it('refuses a starting balance below 1 and a negative position size, at their minimums', () => {
    expect(readBotEnv('dry-run', { ...base, BOT_STARTING_BALANCE: '1' }).startingBalance).toBe(1);
    expect(envError('dry-run', { ...base, BOT_STARTING_BALANCE: '0.99' }).variables).toEqual(['BOT_STARTING_BALANCE']);
    expect(readBotEnv('dry-run', { ...base, RISK_MAX_POSITION_SIZE: '0' }).risk).toEqual({ maxPositionSize: 0 });
    expect(envError('dry-run', { ...base, RISK_MAX_POSITION_SIZE: '-0.01' }).variables).toEqual(['RISK_MAX_POSITION_SIZE']);
  });

  it('a live bot with a secret id needs a Secrets Manager client', async () => {
    const io = { doc: {}, s3: {} } as never;
    await expect(botFromEnv('live', { ...base, ALLOW_LIVE_OUTSIDE_PROD: 'true', [ENV.exchangeSecretId]: 's-1' }, io)).rejects.toThrow('bot service wiring: a Secrets Manager client is required');
  });

  it('BotIdleError carries the idle bot and its reason', () => {
    const idle = { botId: 'b', reason: 'nothing to shadow', heartbeat: async () => undefined, removeRow: async () => undefined };
    const e = new BotIdleError(idle);
    expect([e.name, e.message, e.idle]).toEqual(['BotIdleError', 'nothing to shadow', idle]);
  });

  it('keeps the secret id only for live bots', () => {
    const live = readBotEnv('live', { ...base, ALLOW_LIVE_OUTSIDE_PROD: 'true', [ENV.exchangeSecretId]: ' s-1 ' });
    expect(live.exchangeSecretId).toBe('s-1');
    const dry = readBotEnv('dry-run', { ...base, [ENV.exchangeSecretId]: 's-1' });
    expect('exchangeSecretId' in dry).toBe(false);
  });
});

describe('readExchangeCredentials (mocked Secrets Manager)', () => {
  const refused = async (secretString: string) => {
    const secrets = new SecretsManagerClient({ region: 'us-east-1' });
    const sm = mockClient(secrets);
    sm.on(GetSecretValueCommand, { SecretId: 's2' }).resolves({ SecretString: secretString });
    try {
      return await readExchangeCredentials(secrets, 's2').then(
        (v) => v,
        (e: unknown) => e,
      );
    } finally {
      sm.restore();
    }
  };

  it('names every missing or empty field', async () => {
    const nul = (await refused('null')) as ValidationError;
    expect(nul).toBeInstanceOf(ValidationError);
    expect(nul.message).toBe('exchange secret s2 has no apiKey and secret: expected {"apiKey": "...", "secret": "..."}');
    expect(nul.path).toBe('exchangeSecret');
    const empty = (await refused(JSON.stringify({ apiKey: '', secret: 'x' }))) as ValidationError;
    expect(empty.message).toBe('exchange secret s2 has no apiKey: expected {"apiKey": "...", "secret": "..."}');
    const notJson = (await refused('{')) as ValidationError;
    expect(notJson.path).toBe('exchangeSecret');
    expect(await refused(JSON.stringify({ apiKey: 'k', secret: 's', extra: 1 }))).toEqual({ apiKey: 'k', secret: 's' });
  });
});

describe('strategyCatalog', () => {
  it('finds compiled strategies by name and lists the known ones, sorted, for an unknown name', async () => {
    const find = strategyCatalog([swingStrategy('zeta'), swingStrategy('alpha')]);
    expect((await find('zeta')).name).toBe('zeta');
    await expect(find('nope')).rejects.toThrow('unknown strategy "nope": this service has alpha, zeta');
    await expect(find('nope')).rejects.toBeInstanceOf(NotFoundError);
    await expect(strategyCatalog([])('x')).rejects.toThrow('unknown strategy "x": this service has (none)');
  });

  it('refuses a catalog naming a strategy twice', () => {
    expect(() => strategyCatalog([swingStrategy('a'), swingStrategy('a')])).toThrow(new ValidationError('strategy catalog names a twice', 'strategy'));
    try {
      strategyCatalog([swingStrategy('a'), swingStrategy('a')]);
    } catch (e) {
      expect((e as ValidationError).path).toBe('strategy');
    }
  });
});
