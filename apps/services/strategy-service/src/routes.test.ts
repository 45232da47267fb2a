import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConfigVersionRepo, createDocumentClient, isAwsError, StrategyConfigFile, Table, type ConfigVersionItem } from '@tradai/domain';
import { barrier, hookClient, LOCAL_AWS, startDynalite, startFauxqs, type Dynalite, type Fauxqs } from '@tradai/domain/testing';
import { createServiceApp, type ServiceApp } from '@tradai/service-runtime';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStrategyService } from './app.js';
import { createTokenVerifier, startLocalIdp, type LocalIdp } from '@tradai/service-runtime';
import { strategyServiceConfig } from './config.js';
import { strategyRoutes } from './routes.js';

const BUCKET = 'tradai-configs-test';
const IMAGE = `123456789012.dkr.ecr.eu-central-1.amazonaws.com/tradai/strategy-x@sha256:${'a'.repeat(64)}`;
const IMAGE2 = `123456789012.dkr.ecr.eu-central-1.amazonaws.com/tradai/strategy-x@sha256:${'b'.repeat(64)}`;
const SPECS = {
  fast: { type: 'number', min: 2, max: 50, integer: true, default: 10 },
  mode: { type: 'string', enum: ['long', 'short'], default: 'long' },
  trail: { type: 'boolean' },
};

let db: Dynalite;
let fq: Fauxqs;
let idp: LocalIdp;
let app: ServiceApp;
let tables: Record<string, string>;
/** A loopback port nothing listens on: the "down" DynamoDB / S3. */
let deadEndpoint: string;

const trader = () => `Bearer ${idp.userToken(['trader'])}`;
const viewer = () => `Bearer ${idp.userToken(['viewer'])}`;

const config = (extra: Record<string, string> = {}) =>
  strategyServiceConfig({ ...idp.env, CONFIGS_BUCKET: BUCKET, CONFIG_VERSIONS_TABLE: tables['config_versions']!, LOG_LEVEL: 'silent', ...extra });

