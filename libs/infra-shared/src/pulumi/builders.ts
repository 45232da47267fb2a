import * as pulumi from '@pulumi/pulumi';
import type { AslTemplateLoader } from '../builders/asl-template-loader.js';
import type { PolicyDocument } from '../builders/policy-document.js';

export * from './ami-lookup.js';
export * from './environment-builder.js';

/** Anything that turns into a policy document: a PolicyBuilder, an AssumeRolePolicyBuilder or a document. */
export type PolicySource = PolicyDocument | { build(): PolicyDocument };

/**
 * How stack code builds IAM policies from Outputs: the pure builders take strings, so this
 * resolves `inputs` (ARNs as Outputs, arrays of them, plain strings) and calls `build` with the
 * plain values; the builder's checks run on the real ARNs. Returns the JSON that
 * `aws.iam.RolePolicy.policy` / `aws.iam.Role.assumeRolePolicy` take.
 *
 * @example
 * policy: policyJson({ tables: tableArns, bucket: bucket.arn }, (r) =>
 *   new PolicyBuilder('backend-api').withDynamoDbCrud(r.tables).withS3ReadWrite([r.bucket]))
 */
export function policyJson<T extends object>(inputs: T, build: (resolved: pulumi.Unwrap<T>) => PolicySource): pulumi.Output<string> {
  return pulumi.output(inputs).apply((resolved) => {
    const source = build(resolved as pulumi.Unwrap<T>);
    return JSON.stringify('build' in source ? source.build() : source);
  });
}

/**
 * The `definition` of an `aws.sfn.StateMachine`: resolves `vars` (Lambda ARNs, subnet ids, ...)
 * and renders `template` with the loader (parse + ASL validation + refusals on the real values).
 */
export function aslDefinitionJson<T extends object>(loader: AslTemplateLoader, template: string, vars: T): pulumi.Output<string> {
  return pulumi.output(vars).apply((resolved) => loader.renderJson(template, resolved as Record<string, unknown>));
}
