import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { tableEnvName } from '@tradai/contracts';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { EnvError } from '@tradai/domain';

/**
 * One structured JSON logger per function, created at module scope. Level comes from
 * POWERTOOLS_LOG_LEVEL (default INFO); service name from POWERTOOLS_SERVICE_NAME or `service`.
 */
export function createLogger(service: string, source: Readonly<Record<string, string | undefined>> = process.env): Logger {
  return new Logger({
    serviceName: source.POWERTOOLS_SERVICE_NAME ?? service,
    logLevel: (source.POWERTOOLS_LOG_LEVEL as 'INFO' | undefined) ?? 'INFO',
    persistentKeys: { environment: source.TRADAI_ENVIRONMENT ?? 'unknown' },
  });
}

/**
 * Powertools idempotency persistence on the shared idempotency table (key `id`, expiry
 * `expiration`: TABLE_SCHEMAS.idempotency uses Powertools' defaults). Pass the function's
 * DynamoDBClient so tests can point it at dynalite.
 */
export function idempotencyPersistence(client: DynamoDBClient, env: Readonly<Record<string, string | undefined>>): DynamoDBPersistenceLayer {
  const variable = tableEnvName('idempotency');
  const tableName = env[variable];
  if (!tableName) throw new EnvError(`missing environment variable ${variable} (idempotency table)`, [variable]);
  return new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client, keyAttr: 'id', expiryAttr: 'expiration' });
}

/** Options for {@link idempotent}. */
export interface IdempotentOptions {
  /** JMESPath into the function's first argument that names the idempotency key. */
  readonly key: string;
  /** How long a completed key blocks repeats; default 24 h (longer than SQS's 14-day max is pointless and costly). */
  readonly expiresAfterSeconds?: number;
}

/**
 * Wraps `fn` so a second call with the same key returns the stored result instead of running
 * again; a call that throws leaves no record, so a retry runs it. Returns the wrapped function
 * and its config, whose `registerLambdaContext(context)` must be called once per invocation
 * (Powertools uses the remaining time to expire in-progress records of timed-out invocations).
 */
export function idempotent<A extends Record<string, unknown>, R>(
  fn: (arg: A) => Promise<R>,
  persistenceStore: DynamoDBPersistenceLayer,
  options: IdempotentOptions,
): { run: (arg: A) => Promise<R>; config: IdempotencyConfig } {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: options.key,
    expiresAfterSeconds: options.expiresAfterSeconds ?? 24 * 3600,
    throwOnNoIdempotencyKey: true,
  });
  const run = makeIdempotent(fn, { persistenceStore, config }) as (arg: A) => Promise<R>;
  return { run, config };
}

/**
 * SQS handler with partial batch failures: each record is handled on its own and only the
 * failed ones are returned in `batchItemFailures` (the event source mapping must enable
 * ReportBatchItemFailures). A full-batch failure is returned, not thrown, so SQS retries exactly
 * the failed records either way. Failures are logged with the message id and error.
 */
export function sqsBatchHandler(
  recordHandler: (record: SQSRecord, context: Context) => Promise<unknown>,
  logger: Logger,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  return async (event, context) => {
    const processor = new BatchProcessor(EventType.SQS);
    const handle = async (record: SQSRecord) => {
      try {
        return await recordHandler(record, context);
      } catch (err) {
        logger.error('record failed', { messageId: record.messageId, error: err as Error });
        throw err;
      }
    };
    return processPartialResponse(event, handle, processor, { context, throwOnFullBatchFailure: false });
  };
}
