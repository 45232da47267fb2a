import { describe, expect, it } from 'vitest';
import { ConflictError, EnvError, IllegalTransitionError, NotFoundError, ValidationError } from './errors.js';

describe('typed errors', () => {
  it('carry the stable names ASL Catch/Retry matches on', () => {
    expect(new EnvError('m', ['A']).name).toBe('EnvError');
    expect(new ValidationError('m', 'p').name).toBe('ValidationError');
    expect(new IllegalTransitionError('QUEUED', 'SUCCEEDED').name).toBe('IllegalTransitionError');
    expect(new NotFoundError('m').name).toBe('NotFoundError');
    expect(new ConflictError('m').name).toBe('ConflictError');
    expect(String(new NotFoundError('workflow w'))).toBe('NotFoundError: workflow w');
  });

  it('an illegal transition names both states, with the detail only when given', () => {
    const bare = new IllegalTransitionError('QUEUED', 'SUCCEEDED');
    expect(bare.message).toBe('illegal workflow status transition QUEUED -> SUCCEEDED');
    expect(bare).toMatchObject({ from: 'QUEUED', to: 'SUCCEEDED' });
    expect(new IllegalTransitionError('RUNNING', 'QUEUED', 'no going back').message).toBe('illegal workflow status transition RUNNING -> QUEUED: no going back');
  });
});
