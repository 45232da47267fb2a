import { describe, expect, it } from 'vitest';
import { loadConfig } from '@tradai/infra-shared';
import { dataLifecycle, dataOptions } from './lifecycle.js';

const dev = loadConfig('dev');
const prod = loadConfig('prod');

describe('dataLifecycle', () => {
  it('keeps data on destroy in every environment by default, and protects it in prod', () => {
    expect(dataLifecycle(dev, {})).toEqual({ protect: false, retainOnDelete: true, emptyOnDelete: false, awsDeletionProtection: false, secretRecoveryDays: 0, teardown: false });
    expect(dataLifecycle(prod, {})).toEqual({ protect: true, retainOnDelete: true, emptyOnDelete: false, awsDeletionProtection: true, secretRecoveryDays: 30, teardown: false });
    expect(dataOptions(dataLifecycle(prod, {}))).toEqual({ protect: true, retainOnDelete: true });
  });

  it('makes everything deletable, contents included, in the teardown run of the environment it names', () => {
    const teardown = { protect: false, retainOnDelete: false, emptyOnDelete: true, awsDeletionProtection: false, secretRecoveryDays: 0, teardown: true };
    expect(dataLifecycle(dev, { TRADAI_TEARDOWN: 'dev' })).toEqual(teardown);
    expect(dataLifecycle(prod, { TRADAI_TEARDOWN: 'prod', TRADAI_UNPROTECT: 'prod' })).toEqual(teardown);
  });

  it('refuses to unprotect prod without the explicit unprotect switch', () => {
    expect(() => dataLifecycle(prod, { TRADAI_TEARDOWN: 'prod' })).toThrow('prod data is protected: destroying it needs the explicit unprotect step (npm run infra -- down-persistent --env=prod --unprotect)');
  });

  it('refuses a switch meant for another environment, or an unprotect without teardown', () => {
    expect(() => dataLifecycle(prod, { TRADAI_TEARDOWN: 'dev' })).toThrow('TRADAI_TEARDOWN=dev is set but this is the prod stack');
    expect(() => dataLifecycle(prod, { TRADAI_UNPROTECT: 'prod' })).toThrow('TRADAI_UNPROTECT=prod only applies together with TRADAI_TEARDOWN=prod');
    expect(() => dataLifecycle(prod, { TRADAI_TEARDOWN: 'prod', TRADAI_UNPROTECT: 'dev' })).toThrow('TRADAI_UNPROTECT=dev only applies');
    // Empty values (an `export TRADAI_TEARDOWN=`) count as unset.
    expect(dataLifecycle(dev, { TRADAI_TEARDOWN: '' }).teardown).toBe(false);
  });
});
