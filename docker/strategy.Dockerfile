# Strategy images (apps/strategies/<name>): the task the backtest and retraining workflows run.
# The build context is dist/apps/strategies/<name> only (main.mjs, its map and package.json from
# tools/containers/build.ts, AWS SDK included): esbuild is the build stage, so one stage here, and the
# three runtime files are named so nothing else that lands in the context reaches the image.
# BASE_IMAGE is overridable so offline builds can use a locally made base (no public pulls here).
ARG BASE_IMAGE=node:22-alpine
FROM ${BASE_IMAGE}
WORKDIR /app
# Source maps make the one-line cause and stack traces point at TypeScript.
ENV NODE_ENV=production NODE_OPTIONS=--enable-source-maps
COPY main.mjs main.mjs.map package.json lightweight-charts.standalone.production.js /app/
# Root owns the files (read-only to the task); the task runs as node.
USER node
# MODE (backtest | train) and the rest come from the task definition and the workflow overrides.
CMD ["node", "/app/main.mjs"]
