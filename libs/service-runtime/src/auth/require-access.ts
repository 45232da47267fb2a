import { API_ROUTES, routeKey, type ApiRoute, type HttpMethod, type RouteAccess } from '@tradai/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../problem.js';
import { accessDenial, type Principal } from './access.js';
import type { TokenVerifier } from './verifier.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller, set by {@link requireAccess} before the handler runs. */
    principal?: Principal;
  }
}

/**
 * The access row of the API_ROUTES entry `method path` (path in the gateway's `{name}` form).
 * Throws at start-up for a route the table does not have or leaves public, so a service cannot
 * serve an `/api/v1` route the matrix does not govern.
 */
export function accessFor(method: HttpMethod, path: string, routes: readonly ApiRoute[] = API_ROUTES): RouteAccess {
  const route = routes.find((r) => r.method === method && r.path === path);
  if (!route) throw new Error(`API_ROUTES has no route ${method} ${path}`);
  if (!route.access) throw new Error(`API_ROUTES ${routeKey(route)} is public: it needs no requireAccess`);
  return route.access;
}

/** `Bearer <token>` -> token; anything else -> undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer[ ]+([A-Za-z0-9\-_.=]+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

/**
 * Request hook enforcing `access`, defence in depth behind API Gateway (whose JWT authorizer cannot
 * read groups). Register it as the route's `onRequest`: it then runs before body parsing and
 * validation, so an unauthenticated caller learns nothing about the schema. No token, or an invalid,
 * expired or foreign one -> 401 with `WWW-Authenticate: Bearer`; a valid token outside the route's
 * groups and scopes -> 403. Both answer as problem documents.
 */
export function requireAccess(verify: TokenVerifier, access: RouteAccess) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const token = bearerToken(req.headers.authorization);
    if (!token) {
      reply.header('www-authenticate', 'Bearer');
      throw new HttpError(401, 'missing bearer token: send "Authorization: Bearer <access token>"');
    }
    let principal: Principal;
    try {
      principal = await verify(token);
    } catch (err) {
      if (err instanceof HttpError && err.statusCode === 401) reply.header('www-authenticate', 'Bearer error="invalid_token"');
      throw err;
    }
    const denial = accessDenial(principal, access);
    if (denial) throw new HttpError(403, `forbidden: ${denial}`);
    req.principal = principal;
  };
}
