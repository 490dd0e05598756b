#!/usr/bin/env bash
# Load proof (issues 6 and 14): gunicorn with 2 workers and production settings over a throwaway PostgreSQL database
# with the demo data, wrk for LOAD_SECONDS (60) at 32 connections in all, in two phases:
#   1. three targets loaded at the same time: the opportunities API, a firm's matches API (Bearer token) and the
#      listing page /opportunities/;
#   2. a firm with PIPELINE_ENTRIES (500) records, each matched and in its pipeline: its pipeline page against its
#      "my matches" page, both signed in (issue 14: the pipeline page within the same p99 as my matches).
# Prints requests/s, p50, p99 and responses by status per target, and the same as JSON lines; exits 1 on any non-2xx
# or socket error.
#
#   bench/load.sh                    # 60 s
#   LOAD_SECONDS=10 bench/load.sh    # a quick look
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
SECONDS_=${LOAD_SECONDS:-60}
CONNECTIONS=${LOAD_CONNECTIONS:-32}
PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
db="kakehashi_load_$$"
work=$(mktemp -d -t kakehashi-load-XXXX)
server_pid=""

if ! command -v wrk >/dev/null; then
  apt-get update -qq && apt-get install -y -qq wrk
fi

cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" postgres || true
  redis-cli -h 127.0.0.1 -n 13 flushdb >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $db" postgres
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" REDIS_URL="redis://127.0.0.1:6379/13"
export DJANGO_DEBUG=0 SECRET_KEY="load-only-$(date +%s)-$$" ALLOWED_HOSTS=127.0.0.1,localhost
export SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0  # plain HTTP on loopback, no TLS proxy
export LOG_FORMAT=json LOG_LEVEL=WARNING DEMO_PASSWORD="load-$$"
# Measure the application, not the throttle: 32 connections from one address would otherwise be answered 429.
export API_THROTTLE_ANON=100000000/minute API_THROTTLE_USER=100000000/minute
export GUNICORN_ACCESSLOG=/dev/null
redis-cli -h 127.0.0.1 -n 13 flushdb >/dev/null

echo "== demo data in $db: migrate, collectstatic, load_curated, demo_users, rescore --sync"
$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0
$PY manage.py load_curated >/dev/null
$PY manage.py demo_users >/dev/null
$PY manage.py rescore --sync -v0 >/dev/null
token=$($PY manage.py issue_token staff --name bench/load.sh 2>/dev/null | tail -n1)

echo "== gunicorn (2 workers) on $BASE"
.venv/bin/gunicorn --config gunicorn.conf.py --bind "127.0.0.1:$PORT" --workers 2 --max-requests 0 >"$work/web.log" 2>&1 &
server_pid=$!
for _ in $(seq 150); do curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
kill -0 "$server_pid" 2>/dev/null || { echo "gunicorn did not start:"; cat "$work/web.log"; exit 1; }
firm=$(curl -fsS -H "Authorization: Bearer $token" "$BASE/api/v1/me/" \
  | $PY -c 'import json, sys; print(json.load(sys.stdin)["companies"][0]["slug"])')

# wrk counts 3xx as success; this script counts every status, so a redirect is caught as a non-2xx too.
cat >"$work/status.lua" <<'LUA'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do io.write(string.format("status %d %d\n", status, n)) end
  end
end
LUA