/** A parsed JSON answer; tests index into it freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

async function call(a: ServiceApp, method: 'GET' | 'POST' | 'PUT', url: string, opts: { auth?: string; body?: unknown } = {}) {
  const res = await a.inject({
    method,
    url,
    headers: { ...(opts.auth === undefined ? { authorization: trader() } : opts.auth ? { authorization: opts.auth } : {}) },
    ...(opts.body !== undefined ? { payload: opts.body as object } : {}),
  });
  return { status: res.statusCode, body: res.body ? (res.json() as Json) : undefined, type: res.headers['content-type'] };
}

const repo = () => new ConfigVersionRepo(new Table<ConfigVersionItem>(db.doc, 'config_versions', tables['config_versions']!));
const objectKeys = async (prefix: string) => ((await fq.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!);

beforeAll(async () => {
  [db, fq, idp] = await Promise.all([startDynalite(), startFauxqs(), startLocalIdp()]);
  tables = await db.createTables(['config_versions']);
  fq.server.createBucket(BUCKET);
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  deadEndpoint = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise<void>((r) => probe.close(() => r()));
  app = await buildStrategyService(config(), { s3: fq.s3, doc: db.doc, now: () => new Date('2026-12-01T10:00:00Z') });
  // 'paged' (versions 1-3) is read by the listing, auth and outage tests; no test writes to it.
  expect((await call(app, 'POST', '/api/v1/strategies', { body: { name: 'paged', parameters: SPECS, image: IMAGE } })).status).toBe(201);
  for (const fast of [5, 6, 7]) expect((await call(app, 'PUT', '/api/v1/strategies/paged/config', { body: { parameters: { fast } } })).status).toBe(201);
});

afterAll(async () => {
  await app?.close();
  await Promise.all([db?.stop(), fq?.stop(), idp?.stop()]);
});

describe('POST /api/v1/strategies and GET /api/v1/strategies/{name}', () => {
  it('creates a strategy, shows it without versions, and refuses a second create with 409', async () => {
    const created = await call(app, 'POST', '/api/v1/strategies', { body: { name: 'momo', description: 'momentum', parameters: SPECS, image: IMAGE } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ name: 'momo', description: 'momentum', parameters: SPECS, image: IMAGE, createdAt: '2026-12-01T10:00:00.000Z', latestVersion: null });
    const got = await call(app, 'GET', '/api/v1/strategies/momo', { auth: viewer() });
    expect(got).toMatchObject({ status: 200, body: created.body });
    const again = await call(app, 'POST', '/api/v1/strategies', { body: { name: 'momo', parameters: {} } });
    expect(again.status).toBe(409);
    expect(again.type).toMatch(/application\/problem\+json/);
    expect(again.body!.detail).toBe('strategy momo already exists');
  });

  it('answers 400 naming the field for malformed bodies and names', async () => {
    const cases: [unknown, string][] = [
      [{ name: 'Bad Name', parameters: {} }, 'body.name'],
      [{ name: 'ok', parameters: { fast: { type: 'float' } } }, 'body.parameters.fast.type'],
      [{ name: 'ok', image: 'repo:latest' }, 'body.image'],
      [{ name: 'ok', description: 'x'.repeat(501) }, 'body.description'],
      [{ parameters: {} }, 'body.name'],
    ];
    for (const [body, field] of cases) {
      const res = await call(app, 'POST', '/api/v1/strategies', { body });
      expect(res.status, field).toBe(400);
      expect(res.body!.errors.map((e: { path: string }) => e.path), JSON.stringify(body)).toContain(field);
    }
    const notJson = await app.inject({ method: 'POST', url: '/api/v1/strategies', headers: { authorization: trader(), 'content-type': 'application/json' }, payload: '{"name":' });
    expect(notJson.statusCode).toBe(400);
    const badName = await call(app, 'GET', '/api/v1/strategies/UPPER');
    expect(badName.status).toBe(400);
    expect(badName.body!.errors[0].path).toBe('params.name');
    expect(await objectKeys('strategies/ok/')).toEqual([]);
  });

  it('answers 404 for an unknown strategy', async () => {
    const res = await call(app, 'GET', '/api/v1/strategies/nobody', { auth: viewer() });
    expect(res.status).toBe(404);
    expect(res.body!.detail).toBe('unknown strategy nobody: create it with POST /api/v1/strategies');
  });
});

describe('PUT /api/v1/strategies/{name}/config', () => {
  beforeAll(async () => {
    expect((await call(app, 'POST', '/api/v1/strategies', { body: { name: 'cfg', parameters: SPECS, image: IMAGE } })).status).toBe(201);
  });

  it('checks the parameters, writes an immutable config file and appends versions 1, 2', async () => {
    const first = await call(app, 'PUT', '/api/v1/strategies/cfg/config', { body: { parameters: { fast: 20 }, exchange: 'kraken' } });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ version: { strategy: 'cfg', version: 1, image: IMAGE, source: 'strategy-service' }, parameters: { fast: 20, mode: 'long' } });
    const key = first.body!.version.configKey as string;
    expect(key).toMatch(/^strategies\/cfg\/configs\/[a-f0-9]{32}\.json$/);
    const text = await (await fq.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString();
    const file = StrategyConfigFile.parse(JSON.parse(text));
    expect(file).toEqual({ strategy: 'cfg', exchange: 'kraken', parameters: { ...SPECS, fast: { ...SPECS.fast, default: 20 } } });

    const second = await call(app, 'PUT', '/api/v1/strategies/cfg/config', { body: { parameters: { mode: 'short', trail: true }, image: IMAGE2 } });
    expect(second.body).toMatchObject({ version: { version: 2, image: IMAGE2 }, parameters: { fast: 10, mode: 'short', trail: true } });
    expect(second.body!.version.configKey).not.toBe(key);
    const got = await call(app, 'GET', '/api/v1/strategies/cfg', { auth: viewer() });
    expect(got.body).toMatchObject({ image: IMAGE2, latestVersion: { version: 2, image: IMAGE2 } });
  });

  it('answers 400 naming the parameter that does not fit the declared specs, and writes nothing', async () => {
    const before = await objectKeys('strategies/cfg/configs/');
    const latestBefore = (await repo().latest('cfg'))?.version;
    const cases: [unknown, string, RegExp][] = [
      [{ parameters: { fast: 51 } }, 'body.parameters.fast', /must be <= 50/],
      [{ parameters: { fast: 2.5 } }, 'body.parameters.fast', /integer/],
      [{ parameters: { mode: 'sideways' } }, 'body.parameters.mode', /one of long, short/],
      [{ parameters: { slow: 3 } }, 'body.parameters.slow', /unknown parameter; declared: fast, mode, trail/],
      [{ parameters: { trail: 'yes' } }, 'body.parameters.trail', /must be a boolean/],
      [{ parameters: { fast: [1] } }, 'body.parameters.fast', /./],
      [{ exchange: 'Not An Exchange' }, 'body.exchange', /ccxt/],
      [{ image: 'nope' }, 'body.image', /pinned by digest/],
    ];
    for (const [body, field, message] of cases) {
      const res = await call(app, 'PUT', '/api/v1/strategies/cfg/config', { body });
      expect(res.status, field).toBe(400);
      const err = res.body!.errors.find((e: { path: string }) => e.path === field);
      expect(err, `${field} in ${JSON.stringify(res.body)}`).toBeDefined();
      expect(err.message).toMatch(message);
    }
    expect(await objectKeys('strategies/cfg/configs/')).toEqual(before);
    expect((await repo().latest('cfg'))?.version).toBe(latestBefore);
  });

  it('answers 404 for an unknown strategy and 409 for a strategy with no image to run', async () => {
    expect((await call(app, 'PUT', '/api/v1/strategies/ghost/config', { body: {} })).status).toBe(404);
    await call(app, 'POST', '/api/v1/strategies', { body: { name: 'noimage' } });
    const res = await call(app, 'PUT', '/api/v1/strategies/noimage/config', { body: {} });
    expect(res.status).toBe(409);
    expect(res.body!.detail).toMatch(/has no image yet/);
    expect(await repo().latest('noimage')).toBeUndefined();
  });

  it('gives two concurrent PUTs versions n and n+1 even when both read before either writes', async () => {
    await call(app, 'POST', '/api/v1/strategies', { body: { name: 'race', parameters: SPECS, image: IMAGE } });
    // Neither conditional put may run until both writers have read `latest` and tried theirs.
    let arrived = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((r) => (release = r));
    class GatedTable extends Table<ConfigVersionItem> {
      override async putIfAbsent(item: ConfigVersionItem): Promise<boolean> {
        if (arrived < 2) {
          arrived++;
          if (arrived === 2) release();
          await bothRead;
        }
        return super.putIfAbsent(item);
      }
    }
    const gated = await createServiceApp({ name: 'strategy-service', version: 'test', logLevel: 'silent' });
    await gated.register(strategyRoutes, {
      deps: { s3: fq.s3, configsBucket: BUCKET, configVersions: new ConfigVersionRepo(new GatedTable(db.doc, 'config_versions', tables['config_versions']!)), verify: createTokenVerifier(idp.config) },
    });
    const [a, b] = await Promise.all([
      call(gated, 'PUT', '/api/v1/strategies/race/config', { body: { parameters: { fast: 3 } } }),
      call(gated, 'PUT', '/api/v1/strategies/race/config', { body: { parameters: { fast: 4 } } }),
    ]);
    await gated.close();
    expect([a.status, b.status]).toEqual([201, 201]);
    expect([a.body!.version.version, b.body!.version.version].sort()).toEqual([1, 2]);
    const rows = await repo().table.query('race');
    expect(rows.map((r) => [r.version, r.config_key])).toEqual(
      [a.body!.version, b.body!.version].sort((x, y) => x.version - y.version).map((v) => [v.version, v.configKey]),
    );
  });
});

describe('POST /api/v1/strategies by two callers at once', () => {
  /**
   * fauxqs ignores If-None-Match; this adds S3's rule for it (412 PreconditionFailed when the key
   * exists), one conditional put at a time, so the store's guard is what decides the winner.
   */
  function withConditionalPuts(s3: S3Client): S3Client {
    let queue: Promise<unknown> = Promise.resolve();
    return hookClient(s3, (command, send) => {
      if (!(command instanceof PutObjectCommand) || command.input.IfNoneMatch !== '*') return send();
      const { Bucket, Key } = command.input;
      const attempt = queue.then(async () => {
        const exists = await s3.send(new HeadObjectCommand({ Bucket, Key })).then(
          () => true,
          (err: unknown) => (isAwsError(err, 'NotFound', 'NoSuchKey') ? false : Promise.reject(err)),
        );
        if (exists) throw Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), { name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
        return send();
      });
      queue = attempt.catch(() => undefined);
      return attempt;
    });
  }

  it('creates the strategy once when both saw no record: one 201, one 409, the record is the winner', async () => {
    // Neither create may write until both have looked for the record and found none.
    const bothLooked = barrier(2);
    const s3 = hookClient(withConditionalPuts(fq.s3), async (command, send) => {
      if (!(command instanceof GetObjectCommand) || command.input.Key !== 'strategies/twin/strategy.json') return send();
      try {
        return await send();
      } finally {
        await bothLooked.arrive();
      }
    });
    const gated = await buildStrategyService(config(), { s3, doc: db.doc, now: () => new Date('2026-12-01T10:00:00Z') });
    try {
      const [a, b] = await Promise.all(['first', 'second'].map((description) => call(gated, 'POST', '/api/v1/strategies', { body: { name: 'twin', description, parameters: {} } })));
      expect(bothLooked.arrived).toBe(2);
      expect([a!.status, b!.status].sort()).toEqual([201, 409]);
      const [won, lost] = a!.status === 201 ? [a!, b!] : [b!, a!];
      expect(lost.body!.detail).toBe('strategy twin already exists');
      expect((await call(app, 'GET', '/api/v1/strategies/twin', { auth: viewer() })).body).toMatchObject({ description: won.body!.description });
    } finally {
      await gated.close();
    }
  });
});

