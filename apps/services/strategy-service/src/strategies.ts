import { createHash } from 'node:crypto';
import {
  checkParameters,
  ConflictError,
  NotFoundError,
  parseJsonEvent,
  StrategyConfigFile,
  ValidationError,
  type ConfigVersionItem,
  type ParameterSpec,
  type ParameterValue,
} from '@tradai/domain';
import type * as z from 'zod/mini';
import type { ConfigResult, CreateStrategyBody, PutConfigBody, Strategy, StrategyList, Version, VersionList } from './schemas.js';
import { STRATEGIES_PREFIX, type StrategyRecord, type StrategyStore } from './store.js';

/** Who wrote a config version (a PUT of its config through the API). */
export const CONFIG_VERSION_SOURCE: ConfigVersionItem['source'] = 'strategy-service';

/** The API view of a config_versions row. */
export function versionView(v: ConfigVersionItem): Version {
  return {
    strategy: v.strategy,
    version: v.version,
    configKey: v.config_key,
    image: v.image,
    createdAt: v.created_at,
    source: v.source,
    ...(v.image_tag !== undefined ? { imageTag: v.image_tag } : {}),
    ...(v.git_sha !== undefined ? { gitSha: v.git_sha } : {}),
    ...(v.model_name !== undefined ? { modelName: v.model_name } : {}),
    ...(v.model_version !== undefined ? { modelVersion: v.model_version } : {}),
    ...(v.restored_from !== undefined ? { restoredFrom: v.restored_from } : {}),
  };
}

/**
 * The config file of a new version (pure): the declared specs with each `default` replaced by the
 * value chosen for this version. A run reads it like any config file, so validate-strategy checks
 * a backtest's parameters against the same bounds and fills unset ones with these values.
 */
export function configFileFor(
  name: string,
  specs: Readonly<Record<string, ParameterSpec>>,
  values: Readonly<Record<string, ParameterValue>>,
  extra: Pick<PutConfigBody, 'exchange' | 'training'>,
): StrategyConfigFile {
  const parameters = Object.fromEntries(
    Object.entries(specs).map(([k, spec]) => [k, values[k] === undefined ? spec : ({ ...spec, default: values[k] } as ParameterSpec)]),
  );
  return {
    strategy: name,
    parameters,
    ...(extra.exchange !== undefined ? { exchange: extra.exchange } : {}),
    ...(extra.training !== undefined ? { training: extra.training } : {}),
  };
}

/** `strategies/<name>/configs/<sha256>.json` and its body: the key is the content's hash, so it never changes meaning. */
export function configObject(file: StrategyConfigFile): { key: string; body: string } {
  const body = `${JSON.stringify(file, null, 2)}\n`;
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 32);
  return { key: `${STRATEGIES_PREFIX}${file.strategy}/configs/${hash}.json`, body };
}

