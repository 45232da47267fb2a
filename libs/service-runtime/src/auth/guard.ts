import { findRoute, routeTemplate, type ApiRoute, type HttpMethod, type ServiceEndpointName } from '@tradai/contracts';
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';

/** The token check for one API_ROUTES row, as an onRequest hook (requireAccess of the row's access). */
export type Authorize = (route: ApiRoute) => (req: FastifyRequest, reply: FastifyReply) => Promise<void>;

/**
 * onRoute hook for a service's API scope: every route registered after it gets the check of its
 * API_ROUTES row, first among its onRequest hooks (before body validation, so an anonymous caller
 * learns nothing about the API), and a route the table does not give to `service` stops the start
 * (it would be unreachable behind API Gateway, and ungoverned). Register it in the encapsulated
 * scope of the API routes, so /health and /openapi.json stay open.
 */
export function guardApiRoutes(service: ServiceEndpointName, authorize: Authorize) {
  return (opts: RouteOptions): void => {
    // Fastify adds a HEAD route beside each GET; it is the GET row's.
    const methods = (Array.isArray(opts.method) ? opts.method : [opts.method]).map((m) => (m === 'HEAD' ? 'GET' : m));
    for (const method of methods) {
      const route = findRoute(method as HttpMethod, routeTemplate(opts.url));
      if (!route?.access || route.target !== service) throw new Error(`${method} ${routeTemplate(opts.url)} is not an authenticated ${service} route in API_ROUTES`);
      const existing = opts.onRequest ? (Array.isArray(opts.onRequest) ? opts.onRequest : [opts.onRequest]) : [];
      opts.onRequest = [authorize(route), ...existing];
    }
  };
}
