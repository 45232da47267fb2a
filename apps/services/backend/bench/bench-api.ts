/**
 * backend-api benchmark (issue 12): the service's esbuild bundle (what the image runs) in its own
 * process on 127.0.0.1, DynamoDB = dynalite in this process. Measures the cold start to the first
 * 200 on /health, then autocannon for 10 s each on /health (the framework path) and
 * GET /api/v1/backtests/{id} (JWT check + one GetItem on dynalite). Run: npx tsx apps/services/backend/bench/bench-api.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { localTableName, startDynalite } from '@tradai/domain/testing';
import { WorkflowRepo, Table, type WorkflowItem } from '@tradai/domain';
import { startLocalIdp } from '@tradai/service-runtime';

interface Histogram {
  p50: number;
  p99: number;
  average: number;
}
interface AutocannonResult {
  requests: Histogram & { total: number };
  latency: Histogram;
  non2xx: number;
  errors: number;
}
const require = createRequire(import.meta.url);
// autocannon ships CommonJS without types.
const autocannon = require('autocannon') as (opts: { url: string; duration: number; connections: number; headers?: Record<string, string> }) => Promise<AutocannonResult>;

const DURATION_S = Number(process.env['BENCH_DURATION_S'] ?? 10);
const CONNECTIONS = 10;
const PORT = 18000 + Math.floor(Math.random() * 1000);

async function bundle(dir: string): Promise<string> {
  const outfile = join(dir, 'main.mjs');
  await build({
    entryPoints: [join(import.meta.dirname, '../src/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    outfile,
    logLevel: 'error',
    // CommonJS dependencies (pino, fastify plugins) call require() for Node built-ins.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return outfile;
}

async function firstOk(url: string, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${url} did not answer 200 within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function run(label: string, url: string, headers?: Record<string, string>, expect4xx = false): Promise<void> {
  const r = await autocannon({ url, duration: DURATION_S, connections: CONNECTIONS, ...(headers ? { headers } : {}) });
  if (!expect4xx && r.non2xx > 0) throw new Error(`${label}: ${r.non2xx} non-2xx answers`);
  console.log(
    `${label.padEnd(38)} ${Math.round(r.requests.average).toString().padStart(7)} req/s   p50 ${r.latency.p50} ms   p99 ${r.latency.p99} ms   (${r.requests.total} requests, non-2xx ${r.non2xx}, errors ${r.errors})`,
  );
}

const dir = await mkdtemp(join(tmpdir(), 'bench-api-'));
const db = await startDynalite();
// The route checks a real token (RS256, JWKS from this local IdP, cached after the first request).
const idp = await startLocalIdp();
let child: ChildProcess | undefined;
try {
  await db.createTables(['workflow_state', 'deployments', 'trading_state', 'config_versions']);
  const workflows = new WorkflowRepo(new Table<WorkflowItem>(db.doc, 'workflow_state', localTableName('workflow_state')));
  await workflows.createQueued({ workflow_id: 'bt-bench', workflow_type: 'backtest', strategy: 'bench', result_key: 'backtests/bt-bench/result.json', request: { symbols: ['BTC/USDT'], timeframe: '1h' } });
  const main = await bundle(dir);

  const env = {
    PATH: process.env['PATH'] ?? '',
    SERVICE_PORT: String(PORT),
    SERVICE_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
    ...db.tableEnv(),
    RESULTS_BUCKET: 'bench-results',
    BACKTEST_WORKFLOW_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:bench-backtest',
    RETRAINING_WORKFLOW_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:bench-retraining',
    MLFLOW_TRACKING_URI: 'http://127.0.0.1:9/mlflow',
    ROLLBACK_FUNCTION_NAME: 'bench-rollback',
    PROMOTE_MODEL_FUNCTION_NAME: 'bench-promote-model',
    ...idp.env,
  };
  const started = performance.now();
  child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  await firstOk(`http://127.0.0.1:${PORT}/health`, 15_000);
  const cold = performance.now() - started;

  console.log(`backend-api bench: Node ${process.version}, ${CONNECTIONS} connections, ${DURATION_S} s per route, server in its own process`);
  console.log(`cold start (spawn of the bundle -> first 200 on /health): ${cold.toFixed(0)} ms`);
  await run('GET /health', `http://127.0.0.1:${PORT}/health`);
  const auth = { authorization: `Bearer ${idp.userToken(['viewer'])}` };
  // The token check alone: verified, then the query fails validation before any DynamoDB call.
  await run('JWT check only (400, no DynamoDB)', `http://127.0.0.1:${PORT}/api/v1/backtests?limit=0`, auth, true);
  await run('GET /api/v1/backtests/{id} (dynalite)', `http://127.0.0.1:${PORT}/api/v1/backtests/bt-bench`, auth);

  // Where the route's time goes: the same GetItem straight from this process, one at a time.
  const samples: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t = performance.now();
    await workflows.get('bt-bench');
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor(samples.length * p))]!.toFixed(2);
  console.log(`dynalite GetItem alone (SDK, sequential, 300x): p50 ${pct(0.5)} ms   p99 ${pct(0.99)} ms`);
} finally {
  child?.kill('SIGTERM');
  await db.stop();
  await idp.stop();
  await rm(dir, { recursive: true, force: true });
}
