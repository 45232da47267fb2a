import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { CreateStrategyBody, PinnedImage, PutConfigBody, StrategyName, VersionsQuery } from './schemas.js';

/** The messages zod gives for a value, or [] when it is accepted. */
const messages = (schema: z.ZodMiniType, value: unknown) => {
  const res = schema.safeParse(value);
  return res.success ? [] : res.error.issues.map((i) => i.message);
};

const DIGEST = 'a'.repeat(64);

describe('request schemas', () => {
  it('accepts strategy names of 1-63 allowed chars and refuses anything else with its rule', () => {
    for (const ok of ['a', '0x', 'my_strat-2', 'a'.repeat(63)]) expect(messages(StrategyName, ok), ok).toEqual([]);
    for (const bad of ['', '-a', 'Abc', 'ab!', 'a b', 'a'.repeat(64)]) {
      expect(messages(StrategyName, bad), bad).toEqual(['must be 1-63 chars of a-z, 0-9, "-", "_", starting with a letter or digit']);
    }
  });

  it('accepts only whole image references pinned by digest', () => {
    expect(messages(PinnedImage, `1234.dkr.ecr.eu-central-1.amazonaws.com/tradai/x@sha256:${DIGEST}`)).toEqual([]);
    for (const bad of [`-repo@sha256:${DIGEST}`, `Repo@sha256:${DIGEST}`, `repo@sha256:${DIGEST}:latest`, `repo@sha256:${DIGEST}0`, `repo@sha256:${'a'.repeat(63)}`, 'repo:latest']) {
      expect(messages(PinnedImage, bad), bad).toEqual(['must be an image reference pinned by digest: <repository>@sha256:<64 hex>']);
    }
  });

  it('accepts identifiers as declared parameter names and refuses others by name', () => {
    const spec = { type: 'number' };
    for (const ok of ['fast', '_x', 'A1_b', `a${'b'.repeat(63)}`]) expect(CreateStrategyBody.safeParse({ name: 's', parameters: { [ok]: spec } }).success, ok).toBe(true);
    for (const bad of ['1fast', 'fast-ema', 'a b', `a${'b'.repeat(64)}`]) {
      const res = CreateStrategyBody.safeParse({ name: 's', parameters: { [bad]: spec } });
      expect(res.success, bad).toBe(false);
      expect(res.error!.issues.flatMap((i) => ('issues' in i && Array.isArray(i.issues) ? i.issues.map((j: { message: string }) => j.message) : [i.message])), bad).toContain('must be an identifier');
    }
  });

  it('accepts only whole ccxt exchange ids', () => {
    for (const ok of ['kraken', 'ab', 'a'.repeat(32)]) expect(PutConfigBody.safeParse({ exchange: ok }).success, ok).toBe(true);
    for (const bad of ['kraken!', 'kraken pro', 'a', 'a'.repeat(33), 'Kraken']) expect(PutConfigBody.safeParse({ exchange: bad }).success, bad).toBe(false);
  });

  it('accepts a versions cursor only as a positive integer of up to 10 digits', () => {
    for (const ok of ['1', '12', '9999999999']) expect(VersionsQuery.safeParse({ cursor: ok }).success, ok).toBe(true);
    for (const bad of ['0', '01', '12abc', '1x', '12345678901', '-1']) {
      const res = VersionsQuery.safeParse({ cursor: bad });
      expect(res.success, bad).toBe(false);
      expect(res.error!.issues[0]!.message, bad).toBe('must be the nextCursor of a previous page');
    }
  });
});
