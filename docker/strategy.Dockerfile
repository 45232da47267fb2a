# Strategy images (apps/strategies/<name>): the task the backtest and retraining workflows run.
# The build context is dist/apps/strategies/<name> only (main.mjs, its map and package.json from
# tools/containers/build.ts, AWS SDK included), so nothing else of the repository reaches the image.
# BASE_IMAGE is overridable so offline builds can use a locally made base (no public pulls here).
ARG BASE_IMAGE=node:22-alpine
FROM ${BASE_IMAGE}
WORKDIR /app
COPY . /app
ENV NODE_ENV=production
# Source maps make the one-line cause and stack traces point at TypeScript.
ENV NODE_OPTIONS=--enable-source-maps
USER node
# MODE (backtest | train) and the rest come from the task definition and the workflow overrides.
CMD ["node", "/app/main.mjs"]
