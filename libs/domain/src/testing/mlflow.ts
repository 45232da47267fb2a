import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeModelVersion {
  version: string;
  run_id: string;
  /** Artifact location the version was registered with (model-versions/create). */
  source?: string;
  tags?: Record<string, string>;
}

/** State of the fake registry; tests read and change it directly. */
export interface FakeMlflowState {
  /** model name -> versions */
  models: Record<string, FakeModelVersion[]>;
  /** model name -> alias -> version */
  aliases: Record<string, Record<string, string>>;
  /** run id -> metric -> value */
  runs: Record<string, Record<string, number>>;
  /** experiment name -> id (experiments/create, runs/create). */
  experiments?: Record<string, string>;
  /** run id -> what a training run logged besides metrics (runs/create, runs/log-batch, runs/update). */
  runInfo?: Record<string, { experimentId: string; runName?: string; params: Record<string, string>; tags: Record<string, string>; status: string }>;
  /** When set, every request answers this HTTP status (an outage). */
  failWith?: number;
  /** Every request seen: `METHOD path?query` plus the JSON body for POSTs. */
  requests: { method: string; path: string; body?: unknown }[];
}

export interface FakeMlflow {
  /** Tracking URI including the `/mlflow` static prefix, like getMlflowTrackingUri. */
  readonly url: string;
  readonly state: FakeMlflowState;
  stop(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const notFound = (res: ServerResponse, what: string) => send(res, 404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `${what} not found` });

async function readBody(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
}

/**
 * A tiny MLflow model-registry REST server on a random 127.0.0.1 port: the endpoints MlflowClient
 * uses (model-versions get/search/set-tag/create, registered-models search, alias get/set and create, runs
 * get, and the tracking calls of a training run: experiments get-by-name/create, runs
 * create/log-batch/update), with MLflow's error shape. No network beyond loopback.
 */
export async function startFakeMlflow(initial: Partial<Omit<FakeMlflowState, 'requests'>> = {}): Promise<FakeMlflow> {
  const state: FakeMlflowState = { models: {}, aliases: {}, runs: {}, ...initial, requests: [] };
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = req.method === 'POST' ? await readBody(req) : undefined;
      state.requests.push({ method: req.method ?? 'GET', path: `${url.pathname}${url.search}`, body });
      if (state.failWith) return send(res, state.failWith, { error_code: 'INTERNAL_ERROR', message: 'injected failure' });
      const route = url.pathname.replace(/^\/mlflow\/api\/2\.0\/mlflow\//, '');
      const q = (k: string) => url.searchParams.get(k) ?? '';
      const version = (name: string, v: string) => state.models[name]?.find((m) => m.version === v);
      const view = (name: string, m: FakeModelVersion) => ({
        name,
        version: m.version,
        run_id: m.run_id,
        status: 'READY',
        aliases: Object.entries(state.aliases[name] ?? {}).filter(([, v]) => v === m.version).map(([a]) => a),
      });
      if (req.method === 'GET' && route === 'model-versions/get') {
        const m = version(q('name'), q('version'));
        return m ? send(res, 200, { model_version: view(q('name'), m) }) : notFound(res, `model version ${q('name')}/${q('version')}`);
      }
      if (req.method === 'GET' && route === 'registered-models/alias') {
        const v = state.aliases[q('name')]?.[q('alias')];
        const m = v ? version(q('name'), v) : undefined;
        return m ? send(res, 200, { model_version: view(q('name'), m) }) : notFound(res, `alias ${q('alias')}`);
      }
      if (req.method === 'POST' && route === 'registered-models/alias') {
        if (!version(body!.name!, body!.version!)) return notFound(res, `model version ${body!.name}/${body!.version}`);
        (state.aliases[body!.name!] ??= {})[body!.alias!] = body!.version!;
        return send(res, 200, {});
      }
      if (req.method === 'GET' && route === 'registered-models/search') {
        const registered_models = Object.entries(state.models).map(([name, versions]) => ({
          name,
          aliases: Object.entries(state.aliases[name] ?? {}).map(([alias, v]) => ({ alias, version: v })),
          latest_versions: versions.length ? [{ name, version: versions[versions.length - 1]!.version, current_stage: 'None' }] : [],
        }));
        return send(res, 200, { registered_models });
      }
      if (req.method === 'GET' && route === 'model-versions/search') {
        const name = /^name='(.*)'$/.exec(q('filter'))?.[1] ?? '';
        return send(res, 200, { model_versions: (state.models[name] ?? []).map((m) => view(name, m)) });
      }
      if (req.method === 'POST' && route === 'model-versions/set-tag') {
        const m = version(body!.name!, body!.version!);
        if (!m) return notFound(res, `model version ${body!.name}/${body!.version}`);
        (m.tags ??= {})[body!.key!] = body!.value!;
        return send(res, 200, {});
      }
      if (req.method === 'GET' && route === 'runs/get') {
        const metrics = state.runs[q('run_id')];
        if (!metrics) return notFound(res, `run ${q('run_id')}`);
        const info = state.runInfo?.[q('run_id')];
        return send(res, 200, {
          run: {
            info: { run_id: q('run_id'), experiment_id: info?.experimentId ?? '0', status: info?.status ?? 'FINISHED' },
            data: { metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: 0, step: 0 })) },
          },
        });
      }
      // Tracking: what a training run calls.
      const experiments = (state.experiments ??= {});
      const runInfo = (state.runInfo ??= {});
      const b = body as Record<string, unknown> | undefined;
      if (req.method === 'GET' && route === 'experiments/get-by-name') {
        const id = experiments[q('experiment_name')];
        return id ? send(res, 200, { experiment: { experiment_id: id, name: q('experiment_name') } }) : notFound(res, `experiment ${q('experiment_name')}`);
      }
      if (req.method === 'POST' && route === 'experiments/create') {
        const name = String(b!['name']);
        if (experiments[name]) return send(res, 400, { error_code: 'RESOURCE_ALREADY_EXISTS', message: `experiment ${name} exists` });
        experiments[name] = String(Object.keys(experiments).length + 1);
        return send(res, 200, { experiment_id: experiments[name] });
      }
      if (req.method === 'POST' && route === 'runs/create') {
        const runId = `run-${Object.keys(state.runs).length + 1}-${Date.now().toString(36)}`;
        const tags = Object.fromEntries(((b!['tags'] as { key: string; value: string }[] | undefined) ?? []).map((t) => [t.key, t.value]));
        state.runs[runId] = {};
        runInfo[runId] = { experimentId: String(b!['experiment_id']), ...(b!['run_name'] !== undefined && { runName: String(b!['run_name']) }), params: {}, tags, status: 'RUNNING' };
        return send(res, 200, { run: { info: { run_id: runId, experiment_id: b!['experiment_id'], status: 'RUNNING' } } });
      }
      if (req.method === 'POST' && (route === 'runs/log-batch' || route === 'runs/update')) {
        const runId = String(b!['run_id']);
        const metrics = state.runs[runId];
        const info = runInfo[runId];
        if (!metrics || !info) return notFound(res, `run ${runId}`);
        if (route === 'runs/update') info.status = String(b!['status']);
        for (const m of (b!['metrics'] as { key: string; value: number }[] | undefined) ?? []) metrics[m.key] = m.value;
        for (const p of (b!['params'] as { key: string; value: string }[] | undefined) ?? []) info.params[p.key] = p.value;
        for (const t of (b!['tags'] as { key: string; value: string }[] | undefined) ?? []) info.tags[t.key] = t.value;
        return send(res, 200, {});
      }
      if (req.method === 'POST' && route === 'registered-models/create') {
        const name = String(b!['name']);
        if (state.models[name]) return send(res, 400, { error_code: 'RESOURCE_ALREADY_EXISTS', message: `registered model ${name} exists` });
        state.models[name] = [];
        return send(res, 200, { registered_model: { name } });
      }
      if (req.method === 'POST' && route === 'model-versions/create') {
        const name = String(b!['name']);
        const versions = state.models[name];
        if (!versions) return notFound(res, `registered model ${name}`);
        const m: FakeModelVersion = { version: String(versions.length + 1), run_id: String(b!['run_id']), source: String(b!['source']) };
        versions.push(m);
        return send(res, 200, { model_version: view(name, m) });
      }
      return send(res, 404, { error_code: 'ENDPOINT_NOT_FOUND', message: `${req.method} ${url.pathname}` });
    })().catch((err: Error) => send(res, 500, { error_code: 'INTERNAL_ERROR', message: err.message }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mlflow`,
    state,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
