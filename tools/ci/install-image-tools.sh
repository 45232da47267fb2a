#!/usr/bin/env bash
# Installs what the image e2e (npx nx run images-e2e:e2e) needs: Debian's buildah (builds
# Dockerfiles without a daemon), skopeo (reads images back from a registry) and docker-registry (the
# registry the test starts on 127.0.0.1). Idempotent: does nothing when all three are present.
set -euo pipefail

tools=(buildah skopeo docker-registry)
missing=()
for t in "${tools[@]}"; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "image tools present: $(buildah --version | cut -d' ' -f1-3), $(skopeo --version), docker-registry"
  exit 0
fi

fail() { echo "install-image-tools: $*" >&2; exit 1; }
command -v apt-get >/dev/null 2>&1 || fail "missing ${missing[*]} and no apt-get here: install them with the system's package manager (Debian/Ubuntu packages: ${tools[*]})"
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then exec sudo -n "$0" "$@"; fi
  fail "missing ${missing[*]}: installing needs root (run as root or with passwordless sudo): apt-get install -y --no-install-recommends ${tools[*]}"
fi

# docker-registry's package starts a registry on every interface (:5000) when installed; the tests
# start their own on loopback only, so keep the packaged service from starting (standard Debian hook).
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy"
  trap 'rm -f "$policy"' EXIT
fi

export DEBIAN_FRONTEND=noninteractive
# Install from the current lists first; refresh them only if that fails (a fresh image has none).
if ! apt-get install -y -qq --no-install-recommends "${tools[@]}" >/dev/null 2>&1; then
  apt-get update -qq || fail "apt-get update failed (no network or no package sources?)"
  apt-get install -y -qq --no-install-recommends "${tools[@]}" >/dev/null || fail "apt-get install ${tools[*]} failed (see the output above)"
fi
for t in "${tools[@]}"; do command -v "$t" >/dev/null 2>&1 || fail "$t is still missing after apt-get install"; done
echo "installed image tools: $(buildah --version | cut -d' ' -f1-3), $(skopeo --version)"
