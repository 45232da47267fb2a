import { resolve } from 'node:path';
import { NotFoundError } from '@tradai/domain';
import { availableStrategies } from '@tradai/strategy-sdk';
import { describe, expect, it } from 'vitest';
import { lookupStrategy, STRATEGIES } from './strategies.js';

const root = resolve(import.meta.dirname, '..', '..', '..', '..');

describe('strategy catalog', () => {
  it('has exactly the strategies under apps/strategies (a new one cannot be forgotten)', () => {
    const workspace = availableStrategies(root);
    expect(workspace.length).toBeGreaterThan(0);
    expect(STRATEGIES.map((s) => s.name).sort()).toEqual(workspace);
  });

  it('looks strategies up by name; an unknown one names the available ones', async () => {
    expect((await lookupStrategy('ma-crossover')).name).toBe('ma-crossover');
    const err = await lookupStrategy('nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toBe('unknown strategy "nope": this service has ma-crossover, ml-classifier, rsi-mean-reversion');
  });
});