describe('GET /api/v1/strategies/{name}/versions and GET /api/v1/strategies', () => {
  it('pages versions newest first with a cursor', async () => {
    const p1 = await call(app, 'GET', '/api/v1/strategies/paged/versions?limit=2', { auth: viewer() });
    expect(p1.body!.items.map((v: { version: number }) => v.version)).toEqual([3, 2]);
    expect(p1.body!.nextCursor).toBe('2');
    const p2 = await call(app, 'GET', `/api/v1/strategies/paged/versions?limit=2&cursor=${p1.body!.nextCursor}`, { auth: viewer() });
    expect(p2.body).toEqual({ items: [expect.objectContaining({ version: 1, strategy: 'paged' })] });
  });

  it('answers 400 for a bad limit or cursor, 404 for an unknown strategy, an empty page for one without versions', async () => {
    for (const [q, field] of [['limit=0', 'querystring.limit'], ['limit=abc', 'querystring.limit'], ['cursor=-1', 'querystring.cursor'], ['limit=101', 'querystring.limit']]) {
      const res = await call(app, 'GET', `/api/v1/strategies/paged/versions?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body!.errors[0].path, q).toBe(field);
    }
    expect((await call(app, 'GET', '/api/v1/strategies/ghost/versions')).status).toBe(404);
    await call(app, 'POST', '/api/v1/strategies', { body: { name: 'fresh' } });
    expect((await call(app, 'GET', '/api/v1/strategies/fresh/versions')).body).toEqual({ items: [] });
  });

  it('lists strategies by name in pages, with their latest version and image', async () => {
    const all: { name: string; latestVersion: number | null }[] = [];
    let cursor: string | undefined;
    do {
      const res = await call(app, 'GET', `/api/v1/strategies?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { auth: viewer() });
      expect(res.status).toBe(200);
      expect(res.body!.items.length).toBeLessThanOrEqual(2);
      all.push(...res.body!.items);
      cursor = res.body!.nextCursor;
    } while (cursor);
    const names = all.map((s) => s.name);
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(names.length);
    expect(all.find((s) => s.name === 'paged')).toEqual({ name: 'paged', latestVersion: 3, image: IMAGE });
    // A cursor S3 rejects (InvalidArgument) is a 400; fauxqs accepts any token, so only the bound is checked here.
    expect((await call(app, 'GET', `/api/v1/strategies?cursor=${'x'.repeat(1025)}`)).status).toBe(400);
  });
});

