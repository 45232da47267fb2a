/**
 * The local API Gateway: the routes of API_ROUTES with the authorization the edge stack gives them
 * (planRoutes: the same function API Gateway's routes are built from), then
 * - `sqs:backtest` -> SQS SendMessage with the request body as the message, as the HTTP API's
 *   SQS-SendMessage integration does (sqsSendMessageParameters); nothing is validated here;
 * - every other target -> a proxy to the service process that owns it (the VPC Link + ALB).
 * The JWT authorizer: a valid access token of the local issuer (signature, issuer, expiry,
 * client id) carrying one of the route's authorization scopes; else 401 / 403 with API Gateway's
 * bodies. Plus Cognito's `/oauth2/token` client-credentials endpoint for the local M2M client.
 */
import { randomUUID, createHash, timingSafeEqual } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import replyFrom from '@fastify/reply-from';
import { API_SCOPES, API_ROUTES, fastifyPath, scopeClaim, type ApiScope } from '@tradai/contracts';
import { bearerToken, type LocalIdp, type TokenVerifier } from '@tradai/service-runtime';
import Fastify, { type FastifyInstance, type HTTPMethods } from 'fastify';
import { planRoutes, sqsSendMessageParameters, type RoutePlan } from '../../../infra/edge/modules/api_gateway.logic.js';

export interface GatewayOptions {
  readonly verify: TokenVerifier;
  readonly idp: Pick<LocalIdp, 'm2mToken' | 'm2mClientId'>;
  /** Secret of the local M2M client at /oauth2/token. */
  readonly m2mClientSecret: string;
  readonly sqs: SQSClient;
  readonly backtestQueueUrl: string;
  /** Origin of each proxied target (`http://127.0.0.1:8000`). */
  readonly upstreams: Readonly<Record<string, string>>;
}

const ALL_METHODS: HTTPMethods[] = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];

/** API Gateway's `{proxy+}` greedy segment -> Fastify's wildcard; `{id}` -> `:id` (pure). */
export function gatewayPath(template: string): string {
  return fastifyPath(template.replace(/\{[^}]+\+\}/g, '*'));
}

/**
 * The JWT authorizer's scope check (pure): true when the route lists authorization scopes and the
 * verified token carries none of them (user access tokens carry openid, which user routes list).
 */
export function scopeDenied(plan: RoutePlan, tokenScopes: readonly string[]): boolean {
  return plan.authorizationScopes.length > 0 && !plan.authorizationScopes.some((s) => tokenScopes.includes(s));
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = text.indexOf(':');
  return i < 0 ? undefined : { id: text.slice(0, i), secret: text.slice(i + 1) };
}

const sameSecret = (a: string, b: string) => timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

export async function buildGateway(o: GatewayOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(replyFrom, { undici: { connections: 64, pipelining: 1 } });
  // Bodies pass through untouched (API Gateway does not parse them): the SQS message is the raw body.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 10 * 1024 * 1024 }, (_req, body, done) => done(null, body));

  app.setNotFoundHandler((_req, reply) => reply.status(404).send({ message: 'Not Found' }));

  app.post('/oauth2/token', async (req, reply) => {
    const form = new URLSearchParams(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '');
    const creds = basicCredentials(req.headers.authorization) ?? { id: form.get('client_id') ?? '', secret: form.get('client_secret') ?? '' };
    if (form.get('grant_type') !== 'client_credentials') return reply.status(400).send({ error: 'unsupported_grant_type' });
    if (creds.id !== o.idp.m2mClientId || !sameSecret(creds.secret, o.m2mClientSecret)) return reply.status(400).send({ error: 'invalid_client' });
    const asked = (form.get('scope') ?? '').split(' ').filter(Boolean);
    const known = new Map(API_SCOPES.map((s) => [scopeClaim(s), s]));
    const unknown = asked.filter((s) => !known.has(s));
    if (unknown.length > 0) return reply.status(400).send({ error: 'invalid_scope', error_description: `unknown scope ${unknown.join(' ')}` });
    // No scope asked: every scope the client is allowed (Cognito's behaviour).
    const scopes: ApiScope[] = asked.length > 0 ? asked.map((s) => known.get(s)!) : [...API_SCOPES];
    return { access_token: o.idp.m2mToken(scopes), expires_in: 3600, token_type: 'Bearer' };
  });

  for (const plan of planRoutes(API_ROUTES)) {
    const [method, template] = plan.routeKey.split(' ') as [string, string];
    app.route({
      method: method === 'ANY' ? ALL_METHODS : (method as HTTPMethods),
      url: gatewayPath(template),
      handler: async (req, reply) => {
        if (plan.authorizationType === 'JWT') {
          const token = bearerToken(req.headers.authorization);
          if (!token) return reply.status(401).header('www-authenticate', 'Bearer').send({ message: 'Unauthorized' });
          let scopes: readonly string[];
          try {
            scopes = (await o.verify(token)).scopes;
          } catch {
            return reply.status(401).header('www-authenticate', 'Bearer error="invalid_token"').send({ message: 'Unauthorized' });
          }
          if (scopeDenied(plan, scopes)) return reply.status(403).send({ message: 'Forbidden' });
        }
        if (plan.target === 'sqs:backtest') {
          const params = sqsSendMessageParameters(o.backtestQueueUrl);
          const res = await o.sqs.send(new SendMessageCommand({ QueueUrl: params.QueueUrl, MessageBody: Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '' }));
          return reply.status(200).send({
            SendMessageResponse: { SendMessageResult: { MessageId: res.MessageId, MD5OfMessageBody: res.MD5OfMessageBody }, ResponseMetadata: { RequestId: randomUUID() } },
          });
        }
        const upstream = o.upstreams[plan.target];
        if (!upstream) return reply.status(503).send({ message: `Service Unavailable: nothing runs ${plan.target} locally` });
        // The bytes as received: reply-from would re-encode a parsed body.
        const raw = Buffer.isBuffer(req.body) && req.body.length > 0 ? req.body : undefined;
        return reply.from(`${upstream}${req.url}`, raw ? { body: raw, contentType: req.headers['content-type'] ?? 'application/octet-stream' } : {});
      },
    });
  }
  return app;
}
