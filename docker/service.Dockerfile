# Node service images (backend, data-collection, strategy-service, live-trading, dry-run-trading).
# The build context is apps/services/<name> only; the tag is the content hash of that context,
# this file and the base reference (libs/infra-shared images/image-tag.ts).
# BASE_IMAGE is overridable so offline builds can use a locally made base (no public pulls here).
ARG BASE_IMAGE=node:22-alpine
FROM ${BASE_IMAGE}
WORKDIR /app
COPY . /app
ENV NODE_ENV=production
USER node
CMD ["node", "/app/server.mjs"]
