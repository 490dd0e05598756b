#!/usr/bin/env bash
# REST API figures (issue 4): gunicorn with 2 workers on 127.0.0.1 over PostgreSQL and Redis, as deployed, wrk
# with 16 connections for 30 s on a firm's top 20 matches and on opportunities filtered by technology area; then
# the same two with the API cache off (API_CACHE_SECONDS=0: every request reads and serializes its rows); then
# the same load on bare Django views (bench/api_bare.py, JsonResponse, no cache) returning the same rows. Prints
# requests/s, p50, p99, non-2xx and the DRF/bare throughput ratios. Goals: p99 < 50 ms, no errors, DRF >= half
# the bare throughput.
#
#   bench/api.sh                                   # a throwaway database with the 20,000-firm benchmark data
#   BENCH_DATABASE_URL=postgres://... bench/api.sh # an existing, scored database (it gains a user and a token)
#   BENCH_REDIS_URL=redis://host:6379/9            # the Redis database to use; it is emptied first (default /9)
#
# Figures are printed, not asserted: they depend on the machine. Workers are not recycled during the run
# (--max-requests 0): a recycled worker re-imports Django for about a second, which would show up as p99.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
DURATION=${BENCH_DURATION:-30s}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
FIRMS=${BENCH_FIRMS:-20000}
PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
server_pid=""
db=""

if ! command -v wrk >/dev/null; then
  apt-get update -qq && apt-get install -y -qq wrk
fi

cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ -n "$db" ]; then psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" postgres || true; fi
}
trap cleanup EXIT

export DJANGO_DEBUG=0 SECRET_KEY="bench-only-$(date +%s)-$$" LOG_LEVEL=ERROR
export SECURE_SSL_REDIRECT=0  # plain HTTP on 127.0.0.1, no TLS proxy in front
# Throttles stay on, with a rate no single client reaches: DRF keeps one timestamp per request in the window, so a
# one-second window keeps that list as short as a real client's 1200/minute would.
export API_THROTTLE_ANON=1000000/second API_THROTTLE_USER=1000000/second
BENCH_REDIS_URL=${BENCH_REDIS_URL:-redis://127.0.0.1:6379/9}
unset REDIS_URL  # the set-up below scores in-process; only the served app uses Redis
if [ -n "${BENCH_DATABASE_URL:-}" ]; then
  export DATABASE_URL=$BENCH_DATABASE_URL
  echo "== using $DATABASE_URL"
else
  db="kakehashi_apibench_$$"
  psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $db" postgres
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db"
  echo "== benchmark data in $db"
  $PY manage.py migrate --noinput -v0
  $PY manage.py load_curated -v0 >/dev/null
  if [ -f bench/scoring.py ]; then
    $PY bench/scoring.py --companies "$FIRMS"  # 20,000 firms and 500 opportunities, scored twice
  else
    echo "   (bench/scoring.py is missing: measuring on the 25 demo firms instead of $FIRMS)"
    $PY manage.py demo_users -v0 >/dev/null
    $PY manage.py rescore --sync -v0
  fi
fi

# A consultant's token; the firm with the most matches; the area with the most published opportunities.
read -r consultant firm area < <($PY - <<'PY'
import os
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()
from django.contrib.auth.models import User
from django.db.models import Count, Q
from matching.models import Match
from portal.services import consultants_group_ensure
from programmes.models import TechnologyArea

user, _ = User.objects.get_or_create(username="api-bench")
user.groups.add(consultants_group_ensure())
firm = Match.objects.values("company__slug").annotate(n=Count("pk")).order_by("-n").first()["company__slug"]
area = (
    TechnologyArea.objects.annotate(n=Count("opportunities", filter=Q(opportunities__status="published")))
    .order_by("-n", "slug")
    .first()
)
print(user.username, firm, area.slug)
PY
)
token=$($PY manage.py issue_token "$consultant" --name "bench/api.sh" 2>/dev/null | tail -n1)

# Cached answers from another database must not be served: start from an empty Redis database.
$PY -c 'import sys, redis; redis.Redis.from_url(sys.argv[1]).flushdb()' "$BENCH_REDIS_URL"

log=$(mktemp -t kakehashi-apibench-XXXX.log)
serve() {  # serve API_CACHE_SECONDS: (re)start gunicorn, 2 workers, with the API cache on (60) or off (0)
  if [ -n "$server_pid" ]; then kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; fi
  echo "== gunicorn (2 workers) on $BASE, API_CACHE_SECONDS=$1"
  REDIS_URL=$BENCH_REDIS_URL API_CACHE_SECONDS=$1 DJANGO_SETTINGS_MODULE=bench.api_settings .venv/bin/gunicorn \
    --config gunicorn.conf.py --bind "127.0.0.1:$PORT" --workers 2 --max-requests 0 --access-logfile /dev/null \
    >>"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do curl -fsS "$BASE/api/v1/technology-areas/" >/dev/null 2>&1 && break; sleep 0.2; done
  kill -0 "$server_pid" 2>/dev/null || { echo "gunicorn did not start:"; cat "$log"; exit 1; }
}

results=$(mktemp -t kakehashi-apibench-XXXX.tsv)
measure() {  # measure LABEL PATH
  local label=$1 path=$2 out
  # Warm up both workers (a worker's first requests import code and connect); fails loudly on a bad route.
  for _ in $(seq 10); do curl -fsS -o /dev/null -H "Authorization: Bearer $token" "$BASE$path"; done
  # One wrk thread: it easily drives a few hundred requests a second and leaves the cores to gunicorn.
  out=$(wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $token" "$BASE$path")
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  errors=$(awk '/Socket errors/ {print $0}' <<<"$out")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$rps" "$p50" "$p99" "${non2xx:-0}" "${errors:-none}" >>"$results"
}

echo "== wrk: $CONNECTIONS connections, $DURATION each (firm $firm, area $area)"
serve 60
measure "DRF          companies/$firm/matches/" "/api/v1/companies/$firm/matches/"
measure "DRF          opportunities/?technology_area=$area" "/api/v1/opportunities/?technology_area=$area"
serve 0
measure "DRF no cache companies/$firm/matches/" "/api/v1/companies/$firm/matches/"
measure "DRF no cache opportunities/?technology_area=$area" "/api/v1/opportunities/?technology_area=$area"
measure "bare         companies/$firm/matches/" "/bench/bare/companies/$firm/matches/"
measure "bare         opportunities/?technology_area=$area" "/bench/bare/opportunities/?technology_area=$area"

$PY - "$results" <<'PY'
import sys

rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
print(f"\n{'endpoint':66} {'req/s':>9} {'p50':>9} {'p99':>9} {'non-2xx':>8}  socket errors")
for label, rps, p50, p99, non2xx, errors in rows:
    print(f"{label:66} {float(rps):9.1f} {p50:>9} {p99:>9} {non2xx:>8}  {errors}")
rps = [float(row[1]) for row in rows]
for name, cached, uncached, bare in (("matches", 0, 2, 4), ("opportunities", 1, 3, 5)):
    print(
        f"DRF/bare throughput, {name}: {rps[cached] / rps[bare]:.2f} with the API cache, "
        f"{rps[uncached] / rps[bare]:.2f} without"
    )
PY
grep -m 3 '"level": "ERROR"' "$log" || true
