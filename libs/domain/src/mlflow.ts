import * as z from 'zod/mini';
import { parseEvent } from './schemas/parse.js';

/** An MLflow REST error (HTTP status + MLflow `error_code`), or a network failure / timeout (status 0). */
export class MlflowError extends Error {
  override readonly name = 'MlflowError';
  constructor(
    message: string,
    readonly status: number,
    readonly errorCode?: string,
  ) {
    super(message);
  }
}

const ModelVersion = z.looseObject({
  name: z.string(),
  version: z.string(),
  run_id: z.optional(z.string()),
  status: z.optional(z.string()),
  current_stage: z.optional(z.string()),
  aliases: z.optional(z.array(z.string())),
});
export type ModelVersion = z.output<typeof ModelVersion>;

const Run = z.object({
  run: z.object({
    info: z.looseObject({ run_id: z.string() }),
    data: z.looseObject({ metrics: z._default(z.array(z.looseObject({ key: z.string(), value: z.number() })), []) }),
  }),
});

/** A run reduced to what drift/compare logic reads. */
export interface RunSummary {
  readonly runId: string;
  readonly experimentId: string;
  /** Latest value per metric key. */
  readonly metrics: Record<string, number>;
}

const RunWithExperiment = z.object({
  run: z.object({
    info: z.looseObject({ run_id: z.string(), experiment_id: z.string() }),
    data: z._default(z.looseObject({ metrics: z._default(z.array(z.looseObject({ key: z.string(), value: z.number() })), []) }), { metrics: [] }),
  }),
});

const RegisteredModelBody = z.looseObject({
  name: z.string(),
  description: z.optional(z.string()),
  last_updated_timestamp: z.optional(z.union([z.number(), z.string()])),
  aliases: z.optional(z.array(z.looseObject({ alias: z.string(), version: z.string() }))),
  latest_versions: z.optional(z.array(z.looseObject({ version: z.string() }))),
});

/** A registered model as `registered-models/search` lists it. */
export interface RegisteredModel {
  readonly name: string;
  readonly description?: string;
  /** Epoch milliseconds. */
  readonly lastUpdatedTimestamp?: number;
  /** alias -> version (`champion` -> `3`). */
  readonly aliases: Readonly<Record<string, string>>;
  /** Latest version per stage, as MLflow reports them. */
  readonly latestVersions: readonly string[];
}

type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

/** MLflow alias marking the model version in service (compare-models reads it, promote-model and rollback move it). */
export const CHAMPION_ALIAS = 'champion';

/**
 * Minimal client for the MLflow model registry REST API (2.x), over fetch. `baseUrl` is the
 * tracking URI (`http://mlflow.<namespace>:5000/mlflow`, its static prefix included).
 * @see https://mlflow.org/docs/latest/rest-api.html
 */
export class MlflowClient {
  constructor(
    readonly baseUrl: string,
    private readonly fetchImpl: FetchLike = (url, init) => fetch(url, init),
    private readonly timeoutMs = 5000,
  ) {}

