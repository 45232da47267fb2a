import { describe, expect, it } from 'vitest';
import { toSidPart, validatePolicyDocument } from './policy-document.js';

const TOPIC = 'arn:aws:sns:eu-central-1:123456789012:alerts';
const ok = { Sid: 'Publish', Effect: 'Allow', Action: 'sns:Publish', Resource: TOPIC };

describe('validatePolicyDocument', () => {
  it('accepts a minimal valid document (string or list forms)', () => {
    expect(validatePolicyDocument({ Version: '2012-10-17', Statement: [ok] })).toEqual([]);
    expect(validatePolicyDocument({ Version: '2012-10-17', Statement: [{ ...ok, Action: ['sns:Publish'], Resource: [TOPIC] }] })).toEqual([]);
  });

  it('reports the Version, empty statements and non-objects', () => {
    expect(validatePolicyDocument({ Version: '2008-10-17', Statement: [ok] })).toEqual(['Version must be "2012-10-17" (got "2008-10-17")']);
    expect(validatePolicyDocument({ Version: '2012-10-17', Statement: [] })).toEqual(['Statement must be a non-empty list']);
    expect(validatePolicyDocument(null)).toEqual(['policy document is not an object']);
    expect(validatePolicyDocument({ Version: '2012-10-17', Statement: ['x'] })).toEqual(['Statement[0] is not an object']);
  });

  it('reports Effect, Action shape and Resource shape', () => {
    const problems = validatePolicyDocument({
      Version: '2012-10-17',
      Statement: [{ Sid: 'Bad', Effect: 'allow', Action: ['sns.Publish', '*'], Resource: ['alerts', '*'] }],
    });
    expect(problems).toEqual([
      'Statement[0] (Bad): Effect must be "Allow" or "Deny" (got "allow")',
      'Statement[0] (Bad): Action "sns.Publish" is not of the form service:Action',
      'Statement[0] (Bad): Resource "alerts" is neither "*" nor an ARN',
    ]);
    // "*" as the only action of an Allow is a problem.
    expect(validatePolicyDocument({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: TOPIC }] })).toEqual([
      'Statement[0]: Action "*" allows every action of every service',
    ]);
  });

  it('reports duplicate Sids, non-alphanumeric Sids and unknown fields', () => {
    const problems = validatePolicyDocument({ Version: '2012-10-17', Statement: [ok, ok, { ...ok, Sid: 'has-dash', Extra: 1 }] });
    expect(problems).toEqual([
      'Statement[1] (Publish): Sid "Publish" is used by an earlier statement',
      'Statement[2] (has-dash): unknown field Extra',
      'Statement[2] (has-dash): Sid must be alphanumeric',
    ]);
  });

  it('refuses NotAction / NotResource with Allow but accepts them with Deny', () => {
    const allow = validatePolicyDocument({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: 'iam:*', NotResource: TOPIC }] });
    expect(allow).toEqual(['Statement[0]: NotAction with Allow grants every action not listed', 'Statement[0]: NotResource with Allow grants every resource not listed']);
    expect(validatePolicyDocument({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', NotAction: 'iam:*', Resource: '*' }] })).toEqual([]);
  });

  it('reports missing Action/Resource and bad conditions', () => {
    expect(validatePolicyDocument({ Version: '2012-10-17', Statement: [{ Effect: 'Allow' }] })).toEqual(['Statement[0]: has no Action', 'Statement[0]: has no Resource']);
    expect(validatePolicyDocument({ Version: '2012-10-17', Statement: [{ ...ok, Condition: { StringEquals: { k: 1 } } }] })).toEqual([
      'Statement[0] (Publish): Condition.StringEquals["k"] must be a string, boolean or non-empty list of strings',
    ]);
  });

  it('checks trust statements: Principal, no Resource, no "*" principal', () => {
    const trust = { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' };
    expect(validatePolicyDocument({ Version: '2012-10-17', Statement: [trust] })).toEqual([]);
    expect(validatePolicyDocument({ Version: '2012-10-17', Statement: [{ ...trust, Resource: '*' }] })).toEqual(['Statement[0]: a trust statement (with Principal) takes no Resource']);
    expect(validatePolicyDocument({ Version: '2012-10-17', Statement: [{ ...trust, Principal: { AWS: '*' } }] })).toEqual(['Statement[0]: Principal.AWS "*" lets anyone assume the role']);
  });
});

describe('toSidPart', () => {
  it('PascalCases names and drops non-alphanumerics', () => {
    expect(toSidPart('backend-api')).toBe('BackendApi');
    expect(toSidPart('tradai')).toBe('Tradai');
    expect(toSidPart('s3 read_write')).toBe('S3ReadWrite');
  });
});
