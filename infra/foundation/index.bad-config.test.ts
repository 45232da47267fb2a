import { setupStackTest } from '@tradai/infra-shared/testing';
import { describe, expect, it } from 'vitest';

describe('tradai-foundation with a malformed alert email', () => {
  it('stops before creating anything, naming tradai:alertEmails', async () => {
    const mocks = await setupStackTest({ project: 'tradai-foundation', stack: 'dev', config: { alertEmails: '["ops@example.com","not-an-email"]' } });
    const { default: main } = await import('./index.js');
    // The program validates config first, synchronously: the engine sees the error before any resource.
    expect(() => main()).toThrow(/tradai:alertEmails\.1: is not an email address/);
    expect(mocks.resources).toEqual([]);
  });
});
