import { loadConfig } from '@tradai/infra-shared';
import { promiseOf, runInStack, setupStackTest, type PulumiMocks } from '@tradai/infra-shared/testing';
import { beforeAll, describe, expect, it } from 'vitest';

let mocks: PulumiMocks;
let keyArn: string;
let alertsArn: string;

beforeAll(async () => {
  mocks = await setupStackTest({ project: 'tradai-foundation', stack: 'dev' });
  const { Topics } = await import('./sns.js');
  await runInStack(async () => {
    const cfg = loadConfig('dev', { alertEmails: '["ops@example.com","oncall@example.com","OPS@example.com"]' });
    const t = new Topics('sns', { cfg });
    keyArn = await promiseOf(t.alertsKey.arn);
    alertsArn = await promiseOf(t.alerts.arn);
    return {};
  });
});

const topic = (name: string) => mocks.byType('aws:sns/topic:Topic').find((t) => t.inputs['name'] === name)!.inputs;

describe('Topics', () => {
  it('creates the alerts and registration topics named from config, both encrypted', () => {
    expect(topic('tradai-alerts-dev')['kmsMasterKeyId']).toBe(keyArn);
    expect(topic('tradai-registration-dev')['kmsMasterKeyId']).toBe('alias/aws/sns');
  });

  it('subscribes each configured address once, by email', () => {
    const subs = mocks.byType('aws:sns/topicSubscription:TopicSubscription');
    expect(subs.map((s) => s.inputs['endpoint'])).toEqual(['ops@example.com', 'oncall@example.com']);
    for (const s of subs) expect(s.inputs).toMatchObject({ protocol: 'email', topic: alertsArn });
  });

  it('lets EventBridge and CloudWatch publish to alerts, for this account only', () => {
    const policy = JSON.parse(String(mocks.find('aws:sns/topicPolicy:TopicPolicy', 'sns-alerts-policy').inputs['policy']));
    const services = policy.Statement.filter((s: { Effect: string }) => s.Effect === 'Allow').map((s: { Principal: { Service: string } }) => s.Principal.Service);
    expect(services.sort()).toEqual(['cloudwatch.amazonaws.com', 'events.amazonaws.com']);
    for (const s of policy.Statement.filter((x: { Effect: string }) => x.Effect === 'Allow')) {
      expect(s.Resource).toBe(alertsArn);
      expect(s.Condition.StringEquals['aws:SourceAccount']).toBe('123456789012');
    }
  });

  it('lets those services use the alerts key, which rotates', () => {
    const key = mocks.byType('aws:kms/key:Key')[0]!.inputs;
    expect(key['enableKeyRotation']).toBe(true);
    const doc = JSON.parse(String(key['policy']));
    const services = doc.Statement.find((s: { Sid: string }) => s.Sid === 'AllowAlertPublisherServices');
    expect(services.Principal.Service).toEqual(['events.amazonaws.com', 'cloudwatch.amazonaws.com']);
    expect(mocks.byType('aws:kms/alias:Alias')[0]!.inputs['name']).toBe('alias/tradai-alerts-dev');
  });

  it('refuses plain-HTTP publishing on both topics', () => {
    for (const p of mocks.byType('aws:sns/topicPolicy:TopicPolicy')) {
      const deny = JSON.parse(String(p.inputs['policy'])).Statement.find((s: { Effect: string }) => s.Effect === 'Deny');
      expect(deny.Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
    }
  });
});
