#!/usr/bin/env bash
# The production-profile test (tests/test_production.py) runs its own throwaway PostgreSQL and Redis from Debian's
# packages; nothing is downloaded besides the packages.
set -euo pipefail
missing=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "FOUT: ${missing[*]} ontbreekt voor de test van het productieprofiel. Installeer met: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "${missing[*]} (Debian-pakketten) installeren voor de test van het productieprofiel ..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
