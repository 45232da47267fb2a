import { ConflictError, NotFoundError, StrategyConfigFile, ValidationError, type ConfigVersionItem, type ParameterSpec } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import type { StrategyRecord, StrategyStore } from './store.js';
import { configFileFor, configObject, Strategies, versionView } from './strategies.js';
import { strategyServiceConfig } from './config.js';

describe('config files (pure)', () => {
  const specs: Record<string, ParameterSpec> = { fast: { type: 'number', min: 1, max: 9, default: 3 }, mode: { type: 'string', enum: ['a', 'b'] } };

  it('sets each chosen value as the default of its spec and keeps the bounds', () => {
    const file = configFileFor('s', specs, { fast: 5 }, { exchange: 'kraken' });
    expect(file).toEqual({ strategy: 's', exchange: 'kraken', parameters: { fast: { type: 'number', min: 1, max: 9, default: 5 }, mode: { type: 'string', enum: ['a', 'b'] } } });
    expect(StrategyConfigFile.parse(file)).toEqual(file);
  });

  it('names the object by its content: same content same key, other content other key', () => {
    const a = configObject(configFileFor('s', specs, { fast: 5 }, {}));
    expect(a.key).toMatch(/^strategies\/s\/configs\/[a-f0-9]{32}\.json$/);
    expect(configObject(configFileFor('s', specs, { fast: 5 }, {})).key).toBe(a.key);
    expect(configObject(configFileFor('s', specs, { fast: 6 }, {})).key).not.toBe(a.key);
    expect(JSON.parse(a.body)).toEqual(configFileFor('s', specs, { fast: 5 }, {}));
  });

  it('maps a table row to the camelCase API view, leaving out unset fields', () => {
    expect(versionView({ strategy: 's', version: 2, config_key: 'k', image: 'i', created_at: 't', source: 'rollback', restored_from: 1 })).toEqual({
      strategy: 's',
      version: 2,
      configKey: 'k',
      image: 'i',
      createdAt: 't',
      source: 'rollback',
      restoredFrom: 1,
    });
  });
});

describe('strategyServiceConfig', () => {
  const env = { CONFIGS_BUCKET: 'b', CONFIG_VERSIONS_TABLE: 't', COGNITO_USER_POOL_ID: 'eu-central-1_Abc', COGNITO_CLIENT_IDS: 'web,m2m' };

  it('reads the bucket, the table, the user pool and the port of SERVICE_ENDPOINTS', () => {
    const cfg = strategyServiceConfig(env);
    expect(cfg).toMatchObject({ configsBucket: 'b', configVersionsTable: 't', service: { name: 'strategy-service', port: 8003, healthPath: '/health' } });
    expect(cfg.auth).toEqual({
      issuer: 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Abc',
      jwksUri: 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Abc/.well-known/jwks.json',
      clientIds: ['web', 'm2m'],
    });
  });

  it('names each missing variable', () => {
    for (const name of Object.keys(env)) {
      const rest = Object.fromEntries(Object.entries(env).filter(([k]) => k !== name));
      expect(() => strategyServiceConfig(rest), name).toThrow(name);
    }
  });
});

describe('config files and version views: fields left out are absent, not undefined', () => {
  const specs: Record<string, ParameterSpec> = { fast: { type: 'number', min: 1, max: 9, default: 3 }, mode: { type: 'string', enum: ['a', 'b'] } };
  const training = { symbols: ['BTC/USDT'], timeframe: '1h', lookbackDays: 30 } as never;

  it('keeps a spec without a chosen value as declared and adds only the extras given', () => {
    const bare = configFileFor('s', specs, {}, {});
    expect(bare).toStrictEqual({ strategy: 's', parameters: specs });
    expect(Object.keys(bare.parameters['mode']!)).toEqual(['type', 'enum']);
    expect(configFileFor('s', specs, { mode: 'b' }, { training })).toStrictEqual({
      strategy: 's',
      parameters: { fast: specs['fast'], mode: { type: 'string', enum: ['a', 'b'], default: 'b' } },
      training,
    });
  });

  it('shows every optional field of a row when set and none when unset', () => {
    const base: ConfigVersionItem = { strategy: 's', version: 1, config_key: 'k', image: 'i', created_at: 't', source: 'strategy-service' };
    expect(versionView(base)).toStrictEqual({ strategy: 's', version: 1, configKey: 'k', image: 'i', createdAt: 't', source: 'strategy-service' });
    expect(versionView({ ...base, image_tag: 'v1', git_sha: 'abc', model_name: 'm', model_version: '2', restored_from: 0 })).toStrictEqual({
      strategy: 's',
      version: 1,
      configKey: 'k',
      image: 'i',
      createdAt: 't',
      source: 'strategy-service',
      imageTag: 'v1',
      gitSha: 'abc',
      modelName: 'm',
      modelVersion: '2',
      restoredFrom: 0,
    });
  });
});

