import { describe, expect, it } from 'vitest';
import { arnOf, idOf, res } from '../rules/__fixtures__/builders.js';
import { PlanGraph, parseJsonInput, resourceLabel, valueAt, valuesAt } from './graph.js';
import { isTlsOnlyDeny, policyStatements, principals, wildcardMatch } from './iam.js';
import { locateResources, parsePlan, shortType } from './model.js';

const bucket = res('aws:s3/bucket:Bucket', 'configs', { bucket: 'tradai-configs-dev' }, 'persistent');
const sg = res('aws:ec2/securityGroup:SecurityGroup', 'alb-sg', { name: 'tradai-alb-sg-dev' });
const logGroup = res('aws:cloudwatch/logGroup:LogGroup', 'sfn-logs', { name: '/aws/states/tradai-backtest-dev' });

describe('PlanGraph references', () => {
  const graph = new PlanGraph('dev', [bucket, sg, logGroup]);

  it('matches a bucket by its name, id and ARN sub-paths', () => {
    expect(graph.refersTo('tradai-configs-dev', bucket)).toBe(true);
    expect(graph.refersTo('configs', bucket)).toBe(true);
    expect(graph.refersTo('arn:aws:s3:::tradai-configs-dev/*', bucket)).toBe(true);
    expect(graph.refersTo('tradai-configs-dev-2', bucket)).toBe(false);
    expect(graph.refersTo(undefined, bucket)).toBe(false);
  });

  it('matches a security group by the EC2-style id the mock runtime gives it', () => {
    expect(idOf(sg)).toMatch(/^sg-0[0-9a-f]{17}$/);
    expect(graph.refersTo(idOf(sg), sg)).toBe(true);
    expect(graph.resolve(idOf(sg), 'aws:ec2/securityGroup:SecurityGroup')).toBe(sg);
    expect(graph.resolve('sg-0nothing', 'aws:ec2/securityGroup:SecurityGroup')).toBeUndefined();
  });

  it('matches a log group ARN with the :* suffix Step Functions uses', () => {
    expect(graph.refersTo(`${arnOf(logGroup)}:*`, logGroup)).toBe(true);
  });

  it('finds resources referencing a target through a nested input path', () => {
    const lb = res('aws:lb/loadBalancer:LoadBalancer', 'alb', { securityGroups: ['sg-other', idOf(sg)] }, 'compute');
    const g = new PlanGraph('dev', [sg, lb]);
    expect(g.referencing(sg, ['aws:lb/loadBalancer:LoadBalancer'], 'securityGroups')).toEqual([lb]);
    expect(g.ofType('aws:lb/loadBalancer:LoadBalancer', 'aws:ec2/securityGroup:SecurityGroup')).toEqual([lb, sg]);
  });
});

describe('input helpers', () => {
  it('reads dot paths, fanning out over arrays', () => {
    const v = { rules: [{ a: { b: 1 } }, { a: { b: 2 } }], list: [[1, 2]] };
    expect(valuesAt(v, 'rules.a.b')).toEqual([1, 2]);
    expect(valuesAt(v, 'rules.1.a.b')).toEqual([2]);
    expect(valueAt(v, 'rules.a.b')).toBe(1);
    expect(valuesAt(v, 'missing.x')).toEqual([]);
  });

  it('parses JSON string inputs and passes objects through', () => {
    expect(parseJsonInput('{"a":1}')).toEqual({ a: 1 });
    expect(parseJsonInput({ a: 1 })).toEqual({ a: 1 });
    expect(parseJsonInput('not json')).toBeUndefined();
  });

  it('labels resources with their physical name and shortens types', () => {
    expect(resourceLabel(bucket)).toBe('configs (tradai-configs-dev)');
    expect(resourceLabel(res('aws:ec2/vpc:Vpc', 'vpc'))).toBe('vpc');
    expect(shortType('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule')).toBe('vpc.SecurityGroupIngressRule');
  });
});

describe('IAM documents', () => {
  it('normalizes statements and principals', () => {
    const [s] = policyStatements(JSON.stringify({ Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:x', Principal: { AWS: ['a', '*'] } } }));
    expect(s!.actions).toEqual(['s3:GetObject']);
    expect(s!.resources).toEqual(['arn:x']);
    expect(principals(s!.principal)).toEqual(['AWS:a', '*']);
    expect(policyStatements(undefined)).toEqual([]);
  });

  it('matches IAM wildcards case-insensitively', () => {
    expect(wildcardMatch('ec2:Describe*', 'ec2:DescribeSubnets')).toBe(true);
    expect(wildcardMatch('ec2:Describe*', 'EC2:describesubnets')).toBe(true);
    expect(wildcardMatch('ec2:Describe*', 'ec2:RunInstances')).toBe(false);
  });

  it('recognizes a TLS-only deny, not an allow or a missing condition', () => {
    const deny = { Effect: 'Deny', Principal: '*', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
    expect(policyStatements({ Statement: [deny] }).some(isTlsOnlyDeny)).toBe(true);
    expect(policyStatements({ Statement: [{ ...deny, Effect: 'Allow' }] }).some(isTlsOnlyDeny)).toBe(false);
    expect(policyStatements({ Statement: [{ ...deny, Condition: undefined }] }).some(isTlsOnlyDeny)).toBe(false);
  });
});

describe('plan model', () => {
  it('validates plans and names the file and field at fault', () => {
    expect(parsePlan({ stack: 's', environment: 'dev', resources: [{ type: 't', name: 'n' }] }, 'f.json').resources[0]).toEqual({ type: 't', name: 'n', inputs: {}, parent: null });
    expect(() => parsePlan({ stack: 's', environment: 'dev', resources: [{ name: 'n' }] }, 'f.json')).toThrow('f.json is not a synth plan: resources.0.type');
  });

  it('tags resources with their layer in layer order', () => {
    const plan = (n: string) => ({ stack: 's', environment: 'dev', resources: [{ type: 't', name: n, inputs: {}, parent: null }], outputs: {} });
    expect(locateResources({ edge: plan('e'), persistent: plan('p') }).map((r) => `${r.layer}:${r.name}`)).toEqual(['persistent:p', 'edge:e']);
  });
});
