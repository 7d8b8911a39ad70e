#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh into the database DATABASE_URL names, in one
# transaction (all or nothing), after checking the file against its .sha256.
#   DATABASE_URL=postgres://user:pass@host:5432/auterity_restore scripts/restore.sh FILE [--force]
# The target should be an empty database (createdb auterity_restore). A database that already holds
# Auterity tables is refused unless --force is given; then its objects are dropped and replaced.
# Stop the API and workers (or point them elsewhere) before restoring over a live database.
set -euo pipefail

url="${DATABASE_URL:?DATABASE_URL is required (postgres://user:password@host:5432/database)}"
file="${1:?usage: restore.sh FILE [--force]}"
force="${2:-}"

[ -f "$file" ] || { echo "restore: no such file: $file" >&2; exit 1; }
if [ -f "${file}.sha256" ]; then
  (cd "$(dirname "$file")" && sha256sum --check --quiet "$(basename "$file").sha256") || {
    echo "restore: $file does not match its checksum; refusing" >&2
    exit 1
  }
else
  echo "restore: warning: no ${file}.sha256 next to the backup; integrity not checked" >&2
fi

existing="$(psql --no-psqlrc --tuples-only --no-align --dbname="$url" \
  --command="SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")"
if [ "$existing" != "0" ] && [ "$force" != "--force" ]; then
  echo "restore: the target database already has $existing table(s); restore into an empty database, or pass --force to replace them" >&2
  exit 1
fi

pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$url" "$file"
echo "restore complete: $(psql --no-psqlrc --tuples-only --no-align --dbname="$url" \
  --command='SELECT count(*) FROM schema_migrations') migration(s) recorded"
