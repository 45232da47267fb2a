/**
 * The AWS APIs no emulator covers, on 127.0.0.1, in the wire protocols the SDK speaks, so the
 * handlers and the service processes use their ordinary clients (AWS_ENDPOINT_URL_SFN / _ECR /
 * _LAMBDA point here):
 * - Step Functions (JSON 1.0): StartExecution, StopExecution, DescribeExecution over {@link LocalStepFunctions};
 * - ECR (JSON 1.1): DescribeImages over the images the platform "pushed";
 * - Lambda (REST): Invoke (RequestResponse) of the in-process handlers, errors as `X-Amz-Function-Error`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsApiError, type Execution, type LocalStepFunctions } from './executions.js';

/** An image in the local registry: repository name and digest. */
export interface LocalImage {
  readonly repositoryName: string;
  readonly imageDigest: string;
}

export interface AwsApiOptions {
  readonly stepFunctions: LocalStepFunctions;
  readonly images: readonly LocalImage[];
  /** Function name -> handler; an unknown name answers ResourceNotFoundException. */
  readonly invoke: (functionName: string, event: unknown) => Promise<unknown> | undefined;
}

export interface AwsApi {
  readonly endpoint: string;
  stop(): Promise<void>;
}

const seconds = (d: Date | undefined) => (d ? d.getTime() / 1000 : undefined);

function describeView(e: Execution) {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: seconds(e.startDate),
    stopDate: seconds(e.stopDate),
    input: e.input,
    output: e.output,
    error: e.error,
    cause: e.cause,
  };
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, payload: unknown, contentType = 'application/x-amz-json-1.0', headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, ...headers });
  res.end(JSON.stringify(payload ?? null));
}

/** JSON-protocol operations by X-Amz-Target. */
function jsonOperations(o: AwsApiOptions): Record<string, (input: Record<string, unknown>) => unknown> {
  const sfn = o.stepFunctions;
  return {
    'AWSStepFunctions.StartExecution': (i) => {
      const e = sfn.start(String(i['stateMachineArn']), String(i['name'] ?? crypto.randomUUID()), String(i['input'] ?? '{}'));
      return { executionArn: e.executionArn, startDate: seconds(e.startDate) };
    },
    'AWSStepFunctions.StopExecution': (i) => {
      const e = sfn.stop(String(i['executionArn']), i['cause'] === undefined ? undefined : String(i['cause']));
      return { stopDate: seconds(e.stopDate ?? new Date()) };
    },
    'AWSStepFunctions.DescribeExecution': (i) => describeView(sfn.describe(String(i['executionArn']))),
    'AmazonEC2ContainerRegistry_V20150921.DescribeImages': (i) => {
      const repo = String(i['repositoryName']);
      const ids = (i['imageIds'] as { imageDigest?: string; imageTag?: string }[] | undefined) ?? [];
      const found = o.images.filter((img) => img.repositoryName === repo && (ids.length === 0 || ids.some((id) => id.imageDigest === img.imageDigest)));
      if (found.length === 0) {
        if (!o.images.some((img) => img.repositoryName === repo)) throw new AwsApiError('RepositoryNotFoundException', `The repository with name '${repo}' does not exist in the registry`);
        throw new AwsApiError('ImageNotFoundException', `The image with imageId {imageDigest:'${ids[0]?.imageDigest ?? ''}'} does not exist within the repository with name '${repo}'`);
      }
      return { imageDetails: found.map((img) => ({ ...img, registryId: '000000000000', imagePushedAt: 0 })) };
    },
  };
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/** Starts the local AWS control-plane endpoint on a random 127.0.0.1 port. */
export async function startAwsApi(o: AwsApiOptions): Promise<AwsApi> {
  const ops = jsonOperations(o);
  const server: Server = createServer((req, res) => {
    void (async () => {
      const text = await body(req);
      const target = req.headers['x-amz-target'];
      if (typeof target === 'string') {
        const op = ops[target];
        const type = target.startsWith('AWSStepFunctions') ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1';
        if (!op) return sendJson(res, 400, { __type: 'UnknownOperationException', message: `${target} is not implemented locally` }, type);
        try {
          return sendJson(res, 200, await op(text ? (JSON.parse(text) as Record<string, unknown>) : {}), type);
        } catch (err) {
          const e = err instanceof AwsApiError ? err : new AwsApiError('InternalFailure', (err as Error).message, 500);
          return sendJson(res, e.statusCode, { __type: e.name, message: e.message }, type, { 'x-amzn-errortype': e.name });
        }
      }
      const m = INVOKE_PATH.exec(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
      if (req.method === 'POST' && m) {
        const fn = decodeURIComponent(m[1]!).split(':').at(-1)!;
        let event: unknown;
        try {
          event = text ? JSON.parse(text) : {};
        } catch {
          return sendJson(res, 400, { Type: 'User', message: 'Could not parse request body into json' }, 'application/json', { 'x-amzn-errortype': 'InvalidRequestContentException' });
        }
        const pending = o.invoke(fn, event);
        if (!pending) {
          return sendJson(res, 404, { Type: 'User', Message: `Function not found: ${fn}` }, 'application/json', { 'x-amzn-errortype': 'ResourceNotFoundException' });
        }
        try {
          return sendJson(res, 200, await pending, 'application/json', { 'x-amz-executed-version': '$LATEST' });
        } catch (err) {
          // What the Node.js runtime returns for a thrown error: 200, the error in the payload.
          const e = err as Error;
          return sendJson(res, 200, { errorType: e.name || 'Error', errorMessage: e.message }, 'application/json', { 'x-amz-function-error': 'Unhandled' });
        }
      }
      sendJson(res, 404, { message: `no local AWS API at ${req.method} ${req.url}` }, 'application/json');
    })().catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { message: (err as Error).message }, 'application/json');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
