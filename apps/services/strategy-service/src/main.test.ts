import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const ENV = { CONFIGS_BUCKET: 'tradai-configs-test', CONFIG_VERSIONS_TABLE: 'tradai-config-versions-test', AUTH_ISSUER: 'http://127.0.0.1:9', COGNITO_CLIENT_IDS: 'web,m2m' };

/** Runs src/main.ts under tsx with exactly `env` (plus PATH); resolves on exit. */
function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

// Each test starts a Node process that compiles main.ts and its imports with tsx: ~10 s on an idle
// machine, past the 30 s default when the 2 cores are shared with parallel test files.
describe('main', { timeout: 120_000 }, () => {
  it('stops with exit 1 and one line naming a missing variable', async () => {
    const { CONFIGS_BUCKET: _, ...rest } = ENV;
    const run = start(rest);
    expect(await run.exited).toBe(1);
    expect(run.err().trim()).toBe('strategy-service: configuration error: missing or empty environment variable(s): CONFIGS_BUCKET');
  });

  it('listens on SERVICE_PORT, answers /health, and exits 0 on SIGTERM', async () => {
    const run = start({ ...ENV, SERVICE_PORT: '0', SERVICE_HOST: '127.0.0.1' });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /"msg":"Server listening at (http:\/\/127\.0\.0\.1:\d+)"/.exec(run.out());
        if (m) {
          clearInterval(timer);
          resolve(m[1]!);
        }
      }, 50);
      void run.exited.then((code) => {
        clearInterval(timer);
        reject(new Error(`exited ${code}: ${run.err()}`));
      });
    });
    const res = await fetch(`${url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ service: 'strategy-service', status: 'ok' });
    const unauth = await fetch(`${url}/api/v1/strategies`);
    expect(unauth.status).toBe(401);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });
});