/** Operations of the strategy routes over a {@link StrategyStore}. */
export class Strategies {
  constructor(
    private readonly store: StrategyStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The declared parameters: the record's, else (a deploy-registered strategy) its latest config file's. */
  private async declared(name: string, rec: StrategyRecord | undefined, latest: ConfigVersionItem | undefined): Promise<Record<string, ParameterSpec>> {
    if (rec) return { ...rec.parameters };
    if (!latest) return {};
    const text = await this.store.readObject(latest.config_key);
    if (text === undefined) throw new NotFoundError(`config file ${latest.config_key} of ${name} v${latest.version} does not exist`);
    return parseJsonEvent(StrategyConfigFile, text, `strategy config ${latest.config_key}`).parameters;
  }

  private async load(name: string) {
    const [rec, latest] = await Promise.all([this.store.record(name), this.store.latest(name)]);
    if (!rec && !latest) throw new NotFoundError(`unknown strategy ${name}: create it with POST /api/v1/strategies`);
    return { rec, latest };
  }

  async get(name: string): Promise<Strategy> {
    const { rec, latest } = await this.load(name);
    return {
      name,
      parameters: await this.declared(name, rec, latest),
      image: latest?.image ?? rec?.image ?? null,
      latestVersion: latest ? versionView(latest) : null,
      ...(rec?.description !== undefined ? { description: rec.description } : {}),
      ...(rec ? { createdAt: rec.createdAt } : {}),
    };
  }

  async list(limit: number, cursor?: string): Promise<z.output<typeof StrategyList>> {
    const page = await this.store.names(limit, cursor);
    const items = await Promise.all(
      page.names.map(async (name) => {
        const [rec, latest] = await Promise.all([this.store.record(name), this.store.latest(name)]);
        return {
          name,
          latestVersion: latest?.version ?? null,
          image: latest?.image ?? rec?.image ?? null,
          ...(rec?.description !== undefined ? { description: rec.description } : {}),
        };
      }),
    );
    return { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  }

  /** Creates the record; a strategy that exists (record or registered versions) is a 409. */
  async create(body: CreateStrategyBody): Promise<Strategy> {
    const [rec, latest] = await Promise.all([this.store.record(body.name), this.store.latest(body.name)]);
    if (rec || latest) throw new ConflictError(`strategy ${body.name} already exists${latest ? ` (config version ${latest.version})` : ''}`);
    const record: StrategyRecord = {
      name: body.name,
      parameters: body.parameters,
      createdAt: this.now().toISOString(),
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.image !== undefined ? { image: body.image } : {}),
    };
    await this.store.createRecord(record);
    return {
      name: record.name,
      parameters: { ...record.parameters },
      image: record.image ?? null,
      createdAt: record.createdAt,
      latestVersion: null,
      ...(record.description !== undefined ? { description: record.description } : {}),
    };
  }

  /**
   * Adds the next config version: parameters checked against the declared specs (checkParameters,
   * as validate-strategy does), the config file written first, then the version appended with a
   * conditional put. A failed append leaves only an unreferenced, content-named file.
   */
  async putConfig(name: string, body: PutConfigBody): Promise<z.output<typeof ConfigResult>> {
    const { rec, latest } = await this.load(name);
    const specs = await this.declared(name, rec, latest);
    let values: Record<string, ParameterValue>;
    try {
      values = checkParameters(specs, body.parameters);
    } catch (err) {
      if (err instanceof ValidationError) throw new ValidationError(err.message, `body.${err.path}`, [{ path: `body.${err.path}`, message: err.message }]);
      throw err;
    }
    const image = body.image ?? latest?.image ?? rec?.image;
    if (!image) throw new ConflictError(`strategy ${name} has no image yet: pass "image" (pinned by digest) or deploy one`);
    const file = configFileFor(name, specs, values, body);
    const { key, body: text } = configObject(file);
    await this.store.putObject(key, text);
    const sameImage = latest?.image === image;
    const version = await this.store.append({
      strategy: name,
      config_key: key,
      image,
      created_at: this.now().toISOString(),
      source: CONFIG_VERSION_SOURCE,
      // A config change keeps what the image and the model were; only a new image drops its tag.
      ...(sameImage && latest?.image_tag !== undefined ? { image_tag: latest.image_tag } : {}),
      ...(latest?.model_name !== undefined ? { model_name: latest.model_name } : {}),
      ...(latest?.model_version !== undefined ? { model_version: latest.model_version } : {}),
    });
    return { version: versionView(version), parameters: values };
  }

  /** Versions newest first; the cursor is the last version of the previous page. */
  async versions(name: string, limit: number, cursor?: string): Promise<z.output<typeof VersionList>> {
    const before = cursor === undefined ? undefined : Number(cursor);
    const rows = await this.store.versions(name, limit + 1, before);
    if (rows.length === 0 && before === undefined) await this.load(name);
    const page = rows.slice(0, limit);
    return { items: page.map(versionView), ...(rows.length > limit ? { nextCursor: String(page[page.length - 1]!.version) } : {}) };
  }
}