/** An in-memory StrategyStore: records, config versions, objects, and how often each read ran. */
class FakeStore {
  records = new Map<string, StrategyRecord>();
  rows: ConfigVersionItem[] = [];
  objects = new Map<string, string>();
  created: StrategyRecord[] = [];
  appended: Omit<ConfigVersionItem, 'version'>[] = [];
  recordReads = 0;
  page: { names: string[]; nextCursor?: string } = { names: [] };
  versionRows: ConfigVersionItem[] | undefined;
  async readObject(key: string) {
    return this.objects.get(key);
  }
  async record(name: string) {
    this.recordReads++;
    return this.records.get(name);
  }
  async latest(name: string) {
    return this.rows.filter((r) => r.strategy === name).at(-1);
  }
  async createRecord(rec: StrategyRecord) {
    this.created.push(rec);
  }
  async putObject(key: string, body: string) {
    this.objects.set(key, body);
  }
  async names() {
    return this.page;
  }
  async versions(name: string, limit: number) {
    return (this.versionRows ?? this.rows.filter((r) => r.strategy === name).reverse()).slice(0, limit);
  }
  async append(item: Omit<ConfigVersionItem, 'version'>) {
    this.appended.push(item);
    const row = { ...item, version: this.rows.filter((r) => r.strategy === item.strategy).length + 1 };
    this.rows.push(row);
    return row;
  }
}

