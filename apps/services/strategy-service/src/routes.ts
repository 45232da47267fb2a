import { fastifyPath } from '@tradai/contracts';
import type { ConfigVersionRepo } from '@tradai/domain';
import { problemResponses } from '@tradai/service-runtime';
import { guardApiRoutes, requireAccess, type TokenVerifier } from '@tradai/service-runtime';
import type { S3Client } from '@aws-sdk/client-s3';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ConfigResult, CreateStrategyBody, ListQuery, NameParams, PutConfigBody, Strategy, StrategyList, VersionList, VersionsQuery } from './schemas.js';
import { StrategyStore } from './store.js';
import { Strategies } from './strategies.js';

/** API_ROUTES rows 7-11 in the gateway's form; Fastify paths are these with `{name}` as `:name`. */
export const STRATEGY_ROUTES = {
  list: { method: 'GET', path: '/api/v1/strategies' },
  create: { method: 'POST', path: '/api/v1/strategies' },
  get: { method: 'GET', path: '/api/v1/strategies/{name}' },
  putConfig: { method: 'PUT', path: '/api/v1/strategies/{name}/config' },
  versions: { method: 'GET', path: '/api/v1/strategies/{name}/versions' },
} as const;


export interface StrategyRoutesDeps {
  readonly s3: S3Client;
  readonly configsBucket: string;
  readonly configVersions: ConfigVersionRepo;
  /** Checks the caller's token (createTokenVerifier in @tradai/service-runtime). */
  readonly verify: TokenVerifier;
  readonly now?: () => Date;
}

const TAGS = ['strategies'];
const AUTH_PROBLEMS = [401, 403, 503] as const;

/**
 * The strategy routes as a plugin for any Fastify instance with the zod type provider. Each route
 * checks its API_ROUTES access row, validates params/query/body and declares its answers.
 */
export const strategyRoutes: FastifyPluginAsyncZod<{ deps: StrategyRoutesDeps }> = async (app, { deps }) => {
  const strategies = new Strategies(new StrategyStore(deps), deps.now);
  // Every route below gets the check of its API_ROUTES row; a route the table lacks stops the start.
  app.addHook('onRoute', guardApiRoutes('strategy-service', (route) => requireAccess(deps.verify, route.access!)));

  app.get(
    fastifyPath(STRATEGY_ROUTES.list.path),
    {
      schema: { summary: 'List strategies (by name, paged)', tags: TAGS, querystring: ListQuery, response: { 200: StrategyList, ...problemResponses(400, ...AUTH_PROBLEMS) } },
    },
    async (req) => strategies.list(req.query.limit, req.query.cursor),
  );

  app.post(
    fastifyPath(STRATEGY_ROUTES.create.path),
    {
      schema: { summary: 'Create a strategy with its declared parameters', tags: TAGS, body: CreateStrategyBody, response: { 201: Strategy, ...problemResponses(400, 409, ...AUTH_PROBLEMS) } },
    },
    async (req, reply) => reply.status(201).send(await strategies.create(req.body)),
  );

  app.get(
    fastifyPath(STRATEGY_ROUTES.get.path),
    {
      schema: { summary: 'A strategy with its latest config version and the image it runs', tags: TAGS, params: NameParams, response: { 200: Strategy, ...problemResponses(400, 404, ...AUTH_PROBLEMS) } },
    },
    async (req) => strategies.get(req.params.name),
  );

  app.put(
    fastifyPath(STRATEGY_ROUTES.putConfig.path),
    {
      schema: {
        summary: 'Add the next config version',
        description: 'Checks the parameters against the declared specs, writes an immutable config file and appends the next version (conditional write).',
        tags: TAGS,
        params: NameParams,
        body: PutConfigBody,
        response: { 201: ConfigResult, ...problemResponses(400, 404, 409, ...AUTH_PROBLEMS) },
      },
    },
    async (req, reply) => reply.status(201).send(await strategies.putConfig(req.params.name, req.body)),
  );

  app.get(
    fastifyPath(STRATEGY_ROUTES.versions.path),
    {
      schema: { summary: 'Config versions, newest first (paged)', tags: TAGS, params: NameParams, querystring: VersionsQuery, response: { 200: VersionList, ...problemResponses(400, 404, ...AUTH_PROBLEMS) } },
    },
    async (req) => strategies.versions(req.params.name, req.query.limit, req.query.cursor),
  );
};
