import { randomUUID } from 'node:crypto';

/**
 * Headers carrying a request id, most specific first: API Gateway REST (`x-amzn-requestid`), HTTP
 * APIs (`apigw-requestid`), then the generic one a caller or the local gateway may set. Logging the
 * gateway's id as reqId lets one search join the gateway's access log and the service's log lines.
 */
export const REQUEST_ID_HEADERS = ['x-amzn-requestid', 'apigw-requestid', 'x-request-id'] as const;

/** Longest id taken from a header; anything longer (or with odd characters) is replaced, not logged. */
const ID_PATTERN = /^[\w.:/=+-]{1,128}$/;

/** The request id from the first usable header, else a fresh UUID. */
export function requestIdFrom(headers: Readonly<Record<string, string | string[] | undefined>>, generate: () => string = randomUUID): string {
  for (const name of REQUEST_ID_HEADERS) {
    const raw = headers[name];
    const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
    if (value && ID_PATTERN.test(value)) return value;
  }
  return generate();
}
