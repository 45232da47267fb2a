// A minimal foundation program for the synth tests: reads persistent through the contract.
import * as aws from '@pulumi/aws';
import { defineOutputs, stackConfig, upstream } from '@tradai/infra-shared/pulumi';
import { fixtureOutputs } from '@tradai/infra-shared/testing';

export default function main() {
  const cfg = stackConfig();
  const persistent = upstream('persistent', cfg);
  const queue = new aws.sqs.Queue('backtest', { name: persistent.require('s3_configs_bucket_id').apply((b) => `${b}-queue`) });
  const base = fixtureOutputs('foundation', cfg.environment);
  return defineOutputs('foundation', { ...base, backtest_queue_url: queue.url });
}
