# Shared image for the 18 TradAI Lambdas. Build context: dist/apps/lambdas/<name> (the esbuild bundle only:
# index.mjs, index.mjs.map, package.json), so the content tag hashes exactly what runs.
#
# Base image pinned by digest (no mutable tag). This digest of public.ecr.aws/lambda/nodejs:22 was found
# pinned in public repositories (code search; one uses it with --platform linux/amd64 and linux/arm64, so it
# is the multi-arch index). It could NOT be verified against the registry from the offline build machine:
# before relying on it run `skopeo inspect --format '{{.Digest}}' docker://public.ecr.aws/lambda/nodejs:22`
# (or `crane digest`) and update it here. Offline builds override it with --build-arg BASE_IMAGE=<local base>.
ARG BASE_IMAGE=public.ecr.aws/lambda/nodejs:22@sha256:c71939cdffffb125e6255fdb284ccde3c748bcba60658c7efc6d3a2241b2398b
FROM ${BASE_IMAGE}

# The bundle is minified: without this, stack traces in the logs point into index.mjs line 1.
ENV NODE_OPTIONS=--enable-source-maps

COPY index.mjs index.mjs.map package.json ${LAMBDA_TASK_ROOT}/

# No USER: Lambda runs the function as its own least-privileged user (Lambda guide, container image
# requirements), so the files only need to be readable by others; the image e2e loads them as nobody.

CMD ["index.handler"]
