#!/bin/sh
# One-shot job (postgres image): creates the loan engine's own role and database next to
# Temporal's. Idempotent, so it also works on a data volume that already exists (unlike
# /docker-entrypoint-initdb.d scripts, which run only on an empty volume).
#   PGHOST/PGPORT/PGUSER/PGPASSWORD          superuser connection (libpq variables)
#   APP_DB_NAME/APP_DB_USER/APP_DB_PASSWORD  what to create
set -eu

: "${APP_DB_NAME:?}" "${APP_DB_USER:?}" "${APP_DB_PASSWORD:?}"

attempt=0
until pg_isready -h "${PGHOST:-postgresql}" -p "${PGPORT:-5432}" -U "${PGUSER:-postgres}" >/dev/null 2>&1; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 30 ]; then
    echo "PostgreSQL is not ready" >&2
    exit 1
  fi
  sleep 2
done

psql -v ON_ERROR_STOP=1 --no-psqlrc --dbname postgres \
  -v app_db="$APP_DB_NAME" -v app_user="$APP_DB_USER" -v app_password="$APP_DB_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'app_user', :'app_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_user')\gexec
SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', :'app_user', :'app_password')\gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'app_db', :'app_user')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'app_db')\gexec
SELECT format('ALTER DATABASE %I OWNER TO %I', :'app_db', :'app_user')\gexec
SQL

echo "Database ${APP_DB_NAME} (owner ${APP_DB_USER}) is ready"
