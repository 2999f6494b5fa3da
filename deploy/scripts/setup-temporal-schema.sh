#!/bin/sh
# One-shot job (temporalio/admin-tools image): creates and migrates the Temporal persistence
# (`temporal`) and visibility (`temporal_visibility`) schemas in PostgreSQL. Every step is
# idempotent (`create` ignores an existing database, `setup-schema -v 0.0` keeps a newer version,
# `update-schema` applies only the missing versions), so the job may run on every `compose up`.
set -eu

DB_HOST=${POSTGRES_SEEDS:-postgresql}
DB_PORT=${DB_PORT:-5432}
DB_USER=${POSTGRES_USER:-temporal}
DB_NAME=${DBNAME:-temporal}
VIS_DB_NAME=${VISIBILITY_DBNAME:-temporal_visibility}
SCHEMA_ROOT=${SCHEMA_ROOT:-/etc/temporal/schema/postgresql/v12}
# temporal-sql-tool reads the password from SQL_PASSWORD.
export SQL_PASSWORD="${SQL_PASSWORD:-${POSTGRES_PWD:-}}"

echo "Waiting for PostgreSQL at ${DB_HOST}:${DB_PORT}..."
attempt=0
until nc -z -w 5 "$DB_HOST" "$DB_PORT"; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 30 ]; then
    echo "PostgreSQL did not open ${DB_HOST}:${DB_PORT}" >&2
    exit 1
  fi
  sleep 2
done

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$DB_HOST" -p "$DB_PORT" -u "$DB_USER" "$@"
}

echo "Setting up database ${DB_NAME}..."
sql_tool --db "$DB_NAME" create
sql_tool --db "$DB_NAME" setup-schema -v 0.0
sql_tool --db "$DB_NAME" update-schema -d "${SCHEMA_ROOT}/temporal/versioned"

echo "Setting up database ${VIS_DB_NAME}..."
sql_tool --db "$VIS_DB_NAME" create
sql_tool --db "$VIS_DB_NAME" setup-schema -v 0.0
sql_tool --db "$VIS_DB_NAME" update-schema -d "${SCHEMA_ROOT}/visibility/versioned"

echo "Temporal schema setup complete"