describe('Strategies over a store', () => {
  const NOW = new Date('2026-12-01T10:00:00Z');
  const IMG = `repo@sha256:${'a'.repeat(64)}`;
  const IMG2 = `repo@sha256:${'b'.repeat(64)}`;
  const SPECS: Record<string, ParameterSpec> = { fast: { type: 'number', min: 2, max: 50, default: 10 } };
  const setup = () => {
    const store = new FakeStore();
    return { store, strategies: new Strategies(store as unknown as StrategyStore, () => NOW) };
  };
  const row = (version: number, extra: Partial<ConfigVersionItem> = {}): ConfigVersionItem => ({
    strategy: 'dep',
    version,
    config_key: `strategies/dep/c${version}.json`,
    image: IMG,
    created_at: 't',
    source: 'strategy-registrar',
    ...extra,
  });

  it('creates a record without the optional fields it was not given', async () => {
    const { store, strategies } = setup();
    const out = await strategies.create({ name: 'bare', parameters: {} });
    expect(store.created).toStrictEqual([{ name: 'bare', parameters: {}, createdAt: '2026-12-01T10:00:00.000Z' }]);
    expect(out).toStrictEqual({ name: 'bare', parameters: {}, image: null, createdAt: '2026-12-01T10:00:00.000Z', latestVersion: null });
    await strategies.create({ name: 'full', description: 'd', parameters: SPECS, image: IMG });
    expect(store.created[1]).toStrictEqual({ name: 'full', parameters: SPECS, createdAt: '2026-12-01T10:00:00.000Z', description: 'd', image: IMG });
  });

  it('refuses to create over registered versions, naming the latest one', async () => {
    const { store, strategies } = setup();
    store.rows.push(row(1), row(2));
    const err = await strategies.create({ name: 'dep', parameters: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as Error).message).toBe('strategy dep already exists (config version 2)');
  });

  it('answers 404 naming the config file when a deployed strategy lost its latest config file', async () => {
    const { store, strategies } = setup();
    store.rows.push(row(1));
    const err = await strategies.get('dep').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toBe('config file strategies/dep/c1.json of dep v1 does not exist');
  });

  it('names the config file that does not parse', async () => {
    const { store, strategies } = setup();
    store.rows.push(row(1));
    store.objects.set('strategies/dep/c1.json', '{"strategy": "dep"');
    await expect(strategies.get('dep')).rejects.toThrow(/invalid strategy config strategies\/dep\/c1\.json/);
  });

  it('lists names with description only when the record has one, and the next cursor only when given', async () => {
    const { store, strategies } = setup();
    store.records.set('a', { name: 'a', parameters: {}, createdAt: 't', description: 'alpha', image: IMG });
    store.records.set('b', { name: 'b', parameters: {}, createdAt: 't' });
    store.page = { names: ['a', 'b'], nextCursor: 'tok' };
    expect(await strategies.list(2)).toStrictEqual({
      items: [
        { name: 'a', latestVersion: null, image: IMG, description: 'alpha' },
        { name: 'b', latestVersion: null, image: null },
      ],
      nextCursor: 'tok',
    });
    store.page = { names: [] };
    expect(await strategies.list(2)).toStrictEqual({ items: [] });
  });

  it('names the request field in both the error path and its issues when a parameter does not fit', async () => {
    const { store, strategies } = setup();
    store.records.set('s', { name: 's', parameters: SPECS, createdAt: 't', image: IMG });
    const err = (await strategies.putConfig('s', { parameters: { fast: 51 } }).catch((e: unknown) => e)) as ValidationError;
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.path).toBe('body.parameters.fast');
    expect(err.issues).toEqual([{ path: 'body.parameters.fast', message: err.message }]);
    expect(err.message).toMatch(/must be <= 50/);
    expect(store.appended).toEqual([]);
  });

  it('carries the image tag over only when the image stays the same and had one', async () => {
    const { store, strategies } = setup();
    store.rows.push(row(1, { image_tag: 'v1' }));
    store.objects.set('strategies/dep/c1.json', JSON.stringify({ strategy: 'dep', parameters: SPECS }));
    await strategies.putConfig('dep', { parameters: {} });
    expect(store.appended[0]).toMatchObject({ image: IMG, image_tag: 'v1' });
    await strategies.putConfig('dep', { parameters: {}, image: IMG2 });
    expect(store.appended[1]!.image).toBe(IMG2);
    expect(store.appended[1]).not.toHaveProperty('image_tag');
    // Same image again (IMG2), but the latest version has no tag: none is added.
    const out = await strategies.putConfig('dep', { parameters: {} });
    expect(store.appended[2]).toStrictEqual({ strategy: 'dep', config_key: store.appended[2]!.config_key, image: IMG2, created_at: '2026-12-01T10:00:00.000Z', source: 'strategy-service' });
    expect(Object.keys(out.version)).not.toContain('imageTag');
  });

  it('pages versions: a next cursor only when more rows than the limit came back', async () => {
    const { store, strategies } = setup();
    store.rows.push(row(1), row(2), row(3));
    store.versionRows = [row(3), row(2)];
    expect((await strategies.versions('dep', 2)).nextCursor).toBeUndefined();
    store.versionRows = [row(3), row(2), row(1)];
    const page = await strategies.versions('dep', 2);
    expect(page.items.map((v) => v.version)).toEqual([3, 2]);
    expect(page.nextCursor).toBe('2');
  });

  it('checks that the strategy exists only for an empty first page', async () => {
    const { store, strategies } = setup();
    store.versionRows = [];
    // A later page past the end is empty, even for a name that is unknown: no lookup.
    expect(await strategies.versions('ghost', 2, '5')).toStrictEqual({ items: [] });
    expect(store.recordReads).toBe(0);
    await expect(strategies.versions('ghost', 2)).rejects.toThrow('unknown strategy ghost');
    expect(store.recordReads).toBe(1);
    store.versionRows = [row(1)];
    store.rows.push(row(1));
    expect((await strategies.versions('dep', 2)).items).toHaveLength(1);
    expect(store.recordReads).toBe(1);
  });
});
