import { fileURLToPath } from 'node:url';
import * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { AslTemplateLoader } from '../builders/asl-template-loader.js';
import { AssumeRolePolicyBuilder } from '../builders/assume-role-policy-builder.js';
import { PolicyBuilder } from '../builders/policy-builder.js';
import { validatePolicyDocument } from '../builders/policy-document.js';
import { aslDefinitionJson, policyJson } from './builders.js';

function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  // `promise()` is internal to @pulumi/pulumi but the only way to see an apply's rejection; the
  // Output's own isKnown/isSecret reject too and would surface as unhandled rejections.
  const o = output as unknown as { promise(): Promise<T>; isKnown: Promise<boolean>; isSecret: Promise<boolean> };
  o.isKnown.catch(() => undefined);
  o.isSecret.catch(() => undefined);
  return o.promise();
}

const TABLE = 'arn:aws:dynamodb:eu-central-1:123456789012:table/tradai-workflow-state-dev';
const BUCKET = 'arn:aws:s3:::tradai-results-dev';
const PROVIDER = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';

describe('policyJson', () => {
  it('resolves Outputs (single and in arrays) before the builder runs', async () => {
    const json = policyJson({ tables: [pulumi.output(TABLE)], bucket: pulumi.output(BUCKET), namespace: 'TradAI' }, (r) =>
      new PolicyBuilder('backend-api').withDynamoDbCrud(r.tables).withS3ReadWrite([r.bucket]).withCloudWatchMetrics(r.namespace),
    );
    const doc = JSON.parse(await promiseOf(json));
    expect(validatePolicyDocument(doc)).toEqual([]);
    expect(doc.Statement[0]).toMatchObject({ Sid: 'BackendApiDynamoDbCrud', Resource: [TABLE, `${TABLE}/index/*`] });
    expect(doc.Statement[2]).toMatchObject({ Sid: 'BackendApiS3ReadWriteObjects', Resource: [`${BUCKET}/*`] });
  });

  it('takes trust policy builders and plain documents', async () => {
    const trust = JSON.parse(await promiseOf(policyJson({ provider: pulumi.output(PROVIDER) }, (r) => AssumeRolePolicyBuilder.forGithubOidc(r.provider, 'tradai/platform', ['main']))));
    expect(trust.Statement[0].Principal).toEqual({ Federated: PROVIDER });
    const doc = { Version: '2012-10-17' as const, Statement: [{ Effect: 'Allow' as const, Action: 'sns:Publish', Resource: 'arn:aws:sns:eu-central-1:123456789012:t' }] };
    expect(JSON.parse(await promiseOf(policyJson({}, () => doc)))).toEqual(doc);
  });

  it("runs the builder's checks on the resolved ARNs", async () => {
    const json = policyJson({ bucket: pulumi.output(`${BUCKET}/*`) }, (r) => new PolicyBuilder('t').withS3Read([r.bucket]));
    await expect(promiseOf(json)).rejects.toThrow(/not a bucket ARN/);
  });

  it('keeps secretness', async () => {
    const json = policyJson({ bucket: pulumi.secret(BUCKET) }, (r) => new PolicyBuilder('t').withS3Read([r.bucket]));
    expect(await pulumi.isSecret(json)).toBe(true);
  });
});

describe('aslDefinitionJson', () => {
  const loader = new AslTemplateLoader(fileURLToPath(new URL('../builders/__fixtures__/asl', import.meta.url)));

  it('renders a template with resolved Outputs', async () => {
    const json = aslDefinitionJson(loader, 'workflow', {
      comment: 'backtest',
      timeout_seconds: 7200,
      validate_arn: pulumi.output('arn:aws:lambda:eu-central-1:123456789012:function:validate'),
      cluster_arn: pulumi.output('arn:aws:ecs:eu-central-1:123456789012:cluster/tradai-dev'),
      task_definition_arn: 'arn:aws:ecs:eu-central-1:123456789012:task-definition/strategy:1',
      subnets: [pulumi.output('subnet-a'), 'subnet-b'],
      task_timeout_seconds: 3600,
    });
    const asl = JSON.parse(await promiseOf(json));
    expect(asl.States.Validate.Parameters.FunctionName).toBe('arn:aws:lambda:eu-central-1:123456789012:function:validate');
    expect(asl.States.Run.Parameters.NetworkConfiguration.AwsvpcConfiguration.Subnets).toEqual(['subnet-a', 'subnet-b']);
  });

  it('fails when a variable is missing', async () => {
    await expect(promiseOf(aslDefinitionJson(loader, 'workflow', { comment: 'x' }))).rejects.toThrow(/ASL template workflow.json.njk: render failed/);
  });
});
