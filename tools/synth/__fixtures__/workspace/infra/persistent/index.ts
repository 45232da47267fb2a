// A minimal persistent program for the synth tests: real resources, contract outputs.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { defineOutputs, stackConfig } from '@tradai/infra-shared/pulumi';
import { fixtureOutputs } from '@tradai/infra-shared/testing';

class Store extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  constructor(name: string) {
    super('tradai:fixture:Store', name);
    this.bucket = new aws.s3.Bucket(`${name}-bucket`, { bucket: `tradai-${name}-fixture` }, { parent: this });
  }
}

export default function main() {
  const cfg = stackConfig();
  const store = new Store('configs');
  const base = fixtureOutputs('persistent', cfg.environment);
  return defineOutputs('persistent', { ...base, s3_configs_bucket_id: store.bucket.bucket });
}
