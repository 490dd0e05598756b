#!/usr/bin/env bash
# Fuzz the live REST API against its own OpenAPI schema with schemathesis: no 5xx, and every documented
# response conforms to the schema. Anonymous, as firm staff and as a consultant, on a throwaway PostgreSQL
# database holding the demo data (curated records, demo firms and users, scores).
#
#   bench/schemathesis.sh            # ST_MAX_EXAMPLES=10 per operation; two to three minutes
#
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust), as .ci/run provides.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
# A free port: others may be running servers on this machine.
PORT=${ST_PORT:-$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
MAX_EXAMPLES=${ST_MAX_EXAMPLES:-10}
BASE="http://127.0.0.1:$PORT"
db="kakehashi_st_$$"
server_pid=""

cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" postgres || true
  redis-cli -h 127.0.0.1 -n "$ST_REDIS_DB" flushdb >/dev/null 2>&1 || true
}
trap cleanup EXIT

psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $db" postgres
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db"
export DJANGO_DEBUG=0 SECRET_KEY="schemathesis-only-$(date +%s)-$$"
export SECURE_SSL_REDIRECT=0  # plain HTTP on 127.0.0.1, no TLS proxy in front
export API_THROTTLE_ANON=100000/minute API_THROTTLE_USER=100000/minute  # fuzzing is not abuse
export LOG_LEVEL=ERROR
# Rescores the API requests are queued on a Redis database of their own and never run: the run tests the API,
# not the scorer, and the web process stays as in production (enqueue, answer 202).
ST_REDIS_DB=${ST_REDIS_DB:-11}
export REDIS_URL="redis://127.0.0.1:6379/$ST_REDIS_DB"

echo "== demo data in $db"
$PY manage.py migrate --noinput -v0
$PY manage.py load_curated -v0 >/dev/null
DEMO_PASSWORD=schemathesis $PY manage.py demo_users -v0 >/dev/null
$PY manage.py rescore --sync -v0 >/dev/null
consultant_token=$($PY manage.py issue_token consultant --name schemathesis 2>/dev/null | tail -n1)
staff_token=$($PY manage.py issue_token staff --name schemathesis 2>/dev/null | tail -n1)

echo "== gunicorn on $BASE"
log=$(mktemp -t kakehashi-st-XXXX.log)
.venv/bin/gunicorn --config gunicorn.conf.py --bind "127.0.0.1:$PORT" --workers 2 --access-logfile /dev/null \
  >"$log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do curl -fsS "$BASE/api/v1/me/" >/dev/null 2>&1 && break; sleep 0.2; done
kill -0 "$server_pid" 2>/dev/null || { echo "gunicorn did not start:"; cat "$log"; exit 1; }

run() {  # run LABEL [schemathesis options...]
  local label=$1; shift
  echo "== schemathesis: $label"
  # Token deletion is left out: fuzzing it would revoke the very token the run authenticates with.
  .venv/bin/schemathesis run "$BASE/api/v1/schema/?format=json" \
    --checks not_a_server_error,response_schema_conformance,content_type_conformance \
    --max-examples "$MAX_EXAMPLES" --phases examples,coverage,fuzzing --exclude-method DELETE \
    --generation-database none --seed 20261125 --no-color --workers 2 --request-timeout 20 "$@"
}

status=0
run anonymous || status=1
run "firm staff (token)" -H "Authorization: Bearer $staff_token" || status=1
run "consultant (token)" -H "Authorization: Bearer $consultant_token" || status=1
if [ $status -ne 0 ]; then echo "== server errors ($log)"; grep -m 5 '"level": "ERROR"' "$log" || tail -n 40 "$log"; fi
exit $status
