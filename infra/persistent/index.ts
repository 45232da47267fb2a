import { ownsAccountResources, pulumiStateBucketName } from '@tradai/infra-shared';
import { defineOutputs, stackConfig } from '@tradai/infra-shared/pulumi';
import { AuditTrail, cloudtrailLogsBucketStatements } from './modules/cloudtrail.js';
import { CodeArtifact } from './modules/codeartifact.js';
import { Cognito } from './modules/cognito.js';
import { DynamoDbTables } from './modules/dynamodb.js';
import { EcrRepositories } from './modules/ecr.js';
import { dataLifecycle } from './modules/lifecycle.js';
import { PulumiBackend } from './modules/pulumi_backend.js';
import { S3Buckets } from './modules/s3.js';

/**
 * tradai-persistent (seed section 4): the data-bearing resources that survive dev-cycle
 * teardowns. Buckets, tables, repositories, the user pool and the package registry are
 * retained when the stack is destroyed and protected in prod; only down-persistent's teardown
 * run makes them deletable (modules/lifecycle.ts, TEARDOWN.md).
 */
export default function main() {
  const cfg = stackConfig();
  // Management events are account-wide: in a shared account one trail (the owner's) records them
  // all; a second trail would bill every event again ($2 per 100,000) and duplicate the log.
  const ownsTrail = ownsAccountResources(cfg);
  // A teardown switch meant for another environment (or prod without unprotect) stops here, before any resource.
  dataLifecycle(cfg);

  const s3 = new S3Buckets('s3', {
    cfg,
    extraAccessLogSources: [pulumiStateBucketName(cfg.environment)],
    logsBucketStatements: ownsTrail ? cloudtrailLogsBucketStatements(cfg) : undefined,
  });
  const state = new PulumiBackend('pulumi-backend', { cfg, logsBucket: s3.buckets.logs.bucket.bucket, logsBucketPolicy: s3.logsBucketPolicy });
  if (ownsTrail) new AuditTrail('cloudtrail', { cfg, bucketName: s3.buckets.logs.bucket.bucket, bucketPolicy: s3.logsBucketPolicy });
  const dynamodb = new DynamoDbTables('dynamodb', { cfg });
  const ecr = new EcrRepositories('ecr', { cfg });
  const cognito = new Cognito('cognito', { cfg });
  const codeartifact = new CodeArtifact('codeartifact', { cfg });

  return defineOutputs('persistent', {
    ecr_repository_urls: ecr.repositoryUrls,
    ecr_repository_arns: ecr.repositoryArns,
    s3_bucket_ids: s3.bucketIds,
    s3_bucket_arns: s3.bucketArns,
    ...s3.bucketIdExports,
    ...dynamodb.tableExports,
    dynamodb_index_arns: dynamodb.indexArns,
    cognito_user_pool_id: cognito.userPool.id,
    cognito_user_pool_client_id: cognito.webClient.id,
    cognito_m2m_client_id: cognito.m2mClient.id,
    cognito_user_pool_endpoint: cognito.userPool.endpoint,
    cognito_m2m_secret_arn: cognito.m2mSecret.arn,
    codeartifact_domain_name: codeartifact.domain.domain,
    codeartifact_repository_endpoint: codeartifact.repositoryEndpoint,
    pulumi_state_bucket_name: state.bucketName,
  });
}
