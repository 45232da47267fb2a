import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { NotFoundError, StrategyConfigFile, ValidationError, parseEvent } from '@tradai/domain';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const s3mock = mockClient(S3Client);
const s3 = new S3Client({ region: 'eu-central-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
const body = (text: string) => ({ transformToString: async (encoding?: string) => (encoding === 'utf8' ? text : `wrong encoding ${String(encoding)}`) }) as never;
const awsError = (name: string) => Object.assign(new Error(`${name} from S3`), { name });

async function failure(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  return err as Error;
}

describe('StrategyConfigFile training section (what train mode reads)', () => {
  it('accepts a training window and an exchange', () => {
    const c = parseEvent(StrategyConfigFile, { strategy: 'ml-classifier', exchange: 'binance', training: { symbols: ['BTC/USDT'], timeframe: '1h', lookbackDays: 30 } }, 'config');
    expect(c.training).toEqual({ symbols: ['BTC/USDT'], timeframe: '1h', lookbackDays: 30 });
    expect(parseEvent(StrategyConfigFile, { strategy: 'ma-crossover' }, 'config').training).toBeUndefined();
  });

  it('names the bad field', () => {
    expect(() => parseEvent(StrategyConfigFile, { strategy: 'x', training: { symbols: ['btc'], timeframe: '1h', lookbackDays: 0 } }, 'config')).toThrow(/training\.symbols\.0: must look like BTC\/USDT; training\.lookbackDays/);
    expect(() => parseEvent(StrategyConfigFile, { strategy: 'x', exchange: 'Bin ance' }, 'config')).toThrow(/exchange: must be a ccxt exchange id/);
  });
});

describe('loadConfig', () => {
  beforeEach(() => {
    s3mock.reset();
  });

  it('reads CONFIG_KEY from the configs bucket, passing the abort signal on', async () => {
    s3mock.on(GetObjectCommand, { Bucket: 'configs', Key: 'ma/v2.json' }).resolves({ Body: body('{"strategy":"ma","parameters":{}}') });
    const signal = new AbortController().signal;
    await expect(loadConfig(s3, 'configs', 'ma/v2.json', 'ma', signal)).resolves.toEqual({ strategy: 'ma', parameters: {} });
    const calls = s3mock.commandCalls(GetObjectCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({ Bucket: 'configs', Key: 'ma/v2.json' });
    expect((calls[0]!.args as unknown[])[1]).toEqual({ abortSignal: signal });
  });

  it.each(['NoSuchKey', 'NotFound'])('turns %s into a NotFoundError naming the object', async (name) => {
    s3mock.on(GetObjectCommand).rejects(awsError(name));
    const err = await failure(loadConfig(s3, 'configs', 'ma/v9.json', 'ma'));
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.message).toBe('strategy config s3://configs/ma/v9.json does not exist');
  });

  it('rethrows any other S3 error as it is', async () => {
    const denied = awsError('AccessDenied');
    s3mock.on(GetObjectCommand).rejects(denied);
    const err = await failure(loadConfig(s3, 'configs', 'ma/v1.json', 'ma'));
    expect(err.name).toBe('AccessDenied');
    expect(err.message).toBe('AccessDenied from S3');
  });

  it('treats an object without a body as empty text: not valid JSON (it ends at once)', async () => {
    s3mock.on(GetObjectCommand).resolves({});
    const err = await failure(loadConfig(s3, 'configs', 'ma/v1.json', 'ma'));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toMatch(/^invalid strategy config s3:\/\/configs\/ma\/v1\.json: \(root\): body is not valid JSON \(Unexpected end of JSON input\)$/);
  });

  it('names the field of a config that is not a StrategyConfigFile', async () => {
    s3mock.on(GetObjectCommand).resolves({ Body: body('{"strategy":"Bad Name"}') });
    const err = await failure(loadConfig(s3, 'configs', 'ma/v1.json', 'ma'));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toMatch(/^invalid strategy config s3:\/\/configs\/ma\/v1\.json: strategy: /);
  });

  it("refuses another strategy's config, naming both", async () => {
    s3mock.on(GetObjectCommand).resolves({ Body: body('{"strategy":"momentum"}') });
    const err = await failure(loadConfig(s3, 'configs', 'ma/v1.json', 'ma'));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toBe('invalid strategy config s3://configs/ma/v1.json: strategy: is "momentum", this image runs "ma"');
    expect((err as ValidationError).path).toBe('strategy');
  });
});
