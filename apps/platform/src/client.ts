/**
 * Drives `platform:serve` from outside, as a developer or CI does: starts `main.ts` as its own
 * process on free ports, reads the banner it prints (URL, tokens, pids), and talks to the gateway
 * over HTTP only. Used by the end-to-end test and the bench.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { findWorkspaceRoot } from '@tradai/infra-shared';
import { freePort } from './processes.js';

export interface ServedPlatform {
  readonly url: string;
  readonly userToken: string;
  readonly m2mClient: { readonly id: string; readonly secret: string };
  /** Service name -> pid, from "what runs where". */
  readonly pids: Readonly<Record<string, number>>;
  readonly ports: readonly number[];
  /** Milliseconds from spawn to the banner. */
  readonly readyInMs: number;
  readonly child: ChildProcess;
  /** Everything printed so far. */
  output(): string;
  /** Sends SIGINT (Ctrl-C) and resolves with the exit code. */
  interrupt(timeoutMs?: number): Promise<number | null>;
}

/** The banner's fields (pure); throws naming the line that is missing. */
export function parseBanner(text: string): Pick<ServedPlatform, 'url' | 'userToken' | 'm2mClient' | 'pids'> {
  const line = (label: string) => {
    const m = new RegExp(`^${label}:\\s+(.+)$`, 'm').exec(text);
    if (!m) throw new Error(`platform banner has no "${label}:" line`);
    return m[1]!.trim();
  };
  const client = /^id (\S+)\s+secret (\S+)$/.exec(line('m2m client'));
  if (!client) throw new Error('platform banner: "m2m client:" line is not "id <id>  secret <secret>"');
  const pids = Object.fromEntries([...text.matchAll(/^\s+([a-z-]+)\s+http:\/\/\S+\s+\(pid (\d+)\)$/gm)].map((m) => [m[1]!, Number(m[2])]));
  return { url: line('URL'), userToken: line('user token'), m2mClient: { id: client[1]!, secret: client[2]! }, pids };
}

/** Starts `apps/platform/src/main.ts` on free ports and waits for its banner (or its exit). */
export async function servePlatform(opts: { timeoutMs?: number; extraArgs?: readonly string[]; logDir?: string } = {}): Promise<ServedPlatform> {
  const root = findWorkspaceRoot(process.cwd());
  const ports = [await freePort(), await freePort(), await freePort(), await freePort()];
  const args = [
    '--import',
    'tsx',
    join(root, 'apps', 'platform', 'src', 'main.ts'),
    `--port=${ports[0]}`,
    `--backend-api-port=${ports[1]}`,
    `--strategy-service-port=${ports[2]}`,
    `--data-collection-port=${ports[3]}`,
    ...(opts.logDir ? [`--log-dir=${opts.logDir}`] : []),
    ...(opts.extraArgs ?? []),
  ];
  const began = Date.now();
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = began + (opts.timeoutMs ?? 300_000);
  while (!/Ctrl-C stops everything/.test(out)) {
    if (child.exitCode !== null) throw new Error(`platform exited (${child.exitCode}) before it was ready:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGINT');
      throw new Error(`platform not ready within ${opts.timeoutMs ?? 300_000} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    ...parseBanner(out),
    ports,
    readyInMs: Date.now() - began,
    child,
    output: () => out,
    async interrupt(timeoutMs = 60_000) {
      if (child.exitCode === null) child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/**
 * A JSON call to the gateway; returns status and parsed body (text when not JSON). `T` is the
 * body the caller expects on success: a cast, not a check (the tests assert the fields they read).
 */
export async function api<T = unknown>(base: string, method: string, path: string, opts: { token?: string; body?: unknown; rawBody?: string } = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.body !== undefined || opts.rawBody !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(opts.rawBody !== undefined ? { body: opts.rawBody } : opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: body as T };
}

/** A client-credentials token from the gateway's /oauth2/token with exactly `scopes` (`tradai-api/...`). */
export async function clientToken(base: string, client: { id: string; secret: string }, scopes: readonly string[]): Promise<string> {
  const res = await fetch(`${base}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: scopes.join(' ') }).toString(),
  });
  const body = (await res.json()) as { access_token?: string; error?: string };
  if (!res.ok || !body.access_token) throw new Error(`/oauth2/token answered ${res.status}: ${JSON.stringify(body)}`);
  return body.access_token;
}

export const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

/** GET /api/v1/backtests/{id} as the tests read it: the fields they name, the rest passed through. */
export interface BacktestStatus {
  readonly id: string;
  readonly status: string;
  readonly error?: string;
  readonly updatedAt?: string;
  readonly [field: string]: unknown;
}

/** Polls GET /api/v1/backtests/{id} until `until(status)` (404 while the consumer has not recorded it yet). */
export async function pollBacktest(base: string, token: string, id: string, until: (status: string) => boolean, timeoutMs = 120_000, everyMs = 250): Promise<BacktestStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: { status: number; body: BacktestStatus } | undefined;
  while (Date.now() < deadline) {
    last = await api<BacktestStatus>(base, 'GET', `/api/v1/backtests/${id}`, { token });
    if (last.status === 200 && until(last.body.status)) return last.body;
    if (last.status !== 200 && last.status !== 404) throw new Error(`GET backtest ${id}: ${last.status} ${JSON.stringify(last.body)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`backtest ${id} did not get there within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
}