# run_phase NAME TARGET...: wrk on every TARGET ("label|path|auth") at once, CONNECTIONS split between them, for
# SECONDS_; then a table of requests/s, p50, p99 and statuses per target, plus JSON lines. Returns 1 on any non-2xx.
run_phase() {
  local phase=$1; shift
  local targets=("$@") share i label path auth connections
  for target in "${targets[@]}"; do  # warm up; a bad route fails here, loudly
    IFS='|' read -r _ path auth <<<"$target"
    code=$(curl -sS -o /dev/null -w '%{http_code}' $(auth_args "$auth") "$BASE$path")
    [ "$code" = 200 ] || { echo "warm-up of $path answered $code, not 200" >&2; exit 1; }
  done
  echo "== wrk ($phase): $CONNECTIONS connections in all for ${SECONDS_} s, ${#targets[@]} targets at once (firm $firm)"
  share=$((CONNECTIONS / ${#targets[@]}))
  local wrk_pids=()
  : >"$work/targets"
  for i in "${!targets[@]}"; do
    IFS='|' read -r label path auth <<<"${targets[$i]}"
    connections=$share; [ "$i" = 0 ] && connections=$((CONNECTIONS - share * (${#targets[@]} - 1)))
    # One wrk thread per target: each drives a few hundred requests a second and leaves the cores to gunicorn.
    wrk -t1 -c"$connections" -d"${SECONDS_}s" --timeout 10s --latency -s "$work/status.lua" $(auth_args "$auth") \
      "$BASE$path" >"$work/$label.wrk" 2>&1 &
    wrk_pids+=($!)
    echo "$label $connections $path" >>"$work/targets"
  done
  for pid in "${wrk_pids[@]}"; do wait "$pid"; done
  $PY - "$work" <<'PY'
import json
import re
import sys
from pathlib import Path


def ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


work = Path(sys.argv[1])
bad = 0
print(f"\n{'target':20} {'conns':>5} {'requests':>9} {'req/s':>8} {'p50':>9} {'p99':>9} {'non-2xx':>8} {'sock err':>8}  statuses")
for line in (work / "targets").read_text().splitlines():
    label, connections, path = line.split()
    out = (work / f"{label}.wrk").read_text()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)
    statuses = {int(s): int(n) for s, n in re.findall(r"^status (\d+) (\d+)$", out, re.M)}
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    socket_errors = sum(int(n) for n in errors.groups()) if errors else 0
    non2xx = sum(n for s, n in statuses.items() if not 200 <= s < 300)
    bad += non2xx + socket_errors
    shown = ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items()))
    print(f"{label:20} {connections:>5} {sum(statuses.values()):>9} {rps:8.1f} {p50:>9} {p99:>9} {non2xx:>8} "
          f"{socket_errors:>8}  {shown}")
    for name, value, unit in [("rps", rps, "req/s"), ("p50_ms", ms(p50), "ms"), ("p99_ms", ms(p99), "ms")]:
        print(json.dumps({"metric": f"load_{label}_{name}".replace("-", "_"), "value": round(value, 1), "unit": unit}))
sys.exit(1 if bad else 0)
PY
}

# Request headers per kind of target: a Bearer token (API), a signed-in session cookie (firm pages) or nothing.
auth_args() {
  case "$1" in
    auth) printf '%s\n' -H "Authorization: Bearer $token" ;;
    session) printf '%s\n' -H "Cookie: $session_cookie" ;;
  esac
}

status=0
IFS=$'\n'
run_phase "records and matches" \
  "api-opportunities|/api/v1/opportunities/|auth" \
  "api-matches|/api/v1/companies/$firm/matches/|auth" \
  "page-opportunities|/opportunities/|anon" || status=1

# Issue 14: a firm with PIPELINE_ENTRIES records, each matched and in its pipeline, against its "my matches" page.
echo "== a firm with ${PIPELINE_ENTRIES:-500} pipeline entries (bench/workspace_pages.py --seed-only)"
firm=bench-firm
IFS=' ' read -r session_key pipeline_path < <($PY bench/workspace_pages.py --seed-only --entries "${PIPELINE_ENTRIES:-500}")
session_cookie="$($PY -c 'from django.conf import settings; print(settings.SESSION_COOKIE_NAME)' 2>/dev/null || echo sessionid)=$session_key"
run_phase "workspace pages" \
  "page-pipeline|$pipeline_path|session" \
  "page-my-matches|/my/matches/|session" || status=1
unset IFS

if grep -q '"level": "ERROR"' "$work/web.log"; then
  echo "errors in the gunicorn log:"; grep -m 5 '"level": "ERROR"' "$work/web.log"; status=1
fi
[ "$status" = 0 ] && echo "load: ok (no non-2xx, no socket errors)" || echo "load FAILED: non-2xx responses or errors" >&2
exit "$status"
