#!/usr/bin/env bash
# Backs up the Auterity Postgres database to one file (pg_dump custom format: compressed, restorable
# table by table), checks that pg_restore can read it, and writes a SHA-256 next to it.
#   DATABASE_URL=postgres://user:pass@host:5432/auterity scripts/backup.sh [FILE]
# FILE defaults to auterity-<UTC timestamp>.dump in the current directory. The dump is consistent
# (one snapshot) and taken while the API and workers keep running. Secrets in it (credentials) stay
# encrypted with ENCRYPTION_KEY: keep the key, separately, for as long as the backup.
set -euo pipefail

url="${DATABASE_URL:?DATABASE_URL is required (postgres://user:password@host:5432/database)}"
out="${1:-auterity-$(date -u +%Y%m%dT%H%M%SZ).dump}"
partial="${out}.partial"
trap 'rm -f "$partial"' EXIT

pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="$partial" --dbname="$url"
# A file pg_restore cannot list is not a backup.
pg_restore --list "$partial" >/dev/null
mv "$partial" "$out"
(cd "$(dirname "$out")" && sha256sum "$(basename "$out")" >"$(basename "$out").sha256")
echo "backup written: $out ($(du -h "$out" | cut -f1))"