describe('a strategy registered by an image deploy (no record)', () => {
  beforeAll(async () => {
    // What strategy-registration and strategy-registrar write.
    const file: StrategyConfigFile = { strategy: 'deployed', parameters: { fast: { type: 'number', min: 1, max: 9 } } };
    await fq.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'strategies/deployed/abc123.json', Body: JSON.stringify(file) }));
    await repo().append({ strategy: 'deployed', config_key: 'strategies/deployed/abc123.json', image: IMAGE, image_tag: 'abc123', created_at: '2026-11-30T00:00:00Z', source: 'strategy-registrar', model_name: 'deployed', model_version: '4' });
  });

  it('shows its config file parameters and image, refuses a create, and checks PUTs against its specs', async () => {
    expect((await call(app, 'GET', '/api/v1/strategies/deployed')).body).toMatchObject({ parameters: { fast: { type: 'number', min: 1, max: 9 } }, image: IMAGE, latestVersion: { version: 1, imageTag: 'abc123' } });
    expect((await call(app, 'POST', '/api/v1/strategies', { body: { name: 'deployed' } })).body!.detail).toBe('strategy deployed already exists (config version 1)');
    expect((await call(app, 'PUT', '/api/v1/strategies/deployed/config', { body: { parameters: { fast: 10 } } })).status).toBe(400);
    const ok = await call(app, 'PUT', '/api/v1/strategies/deployed/config', { body: { parameters: { fast: 9 } } });
    // Same image: its tag and the pinned model carry over to the new version.
    expect(ok.body!.version).toMatchObject({ version: 2, image: IMAGE, imageTag: 'abc123', modelName: 'deployed', modelVersion: '4' });
  });
});

