/**
 * Start-up refusals of `main.ts`, as its own process: a busy port is named and nothing starts.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findWorkspaceRoot } from '@tradai/infra-shared';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './processes.js';

const root = findWorkspaceRoot(process.cwd());

function runMain(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'apps/platform/src/main.ts'), ...args], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

let blocker: Server | undefined;
afterEach(() => blocker?.close());

describe('platform:serve start-up', () => {
  it('names the busy port, starts nothing and exits 1', async () => {
    const [gateway, backend, strategies, data] = [await freePort(), await freePort(), await freePort(), await freePort()];
    blocker = createServer();
    await new Promise<void>((r) => blocker!.listen(strategies, '127.0.0.1', () => r()));
    const logDir = join(mkdtempSync(join(tmpdir(), 'platform-busy-')), 'logs');
    const res = await runMain([`--port=${gateway}`, `--backend-api-port=${backend}`, `--strategy-service-port=${strategies}`, `--data-collection-port=${data}`, `--log-dir=${logDir}`]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`port ${strategies} on 127.0.0.1 (for strategy-service) is in use`);
    expect(res.stderr).toContain('Nothing was started');
    expect(res.stdout).not.toContain('ready');
    // Nothing else came up: no log folder, the other ports still free.
    expect(existsSync(logDir)).toBe(false);
    for (const port of [gateway, backend, data]) await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  }, 60_000);

  it('refuses a malformed port flag naming it', async () => {
    const res = await runMain(['--port=http']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--port must be a port number 1-65535, got "http"');
  }, 60_000);
});
