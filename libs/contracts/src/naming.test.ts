import { describe, expect, it } from 'vitest';
import { APPLICATION, getResourceName } from './naming.js';

describe('getResourceName', () => {
  it('is tradai-<component>-<env>, underscores turned to hyphens', () => {
    expect(APPLICATION).toBe('tradai');
    expect(getResourceName('workflow_state', 'dev')).toBe('tradai-workflow-state-dev');
    expect(getResourceName('shadow_test_state', 'prod')).toBe('tradai-shadow-test-state-prod');
    expect(getResourceName('backend-api', 'staging')).toBe('tradai-backend-api-staging');
  });
});
