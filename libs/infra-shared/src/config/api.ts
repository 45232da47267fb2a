// The route table lives in contracts, where the services and the local gateway read it too.
export { ALB_MAX_VALUES_PER_RULE, ALB_PATH_PATTERNS, API_ROUTES, routeKey, type ApiRoute, type HttpMethod, type RouteTarget } from '@tradai/contracts';

/** API_THROTTLING: stage default, and the backtest submission route (it fans out to ECS tasks). */
export const API_THROTTLING = {
  default: { rateLimit: 100, burstLimit: 200 },
  routes: { 'POST /api/v1/backtests': { rateLimit: 10, burstLimit: 20 } },
} as const;
