#!/usr/bin/env bash
# Validates compose.yaml with a real Compose implementation (no Docker engine needed): `docker compose config` when
# the Docker CLI has the plugin, else Debian's `docker-compose` (apt-get install -y docker-compose).
# Usage: validate-compose.sh [compose file]   (default: docker/compose.yaml)
set -euo pipefail
file="$(realpath "${1:-$(dirname "$0")/compose.yaml}")"
cd "$(dirname "$0")"
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
else
  echo "no Compose implementation found: apt-get install -y docker-compose" >&2
  exit 2
fi
"${compose[@]}" -f "$file" config --quiet
"${compose[@]}" -f "$file" --profile cli config --services | sort | tr '\n' ' ' | grep -qx 'cli node1 node2 node3 postgres simulator '
echo "compose.yaml is valid: postgres, simulator, node1-3 and the cli profile"
