import { ValidationError } from '@tradai/domain';
import { expect } from 'vitest';

/** The ValidationError `fn` throws, for assertions on its path and message; fails the test if it throws nothing else. */
export function validationFailure(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return e as ValidationError;
  }
  throw new Error('expected a ValidationError');
}
