#!/usr/bin/env bash
# The docker-compose topology without Docker: PostgreSQL, Redis, gunicorn (2 workers), a Celery worker and beat
# as plain processes with production settings, and a smoke test through them.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
db="kakehashi_topology_$$"
work=$(mktemp -d -t kakehashi-topology-XXXX)
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" postgres || true
  redis-cli -h 127.0.0.1 -n 12 flushdb >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "topology smoke FAILED: $*" >&2; for f in "$work"/*.log; do echo "--- $f"; tail -n 30 "$f"; done; exit 1; }

psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $db" postgres
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" REDIS_URL="redis://127.0.0.1:6379/12"
export DJANGO_DEBUG=0 SECRET_KEY="topology-only-$(date +%s)-$$" ALLOWED_HOSTS=127.0.0.1,localhost
export SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0  # plain HTTP on loopback, no TLS proxy
export LOG_FORMAT=json LOG_LEVEL=INFO DEMO_PASSWORD=topology-smoke
redis-cli -h 127.0.0.1 -n 12 flushdb >/dev/null

echo "== release steps: migrate, collectstatic, curated records and demo users"
$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0
$PY manage.py load_curated >/dev/null
$PY manage.py demo_users >/dev/null

echo "== processes: gunicorn, worker, beat"
.venv/bin/gunicorn --config gunicorn.conf.py --bind "127.0.0.1:$PORT" --workers 2 >"$work/web.log" 2>&1 &
pids+=($!)
.venv/bin/celery -A portal worker --concurrency 2 --loglevel INFO --hostname "topology-$$@%h" >"$work/worker.log" 2>&1 &
pids+=($!)
.venv/bin/celery -A portal beat --loglevel INFO --schedule "$work/beat-schedule" >"$work/beat.log" 2>&1 &
pids+=($!)

for _ in $(seq 150); do curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
health=$(curl -fsS "$BASE/healthz") || fail "/healthz did not answer 200"
echo "healthz: $health"
echo "$health" | grep -q '"database": "ok"' || fail "database not ok"
echo "$health" | grep -q '"broker": "ok"' || fail "broker not ok"

# Bodies are read whole before grep looks at them: `curl | grep -q` fails under pipefail when grep stops early.
page=$(curl -fsS "$BASE/opportunities/?q=laser") || fail "listing page did not answer 200"
grep -q "Opportunities" <<<"$page" || fail "listing page"
curl -fsS "$BASE/ja/opportunities/" >/dev/null || fail "Japanese listing page"
curl -fsS "$BASE/static/css/site.css" >/dev/null 2>&1 || curl -fsS -o /dev/null "$BASE/" || fail "home page"
hubs=$(curl -fsS "$BASE/api/v1/opportunities/?kind=hub") || fail "API listing did not answer 200"
grep -q "rapid-acquisition-hub" <<<"$hubs" || fail "API listing"

consultant=$($PY manage.py issue_token consultant --name topology 2>/dev/null | tail -n1)
staff=$($PY manage.py issue_token staff --name topology 2>/dev/null | tail -n1)
request_id=$(python3 -c "import uuid; print(uuid.uuid4().hex)")  # a UUID: other request ids are not echoed or logged (docs/security.md)
run=$(curl -fsS -X POST -H "Authorization: Bearer $consultant" -H "Content-Type: application/json" \
  -H "X-Request-ID: $request_id" \
  -d '{"scope": "all"}' -w '\n%{http_code}' "$BASE/api/v1/match-runs/") || fail "POST match-runs"
[ "$(echo "$run" | tail -n1)" = "202" ] || fail "POST match-runs answered $(echo "$run" | tail -n1), not 202"
run_id=$(echo "$run" | head -n1 | $PY -c 'import json, sys; print(json.load(sys.stdin)["id"])')
echo "match run $run_id enqueued; waiting for the worker"
status=""
for _ in $(seq 120); do
  status=$(curl -fsS -H "Authorization: Bearer $consultant" "$BASE/api/v1/match-runs/$run_id/" \
    | $PY -c 'import json, sys; print(json.load(sys.stdin)["status"])')
  [ "$status" = "succeeded" ] || [ "$status" = "failed" ] && break
  sleep 1
done
[ "$status" = "succeeded" ] || fail "match run $run_id ended as '$status'"
firm=$(curl -fsS -H "Authorization: Bearer $staff" "$BASE/api/v1/me/" \
  | $PY -c 'import json, sys; print(json.load(sys.stdin)["companies"][0]["slug"])')
matches=$(curl -fsS -H "Authorization: Bearer $staff" "$BASE/api/v1/companies/$firm/matches/" \
  | $PY -c 'import json, sys; print(json.load(sys.stdin)["count"])')
[ "$matches" -gt 0 ] || fail "no matches for $firm after the run"
echo "staff of $firm read $matches matches scored by the worker"
grep -q "\"request_id\": \"$request_id\"" "$work/worker.log" \
  || fail "the worker's JSON logs do not carry the request id $request_id of the request that enqueued the run"
echo "the worker's log lines carry the request id $request_id"
for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || fail "a process died (pid $pid)"; done
grep -q "beat: Starting" "$work/beat.log" || fail "beat did not start"
echo "topology smoke: ok (gunicorn, worker and beat on PostgreSQL and Redis)"
