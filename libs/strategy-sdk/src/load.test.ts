import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '@tradai/domain';
import { afterEach, describe, expect, it } from 'vitest';
import { availableStrategies, loadStrategy } from './load.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function workspace(strategies: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'strategies-'));
  roots.push(root);
  for (const [name, source] of Object.entries(strategies)) {
    mkdirSync(join(root, 'apps', 'strategies', name, 'src'), { recursive: true });
    writeFileSync(join(root, 'apps', 'strategies', name, 'src', 'strategy.ts'), source);
  }
  return root;
}

const good = (name: string) => `export default { name: '${name}', description: '', timeframes: ['1h'], parameters: {}, warmup: () => 0, signals: (c: { length: number }) => new Int8Array(c.length) };\n`;

describe('loadStrategy', () => {
  it('loads a strategy project by name', async () => {
    const root = workspace({ alpha: good('alpha'), beta: good('beta') });
    expect(availableStrategies(root)).toEqual(['alpha', 'beta']);
    expect((await loadStrategy('beta', root)).name).toBe('beta');
  });

  it('names the strategies that exist when asked for another', async () => {
    const root = workspace({ alpha: good('alpha') });
    await expect(loadStrategy('gamma', root)).rejects.toThrow('unknown strategy "gamma"; available: alpha');
    await expect(loadStrategy('../alpha', root)).rejects.toThrow('invalid strategy name "../alpha"');
  });

  it('refuses a module whose default export is not that strategy', async () => {
    const root = workspace({ alpha: good('beta'), nothing: 'export const x = 1;\n' });
    await expect(loadStrategy('alpha', root)).rejects.toThrow('exports strategy "beta", expected "alpha"');
    await expect(loadStrategy('nothing', root)).rejects.toThrow('has no default-exported Strategy');
  });
});

describe('availableStrategies', () => {
  it('is empty, and says so, when the workspace has no apps/strategies folder', async () => {
    const root = workspace({});
    expect(availableStrategies(root)).toEqual([]);
    await expect(loadStrategy('alpha', root)).rejects.toThrow('unknown strategy "alpha"; available: (none)');
  });

  it('lists folders holding src/strategy.ts only, sorted whatever order the folder lists them in', () => {
    const names = ['kappa', 'delta', 'omega', 'alpha', 'sigma', 'beta', 'theta', 'gamma', 'zeta', 'eta'];
    const root = workspace(Object.fromEntries(names.map((n) => [n, good(n)])));
    const dir = join(root, 'apps', 'strategies');
    writeFileSync(join(dir, 'README.md'), 'not a project');
    mkdirSync(join(dir, 'empty'));
    mkdirSync(join(dir, 'other', 'src'), { recursive: true });
    writeFileSync(join(dir, 'other', 'src', 'index.ts'), 'export {};\n');
    writeFileSync(join(dir, 'other', 'strategy.ts'), good('other'));
    expect(availableStrategies(root)).toEqual([...names].sort());
  });
});

describe('loadStrategy: what it refuses', () => {
  const failure = async (name: string, root: string) => {
    const err = await loadStrategy(name, root).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    return err as ValidationError;
  };

  it('names the strategy field in every refusal', async () => {
    const root = workspace({ alpha: good('beta'), nothing: 'export const x = 1;\n' });
    expect((await failure('Not A Name', root)).path).toBe('strategy');
    expect((await failure('alpha', root)).path).toBe('strategy');
    expect((await failure('nothing', root)).path).toBe('strategy');
  });

  it('refuses a default export without a signals function', async () => {
    const root = workspace({ alpha: "export default { name: 'alpha', signals: 'not a function' };\n" });
    expect((await failure('alpha', root)).message).toMatch(/strategy\.ts has no default-exported Strategy$/);
  });
});
