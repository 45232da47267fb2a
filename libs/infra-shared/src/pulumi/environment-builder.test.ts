import * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { EnvironmentBuilder, LAMBDA_ENV_MAX_BYTES } from './environment-builder.js';

/** Resolves an Output outside a deployment; rejects when an apply throws. */
function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  // `promise()` is internal to @pulumi/pulumi but the only way to see an apply's rejection; the
  // Output's own isKnown/isSecret reject too and would surface as unhandled rejections.
  const o = output as unknown as { promise(): Promise<T>; isKnown: Promise<boolean>; isSecret: Promise<boolean> };
  o.isKnown.catch(() => undefined);
  o.isSecret.catch(() => undefined);
  return o.promise();
}

describe('EnvironmentBuilder', () => {
  it('resolves static values and Outputs, sorted by name', async () => {
    const env = new EnvironmentBuilder()
      .add('ENVIRONMENT', 'dev')
      .addOutput('WORKFLOW_STATE_TABLE', pulumi.output('tradai-workflow-state-dev'))
      .addOutput('AWS_REGION_NAME', Promise.resolve('eu-central-1'))
      .addIf(true, 'MLFLOW_TRACKING_URI', pulumi.output('http://mlflow.tradai-dev.local:5000'))
      .addIf(false, 'ALB_DNS', pulumi.output('never'))
      .addAll({ SERVICE_NAME: 'backend-api', LOG_LEVEL: pulumi.output('INFO') });
    expect(await promiseOf(env.build())).toEqual([
      { name: 'AWS_REGION_NAME', value: 'eu-central-1' },
      { name: 'ENVIRONMENT', value: 'dev' },
      { name: 'LOG_LEVEL', value: 'INFO' },
      { name: 'MLFLOW_TRACKING_URI', value: 'http://mlflow.tradai-dev.local:5000' },
      { name: 'SERVICE_NAME', value: 'backend-api' },
      { name: 'WORKFLOW_STATE_TABLE', value: 'tradai-workflow-state-dev' },
    ]);
    expect(env.names()).not.toContain('ALB_DNS');
  });

  it('buildRecord gives a sorted map', async () => {
    const record = await promiseOf(new EnvironmentBuilder().add('B', '2').addOutput('A', pulumi.output('1')).buildRecord());
    expect(record).toEqual({ A: '1', B: '2' });
    expect(Object.keys(record)).toEqual(['A', 'B']);
  });

  it('the order of add calls does not change the result', async () => {
    const one = await promiseOf(new EnvironmentBuilder().add('X', '1').add('Y', '2').build());
    const two = await promiseOf(new EnvironmentBuilder().add('Y', '2').add('X', '1').build());
    expect(one).toEqual(two);
  });

  it('keeps secretness of secret Outputs', async () => {
    const built = new EnvironmentBuilder().add('A', '1').addOutput('TOKEN', pulumi.secret('s3cr3t')).build();
    expect(await pulumi.isSecret(built)).toBe(true);
  });

  it('rejects bad names, naming the variable', () => {
    expect(() => new EnvironmentBuilder().add('lower_case', 'x')).toThrow('EnvironmentBuilder: variable name "lower_case" must match');
    expect(() => new EnvironmentBuilder().add('1ABC', 'x')).toThrow(/"1ABC"/);
    expect(() => new EnvironmentBuilder().add('WITH-DASH', 'x')).toThrow(/"WITH-DASH"/);
    // addIf checks the name even when the condition is false.
    expect(() => new EnvironmentBuilder().addIf(false, 'bad', 'x')).toThrow(/"bad"/);
  });

  it('rejects duplicates, naming the variable', () => {
    expect(() => new EnvironmentBuilder().add('TABLE', 'a').addOutput('TABLE', pulumi.output('b'))).toThrow('EnvironmentBuilder: variable TABLE is added twice');
    expect(() => new EnvironmentBuilder().add('A', 'a').addAll({ A: 'b' })).toThrow(/A is added twice/);
  });

  it('rejects non-string values when added or resolved', async () => {
    expect(() => new EnvironmentBuilder().add('PORT', 8000 as unknown as string)).toThrow(/PORT must be a string \(got number\)/);
    expect(() => new EnvironmentBuilder().addOutput('X', undefined as unknown as string)).toThrow(/X has no value/);
    const env = new EnvironmentBuilder().addOutput('MISSING', pulumi.output(undefined as unknown as string));
    await expect(promiseOf(env.build())).rejects.toThrow('EnvironmentBuilder: MISSING resolved to undefined, not a string');
  });

  it("buildRecord refuses an environment over Lambda's 4 KB", async () => {
    const env = new EnvironmentBuilder().add('BIG', 'x'.repeat(LAMBDA_ENV_MAX_BYTES));
    await expect(promiseOf(env.buildRecord())).rejects.toThrow(/over Lambda's 4096-byte limit \(BIG\)/);
    // ECS has no such limit.
    expect(await promiseOf(env.build())).toHaveLength(1);
  });
});
