import { describe, expect, it } from 'vitest';
import { denyInsecureTransport, resourcePolicy } from './resource-policy.js';

describe('resource policies', () => {
  it('denies requests without TLS with Bool (service deliveries carry no SecureTransport key)', () => {
    expect(denyInsecureTransport('sqs:*', 'arn:aws:sqs:eu-central-1:123456789012:q')).toEqual({
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sqs:*',
      Resource: 'arn:aws:sqs:eu-central-1:123456789012:q',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });

  it('refuses duplicate or non-alphanumeric Sids, naming the policy', () => {
    const s = denyInsecureTransport('sqs:*', 'arn:aws:sqs:eu-central-1:123456789012:q');
    expect(resourcePolicy([s], 'q').Statement).toHaveLength(1);
    expect(() => resourcePolicy([s, s], 'q')).toThrow('resource policy q: Sid "DenyInsecureTransport" is used twice');
    expect(() => resourcePolicy([{ ...s, Sid: 'no-dash' }])).toThrow('must be alphanumeric');
  });
});
