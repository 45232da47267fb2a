# Node service images (backend, data-collection, strategy-service, live-trading, dry-run-trading).
# Build context: dist/apps/services/<name>, the esbuild bundle of tools/containers/build.ts only
# (main.mjs, main.mjs.map, package.json), so the content tag hashes exactly what runs. Everything is
# bundled (AWS SDK, Fastify, ccxt): no node_modules and no npm install in the image, which is why a
# build stage is not needed here — esbuild is the build stage, and only its output is the context.
# BASE_IMAGE is overridable so offline builds can use a locally made base (no public pulls here).
ARG BASE_IMAGE=node:22-alpine
FROM ${BASE_IMAGE}
WORKDIR /app
# The bundle is minified: without source maps, stack traces in the logs point into main.mjs line 1.
ENV NODE_ENV=production NODE_OPTIONS=--enable-source-maps
COPY main.mjs main.mjs.map package.json /app/
USER node
# The same probe the ALB and Cloud Map use: the service's own port and health path (set by compute).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.SERVICE_PORT}${process.env.HEALTH_PATH || '/health'}`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "/app/main.mjs"]
