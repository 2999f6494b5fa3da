#!/bin/sh
# One-shot job (temporalio/admin-tools image): creates the namespace and registers the custom
# search attributes the loan engine's workflows upsert. Idempotent: existing ones are kept.
#   DEFAULT_NAMESPACE   namespace to create (default: default)
#   TEMPORAL_ADDRESS    frontend host:port (default: temporal:7233)
#   SEARCH_ATTRIBUTES   comma-separated Name:Type pairs, e.g. VendorId:Keyword,DaysPastDue:Int
set -eu

NAMESPACE=${DEFAULT_NAMESPACE:-default}
TEMPORAL_ADDRESS=${TEMPORAL_ADDRESS:-temporal:7233}
SEARCH_ATTRIBUTES=${SEARCH_ATTRIBUTES:-}

TEMPORAL_HOST=$(echo "$TEMPORAL_ADDRESS" | cut -d: -f1)
TEMPORAL_PORT=$(echo "$TEMPORAL_ADDRESS" | cut -d: -f2)

echo "Waiting for Temporal at ${TEMPORAL_ADDRESS}..."
attempt=0
until nc -z -w 5 "$TEMPORAL_HOST" "$TEMPORAL_PORT"; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 30 ]; then
    echo "Temporal did not open ${TEMPORAL_ADDRESS}" >&2
    exit 1
  fi
  sleep 2
done

# Use the IPv4 address: the CLI may otherwise try an IPv6 address the server does not bind.
TEMPORAL_IP=$(getent ahosts "$TEMPORAL_HOST" | grep STREAM | grep -v ':' | head -1 | awk '{print $1}')
ADDRESS="${TEMPORAL_IP:-$TEMPORAL_HOST}:${TEMPORAL_PORT}"
echo "Using Temporal frontend at ${ADDRESS}"

attempt=0
until temporal operator cluster health --address "$ADDRESS"; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 30 ]; then
    echo "Temporal did not become healthy" >&2
    exit 1
  fi
  sleep 2
done

if temporal operator namespace describe --namespace "$NAMESPACE" --address "$ADDRESS" >/dev/null 2>&1; then
  echo "Namespace '${NAMESPACE}' already exists"
else
  echo "Creating namespace '${NAMESPACE}'..."
  temporal operator namespace create --namespace "$NAMESPACE" --address "$ADDRESS"
fi

# The namespace cache needs a moment before search attributes can be added to a new namespace.
attempt=0
until temporal operator search-attribute list --namespace "$NAMESPACE" --address "$ADDRESS" >/dev/null 2>&1; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 30 ]; then
    echo "Namespace '${NAMESPACE}' did not become usable" >&2
    exit 1
  fi
  sleep 2
done

existing=$(temporal operator search-attribute list --namespace "$NAMESPACE" --address "$ADDRESS")
for pair in $(echo "$SEARCH_ATTRIBUTES" | tr ',' ' '); do
  name=${pair%%:*}
  type=${pair#*:}
  if [ -z "$name" ] || [ "$name" = "$pair" ] || [ -z "$type" ]; then
    echo "Bad SEARCH_ATTRIBUTES entry '${pair}' (want Name:Type)" >&2
    exit 1
  fi
  if echo "$existing" | grep -Eq "(^|[^A-Za-z0-9_])${name}([^A-Za-z0-9_]|$)"; then
    echo "Search attribute ${name} already registered"
    continue
  fi
  echo "Registering search attribute ${name} (${type})..."
  temporal operator search-attribute create --namespace "$NAMESPACE" --address "$ADDRESS" \
    --name "$name" --type "$type"
done

echo "Namespace '${NAMESPACE}' is ready"