  private async call(method: 'GET' | 'POST', path: string, params: Record<string, string | number> | Record<string, unknown>): Promise<unknown> {
    const base = this.baseUrl.replace(/\/+$/, '');
    let url = `${base}/api/2.0/mlflow/${path}`;
    const init: RequestInit = { method, signal: AbortSignal.timeout(this.timeoutMs), headers: { accept: 'application/json' } };
    if (method === 'GET') url += `?${new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]))}`;
    else {
      init.body = JSON.stringify(params);
      init.headers = { ...init.headers, 'content-type': 'application/json' };
    }
    let res: Response;
    try {
      res = await this.fetchImpl(url, init);
    } catch (err) {
      throw new MlflowError(`MLflow ${method} ${path} failed: ${(err as Error).message}`, 0);
    }
    const text = await res.text();
    let body: unknown = {};
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = { message: text.slice(0, 200) };
    }
    if (!res.ok) {
      const b = body as { error_code?: string; message?: string };
      throw new MlflowError(`MLflow ${method} ${path} -> ${res.status} ${b.error_code ?? ''} ${b.message ?? ''}`.trim(), res.status, b.error_code);
    }
    return body;
  }

  /** One model version. */
  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    const body = await this.call('GET', 'model-versions/get', { name, version });
    return parseEvent(z.object({ model_version: ModelVersion }), body, 'MLflow model-versions/get response').model_version;
  }

  /** The version an alias points at (`champion`), or undefined when the alias is not set. */
  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion | undefined> {
    try {
      const body = await this.call('GET', 'registered-models/alias', { name, alias });
      return parseEvent(z.object({ model_version: ModelVersion }), body, 'MLflow registered-models/alias response').model_version;
    } catch (err) {
      if (err instanceof MlflowError && (err.status === 404 || err.errorCode === 'RESOURCE_DOES_NOT_EXIST' || err.errorCode === 'INVALID_PARAMETER_VALUE')) {
        return undefined;
      }
      throw err;
    }
  }

  /** The highest-numbered version of a registered model (the one training registered last). */
  async latestVersion(name: string): Promise<ModelVersion | undefined> {
    const versions: ModelVersion[] = [];
    let pageToken: string | undefined;
    do {
      const body = await this.call('GET', 'model-versions/search', {
        filter: `name='${name.replaceAll("'", "\\'")}'`,
        max_results: 200,
        ...(pageToken ? { page_token: pageToken } : {}),
      });
      const page = parseEvent(
        z.object({ model_versions: z._default(z.array(ModelVersion), []), next_page_token: z.optional(z.string()) }),
        body,
        'MLflow model-versions/search response',
      );
      versions.push(...page.model_versions);
      pageToken = page.next_page_token || undefined;
    } while (pageToken);
    return versions.sort((a, b) => Number(b.version) - Number(a.version))[0];
  }

  /** Every registered model with its aliases (`registered-models/search`, all pages). */
  async searchRegisteredModels(): Promise<RegisteredModel[]> {
    const models: RegisteredModel[] = [];
    let pageToken: string | undefined;
    do {
      const body = await this.call('GET', 'registered-models/search', { max_results: 1000, ...(pageToken ? { page_token: pageToken } : {}) });
      const page = parseEvent(
        z.object({ registered_models: z._default(z.array(RegisteredModelBody), []), next_page_token: z.optional(z.string()) }),
        body,
        'MLflow registered-models/search response',
      );
      models.push(
        ...page.registered_models.map((m) => ({
          name: m.name,
          ...(m.description ? { description: m.description } : {}),
          ...(m.last_updated_timestamp !== undefined ? { lastUpdatedTimestamp: Number(m.last_updated_timestamp) } : {}),
          aliases: Object.fromEntries((m.aliases ?? []).map((a) => [a.alias, a.version])),
          latestVersions: (m.latest_versions ?? []).map((v) => v.version),
        })),
      );
      pageToken = page.next_page_token || undefined;
    } while (pageToken);
    return models;
  }

  /** Latest value of each metric of a run. */
  async getRunMetrics(runId: string): Promise<Record<string, number>> {
    const body = await this.call('GET', 'runs/get', { run_id: runId });
    const run = parseEvent(Run, body, 'MLflow runs/get response');
    return Object.fromEntries(run.run.data.metrics.map((m) => [m.key, m.value]));
  }

  /** Points `alias` at `version` (moves it if set). */
  async setAlias(name: string, alias: string, version: string): Promise<void> {
    await this.call('POST', 'registered-models/alias', { name, alias, version });
  }

  /** Sets a tag on a model version. */
  async setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    await this.call('POST', 'model-versions/set-tag', { name, version, key, value });
  }

  /** A run's experiment and the latest value of each metric. */
  async getRun(runId: string): Promise<RunSummary> {
    const body = await this.call('GET', 'runs/get', { run_id: runId });
    const run = parseEvent(RunWithExperiment, body, 'MLflow runs/get response').run;
    return { runId: run.info.run_id, experimentId: run.info.experiment_id, metrics: Object.fromEntries(run.data.metrics.map((m) => [m.key, m.value])) };
  }

  /** Runs of the experiments matching an MLflow search `filter` (e.g. a tag), ordered as asked (newest first by default). */
  async searchRuns(experimentIds: readonly string[], filter: string, maxResults = 1, orderBy: readonly string[] = ['attributes.start_time DESC']): Promise<RunSummary[]> {
    const body = await this.call('POST', 'runs/search', { experiment_ids: experimentIds, filter, max_results: maxResults, order_by: orderBy });
    const page = parseEvent(z.object({ runs: z._default(z.array(RunWithExperiment.shape.run), []) }), body, 'MLflow runs/search response');
    return page.runs.map((r) => ({ runId: r.info.run_id, experimentId: r.info.experiment_id, metrics: Object.fromEntries(r.data.metrics.map((m) => [m.key, m.value])) }));
  }

  /** Id of the experiment named `name`, created when absent (a training run's first use). */
  async getOrCreateExperiment(name: string): Promise<string> {
    try {
      const body = await this.call('GET', 'experiments/get-by-name', { experiment_name: name });
      return parseEvent(z.object({ experiment: z.looseObject({ experiment_id: z.string() }) }), body, 'MLflow experiments/get-by-name response').experiment.experiment_id;
    } catch (err) {
      if (!(err instanceof MlflowError && (err.status === 404 || err.errorCode === 'RESOURCE_DOES_NOT_EXIST'))) throw err;
    }
    const body = await this.call('POST', 'experiments/create', { name });
    return parseEvent(z.object({ experiment_id: z.string() }), body, 'MLflow experiments/create response').experiment_id;
  }

  /** Starts a run; `artifactUri` is where MLflow expects its artifacts (absent on some servers). */
  async createRun(experimentId: string, opts: { runName?: string; tags?: Readonly<Record<string, string>>; startTime?: number } = {}): Promise<{ runId: string; artifactUri?: string }> {
    const body = await this.call('POST', 'runs/create', {
      experiment_id: experimentId,
      start_time: opts.startTime ?? Date.now(),
      ...(opts.runName ? { run_name: opts.runName } : {}),
      tags: Object.entries(opts.tags ?? {}).map(([key, value]) => ({ key, value })),
    });
    const info = parseEvent(z.object({ run: z.object({ info: z.looseObject({ run_id: z.string(), artifact_uri: z.optional(z.string()) }) }) }), body, 'MLflow runs/create response').run.info;
    return { runId: info.run_id, ...(info.artifact_uri ? { artifactUri: info.artifact_uri } : {}) };
  }

  /** Logs metrics, params and tags, in as many log-batch calls as MLflow's limits (1000 metrics, 100 params) need. */
  async logBatch(runId: string, data: { metrics?: Readonly<Record<string, number>>; params?: Readonly<Record<string, string>>; tags?: Readonly<Record<string, string>> }, timestamp = Date.now()): Promise<void> {
    const metrics = Object.entries(data.metrics ?? {}).map(([key, value]) => ({ key, value, timestamp, step: 0 }));
    const params = Object.entries(data.params ?? {}).map(([key, value]) => ({ key, value }));
    const tags = Object.entries(data.tags ?? {}).map(([key, value]) => ({ key, value }));
    const calls = Math.max(1, Math.ceil(metrics.length / 1000), Math.ceil(params.length / 100));
    for (let i = 0; i < calls; i++) {
      await this.call('POST', 'runs/log-batch', {
        run_id: runId,
        metrics: metrics.slice(i * 1000, (i + 1) * 1000),
        params: params.slice(i * 100, (i + 1) * 100),
        tags: i === 0 ? tags : [],
      });
    }
  }

  /** Ends a run. */
  async finishRun(runId: string, status: 'FINISHED' | 'FAILED' | 'KILLED' = 'FINISHED', endTime = Date.now()): Promise<void> {
    await this.call('POST', 'runs/update', { run_id: runId, status, end_time: endTime });
  }

  /** Registers `source` (the model's artifact location) of `runId` as the next version of `name`, creating the registered model if needed. */
  async createModelVersion(name: string, source: string, runId: string): Promise<ModelVersion> {
    try {
      await this.call('POST', 'registered-models/create', { name });
    } catch (err) {
      if (!(err instanceof MlflowError && err.errorCode === 'RESOURCE_ALREADY_EXISTS')) throw err;
    }
    const body = await this.call('POST', 'model-versions/create', { name, source, run_id: runId });
    return parseEvent(z.object({ model_version: ModelVersion }), body, 'MLflow model-versions/create response').model_version;
  }
}
