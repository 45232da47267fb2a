import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { availableStrategies, loadStrategy } from './load.js';

function workspace(strategies: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'strategies-'));
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