describe('auth on every route', () => {
  const routes: ['GET' | 'POST' | 'PUT', string, unknown, 'read' | 'write'][] = [
    ['GET', '/api/v1/strategies', undefined, 'read'],
    ['POST', '/api/v1/strategies', { name: 'authz' }, 'write'],
    ['GET', '/api/v1/strategies/paged', undefined, 'read'],
    ['PUT', '/api/v1/strategies/paged/config', {}, 'write'],
    ['GET', '/api/v1/strategies/paged/versions', undefined, 'read'],
  ];

  it('answers 401 without or with an invalid token, before validating anything', async () => {
    for (const [method, url, body] of routes) {
      expect((await call(app, method, url, { auth: '', body })).status, `${method} ${url}`).toBe(401);
      const forged = await call(app, method, url, { auth: `Bearer ${idp.userToken(['admin'], { exp: 1 })}`, body: { malformed: true } });
      expect(forged.status, `${method} ${url}`).toBe(401);
      expect(forged.body!.detail).toMatch(/expired/i);
    }
  });

  it('answers 403 for the wrong group or scope and admits the right one', async () => {
    for (const [method, url, body, kind] of routes) {
      if (kind === 'write') {
        expect((await call(app, method, url, { auth: viewer(), body })).status, `${method} ${url} viewer`).toBe(403);
        expect((await call(app, method, url, { auth: `Bearer ${idp.m2mToken(['strategies.read', 'backtests.write'])}`, body })).status, `${method} ${url} m2m read`).toBe(403);
      } else {
        expect((await call(app, method, url, { auth: `Bearer ${idp.userToken([])}`, body })).status, `${method} ${url} no group`).toBe(403);
        expect((await call(app, method, url, { auth: `Bearer ${idp.m2mToken(['backtests.read'])}`, body })).status, `${method} ${url} m2m backtests`).toBe(403);
        expect((await call(app, method, url, { auth: `Bearer ${idp.m2mToken(['strategies.read'])}`, body })).status, `${method} ${url} m2m read`).toBe(200);
      }
    }
    const m2mCreate = await call(app, 'POST', '/api/v1/strategies', { auth: `Bearer ${idp.m2mToken(['strategies.write'])}`, body: { name: 'by-ci' } });
    expect(m2mCreate.status).toBe(201);
  });
});

describe('downstream outage', () => {
  const deadS3 = () => new S3Client({ ...LOCAL_AWS, endpoint: deadEndpoint, forcePathStyle: true, maxAttempts: 1 });
  const deadDoc = () => createDocumentClient(new DynamoDBClient({ ...LOCAL_AWS, endpoint: deadEndpoint, maxAttempts: 1 }));

  it('answers 503 on every route when S3 is down, and appends no version', async () => {
    const down = await buildStrategyService(config(), { s3: deadS3(), doc: db.doc });
    const before = (await repo().latest('paged'))!.version;
    for (const [method, url, body] of [
      ['GET', '/api/v1/strategies', undefined],
      ['POST', '/api/v1/strategies', { name: 'during-outage' }],
      ['GET', '/api/v1/strategies/paged', undefined],
      ['PUT', '/api/v1/strategies/paged/config', { parameters: { fast: 8 } }],
    ] as const) {
      const res = await call(down, method, url, { body });
      expect(res.status, `${method} ${url}`).toBe(503);
      expect(res.type).toMatch(/application\/problem\+json/);
      expect(res.body!.detail).toMatch(/the configs bucket \(S3\) is unavailable/);
    }
    await down.close();
    expect((await repo().latest('paged'))!.version).toBe(before);
  });

  it('answers 503 on every route when DynamoDB is down, and writes no strategy record', async () => {
    const down = await buildStrategyService(config(), { s3: fq.s3, doc: deadDoc() });
    for (const [method, url, body] of [
      ['GET', '/api/v1/strategies', undefined],
      ['POST', '/api/v1/strategies', { name: 'during-ddb-outage' }],
      ['GET', '/api/v1/strategies/paged', undefined],
      ['PUT', '/api/v1/strategies/paged/config', { parameters: { fast: 8 } }],
      ['GET', '/api/v1/strategies/paged/versions', undefined],
    ] as const) {
      const res = await call(down, method, url, { body });
      expect(res.status, `${method} ${url}`).toBe(503);
      expect(res.body!.detail).toMatch(/the config_versions table \(DynamoDB\) is unavailable/);
    }
    await down.close();
    expect(await objectKeys('strategies/during-ddb-outage/')).toEqual([]);
  });
});
