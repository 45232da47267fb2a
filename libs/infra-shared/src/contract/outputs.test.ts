import { describe, expect, it } from 'vitest';
import { fixtureOutputs } from '../testing/fixtures.js';
import { LAYERS, UPSTREAM, outputKeys, parseLayerOutputs } from './outputs.js';

describe('cross-stack contract (seed section 10)', () => {
  it('layers read only layers deployed before them', () => {
    LAYERS.forEach((layer, i) => UPSTREAM[layer].forEach((up) => expect(LAYERS.indexOf(up)).toBeLessThan(i)));
  });

  it('names the seed exports of each layer', () => {
    expect(outputKeys('persistent')).toEqual(expect.arrayContaining(['ecr_repository_urls', 's3_configs_bucket_id', 'dynamodb_workflow_state_table_arn', 'cognito_user_pool_endpoint', 'pulumi_state_bucket_name']));
    expect(outputKeys('persistent').filter((k) => /^dynamodb_.*_table_(name|arn)$/.test(k))).toHaveLength(24);
    // One map for every GSI (`<table>/<index>` -> ARN), not a key per index.
    expect(outputKeys('persistent').filter((k) => k.startsWith('dynamodb_') && !k.includes('_table_'))).toEqual(['dynamodb_index_arns']);
    expect(outputKeys('persistent').filter((k) => /^s3_.*_bucket_id$/.test(k))).toHaveLength(5);
    expect(outputKeys('foundation').filter((k) => k.endsWith('_security_group_id'))).toHaveLength(7);
    expect(outputKeys('compute')).toEqual(expect.arrayContaining(['alb_dns_name', 'alb_https_listener_arn', 'alb_http_listener_arn', 'ecs_cluster_arn', 'backtest_workflow_arn', 'backtest_workflow_name', 'retraining_workflow_name', 'lambda_function_arns']));
    expect(outputKeys('edge').sort()).toEqual(['api_gateway_endpoint', 'api_gateway_id', 'composite_alarm_arn', 'dashboard_url', 'lambda_error_alarm_arns', 'waf_web_acl_arn', 'waf_web_acl_id']);
  });

  it('fixtures of every layer and env satisfy the contract', () => {
    for (const layer of LAYERS) for (const env of ['dev', 'staging', 'prod'] as const) expect(() => fixtureOutputs(layer, env)).not.toThrow();
  });

  it('rejects a missing, mistyped or unknown output, naming each', () => {
    const { vpc_id: _dropped, ...rest } = fixtureOutputs('foundation', 'dev');
    expect(() => parseLayerOutputs('foundation', { ...rest, private_subnet_ids: 'subnet-1', extra: 1 })).toThrow(
      /tradai-foundation outputs break the cross-stack contract:[\s\S]*vpc_id[\s\S]*private_subnet_ids[\s\S]*not in the contract: extra/,
    );
  });
});
