import { loadConfig } from '@tradai/infra-shared';
import { runInStack, setupStackTest, type PulumiMocks } from '@tradai/infra-shared/testing';
import { beforeAll, describe, expect, it } from 'vitest';

const SECRET = 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds!db-abc-AbCdEf';
const TOPIC = 'arn:aws:sns:eu-central-1:123456789012:tradai-alerts-dev';
let mocks: PulumiMocks;

beforeAll(async () => {
  mocks = await setupStackTest({ project: 'tradai-foundation', stack: 'dev' });
  const { SecretRotation } = await import('./secret_rotation.js');
  await runInStack(async () => {
    new SecretRotation('rotation', { cfg: loadConfig('dev'), secretArn: SECRET, dbIdentifier: 'tradai-mlflow-db-dev', alertsTopicArn: TOPIC });
    return {};
  });
});

describe('SecretRotation', () => {
  it('rotates the RDS-managed secret at most every 30 days, with no rotation Lambda', () => {
    const [r] = mocks.byType('aws:secretsmanager/secretRotation:SecretRotation');
    expect(r!.inputs['secretId']).toBe(SECRET);
    expect((r!.inputs['rotationRules'] as { automaticallyAfterDays: number }).automaticallyAfterDays).toBeLessThanOrEqual(30);
    expect(r!.inputs['rotationLambdaArn']).toBeUndefined();
    expect(mocks.byType('aws:lambda/function:Function')).toEqual([]);
  });

  it('sends every rotation outcome of that secret to the alerts topic', () => {
    const [rule] = mocks.byType('aws:cloudwatch/eventRule:EventRule');
    expect(rule!.inputs['name']).toBe('tradai-rds-secret-rotation-dev');
    const pattern = JSON.parse(String(rule!.inputs['eventPattern']));
    expect(pattern.detail.eventName).toEqual(expect.arrayContaining(['RotationSucceeded', 'RotationFailed']));
    expect(pattern.detail.additionalEventData.SecretId).toEqual([SECRET]);
    const [target] = mocks.byType('aws:cloudwatch/eventTarget:EventTarget');
    expect(target!.inputs['arn']).toBe(TOPIC);
    expect(target!.inputs['rule']).toBe('tradai-rds-secret-rotation-dev');
    expect(String((target!.inputs['inputTransformer'] as { inputTemplate: string }).inputTemplate)).toContain('tradai-mlflow-db-dev');
  });
});
