#!/usr/bin/env bash
# Fault proofs (issue 6), on the topology of .ci/topology.sh (gunicorn with 2 workers, a Celery worker and beat, all
# with production settings) over a throwaway database with the demo data:
#   A. PostgreSQL stopped and started again under load: requests during the outage answer 503 (never 500), and the
#      same gunicorn workers (same pids) serve 200s again once PostgreSQL is back.
#   B. Redis stopped: pages and API reads serve 200, a firm's edit saves, POST match-runs answers 503 "queue
#      unavailable" with the run pending in the database; Redis started again: the worker and beat reconnect and
#      the dispatcher runs the pending runs to `succeeded`.
# Prints counts by status and recovery times; exits 1 on any failed expectation. PostgreSQL and Redis are shared
# with other jobs on this machine: both are started again in the EXIT trap, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG_VERSION=$(ls /etc/postgresql)
PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
LOAD_S=${FAULT_LOAD_SECONDS:-20}
db="kakehashi_faults_$$"
work=$(mktemp -d -t kakehashi-faults-XXXX)
pids=()
failures=0

pg_ready() { pg_isready -q -h 127.0.0.1 -p 5432; }
redis_ready() { redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; }
pg_start() {
  pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main start 2>/dev/null || true
  for _ in $(seq 60); do pg_ready && return 0; sleep 0.5; done
  return 1
}
redis_start() {
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 60); do redis_ready && return 0; sleep 0.5; done
  return 1
}
cleanup() {
  pg_ready || pg_start || echo "could not start PostgreSQL again" >&2
  redis_ready || redis_start || echo "could not start Redis again" >&2
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" postgres || true
  redis-cli -h 127.0.0.1 -n 11 flushdb >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'echo "faults: a command failed at line $LINENO" >&2' ERR
die() { echo "faults FAILED: $*" >&2; for f in "$work"/*.log; do echo "--- $f"; tail -n 20 "$f"; done; exit 1; }
check() {  # check DESCRIPTION CONDITION...: count a failed expectation, keep going to print every figure
  local what=$1; shift
  if "$@"; then echo "   ok: $what"; else echo "   FAILED: $what" >&2; failures=$((failures + 1)); fi
}
sql() { psql -h 127.0.0.1 -U postgres -d "$db" -tA -c "$1"; }
now() { date +%s.%N; }

pg_ready || pg_start || die "PostgreSQL is not running"
redis_ready || redis_start || die "Redis is not running"
psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $db" postgres
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" REDIS_URL="redis://127.0.0.1:6379/11"
export DJANGO_DEBUG=0 SECRET_KEY="faults-only-$(date +%s)-$$" ALLOWED_HOSTS=127.0.0.1,localhost
export SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0  # plain HTTP on loopback, no TLS proxy
export LOG_FORMAT=json LOG_LEVEL=INFO DEMO_PASSWORD="faults-$$" GUNICORN_ACCESSLOG=/dev/null
export API_THROTTLE_ANON=100000000/minute API_THROTTLE_USER=100000000/minute  # load from one address, not 429s
export GUNICORN_MAX_REQUESTS=0  # no planned worker recycling: the same workers must live through the outage
export MATCHING_DISPATCH_EVERY_SECONDS=5 MATCHING_DISPATCH_GRACE_SECONDS=5  # the dispatcher's sweep, shortened
redis-cli -h 127.0.0.1 -n 11 flushdb >/dev/null

echo "== demo data in $db, then gunicorn (2 workers), a worker and beat"
$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0
$PY manage.py load_curated >/dev/null
$PY manage.py demo_users >/dev/null
$PY manage.py rescore --sync -v0 >/dev/null
consultant=$($PY manage.py issue_token consultant --name faults 2>/dev/null | tail -n1)
staff=$($PY manage.py issue_token staff --name faults 2>/dev/null | tail -n1)
.venv/bin/gunicorn --config gunicorn.conf.py --bind "127.0.0.1:$PORT" --workers 2 >"$work/web.log" 2>&1 &
web_pid=$!
pids+=("$web_pid")
.venv/bin/celery -A portal worker --concurrency 1 --loglevel INFO --hostname "faults-$$@%h" >"$work/worker.log" 2>&1 &
pids+=($!)
.venv/bin/celery -A portal beat --loglevel INFO --schedule "$work/beat-schedule" >"$work/beat.log" 2>&1 &
pids+=($!)
for _ in $(seq 150); do curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fsS "$BASE/healthz" >/dev/null || die "/healthz did not answer 200"
for _ in $(seq 60); do grep -q "ready" "$work/worker.log" && break; sleep 0.5; done
firm=$(curl -fsS -H "Authorization: Bearer $staff" "$BASE/api/v1/me/" \
  | $PY -c 'import json, sys; print(json.load(sys.stdin)["companies"][0]["slug"])')

# --- A. PostgreSQL stopped and started again under load --------------------------------------------------------
echo
echo "== A. PostgreSQL down for 3 s in the middle of ${LOAD_S} s of load (4 clients, API and listing page)"
workers_before=$(pgrep -P "$web_pid" | sort | tr '\n' ' ')
$PY - "$BASE" "$LOAD_S" >"$work/requests.tsv" <<'PY' &
import sys
import threading
import time
import urllib.error
import urllib.request

base, seconds = sys.argv[1], float(sys.argv[2])
paths = ["/api/v1/opportunities/", "/opportunities/"]
rows, deadline = [], time.time() + seconds


def client(n: int) -> None:
    i = n
    while time.time() < deadline:
        path, started = paths[i % 2], time.time()
        i += 1
        try:
            with urllib.request.urlopen(base + path, timeout=15) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            status = 0  # no answer at all (refused, reset, timed out)
        rows.append((started, time.time(), path, status))


threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
for started, ended, path, status in sorted(rows):
    print(f"{started:.3f}\t{ended:.3f}\t{path}\t{status}")
PY
load_pid=$!
sleep "$(awk "BEGIN {print $LOAD_S / 3}")"
pg_down=$(now)
pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main stop -m fast
sleep 3
pg_start || die "PostgreSQL did not come back"
pg_up=$(now)
wait "$load_pid"
workers_after=$(pgrep -P "$web_pid" | sort | tr '\n' ' ')

$PY - "$work/requests.tsv" "$pg_down" "$pg_up" >"$work/a.out" <<'PY' || true
import sys
from collections import Counter

rows = [line.split("\t") for line in open(sys.argv[1]).read().splitlines()]
rows = [(float(s), float(e), p, int(c)) for s, e, p, c in rows]
down, up = float(sys.argv[2]), float(sys.argv[3])
phases = {
    "before": [r for r in rows if r[1] < down],
    "outage": [r for r in rows if r[1] >= down and r[0] < up],
    "after": [r for r in rows if r[0] >= up],
}
for name, phase in phases.items():
    counts = Counter(r[3] for r in phase)
    print(f"   {name:7} {len(phase):5} requests  " + ", ".join(f"{c}: {n}" for c, n in sorted(counts.items())))
statuses = Counter(r[3] for r in rows)
errors_503 = [r for r in rows if r[3] == 503]
last_503 = max((r[1] for r in errors_503), default=down)
first_ok = min((r[1] for r in phases["after"] if r[3] == 200), default=float("nan"))
settled = [r for r in rows if r[0] >= up + 2]
print(f"   outage seen by clients: {len(errors_503)} x 503; PostgreSQL stopped for {up - down:.1f} s")
print(f"   slowest 503: {max((r[1] - r[0] for r in errors_503), default=0):.2f} s")
print(f"   first 200 {first_ok - up:.2f} s after PostgreSQL was back; last 503 {last_503 - up:+.2f} s from then")
print(f"RESULT total={len(rows)} s500={sum(n for c, n in statuses.items() if c >= 500 and c != 503)} "
      f"s503={len(errors_503)} other={sum(n for c, n in statuses.items() if c not in (200, 503))} "
      f"settled={len(settled)} settled_ok={sum(r[3] == 200 for r in settled)} recovery={first_ok - up:.2f}")
PY
grep -v '^RESULT' "$work/a.out"
read -r total s500 s503 other settled settled_ok recovery < <(grep '^RESULT' "$work/a.out" | sed 's/RESULT //; s/[a-z0-9_]*=//g')
echo "   gunicorn workers before: $workers_before after: $workers_after"
check "no 5xx other than 503 during the outage (500s: $s500)" [ "$s500" = 0 ]
check "every answer was 200 or 503 (others: $other)" [ "$other" = 0 ]
check "the outage was seen: at least one 503 ($s503)" [ "$s503" -gt 0 ]
check "2 s after PostgreSQL is back every request is 200 ($settled_ok of $settled)" \
  [ "$settled" -gt 0 -a "$settled" = "$settled_ok" ]
check "recovered without restarting gunicorn (same worker pids)" [ "$workers_before" = "$workers_after" ]

# --- B. Redis stopped, then started again ----------------------------------------------------------------------
echo
echo "== B. Redis stopped"
redis-cli -h 127.0.0.1 -p 6379 shutdown nosave >/dev/null 2>&1 || true
for _ in $(seq 20); do redis_ready || break; sleep 0.25; done
redis_ready && die "Redis did not stop"
redis_down=$(now)
code() { curl -sS -o "$work/body" -w '%{http_code} %{time_total}\n' "$@"; }
read -r page t_page < <(code "$BASE/opportunities/")
read -r read_api t_read < <(code -H "Authorization: Bearer $staff" "$BASE/api/v1/companies/$firm/matches/")
read -r health _ < <(code "$BASE/healthz")
echo "   healthz: $health $(cat "$work/body")"
read -r edit t_edit < <(code -X PATCH -H "Authorization: Bearer $staff" -H "Content-Type: application/json" \
  -d '{"description": "Edited while the queue was down: beam directors and adaptive optics."}' \
  "$BASE/api/v1/companies/$firm/")
read -r post t_post < <(code -X POST -H "Authorization: Bearer $consultant" -H "Content-Type: application/json" \
  -d '{"scope": "all"}' "$BASE/api/v1/match-runs/")
post_body=$(cat "$work/body")
echo "   POST match-runs: $post in ${t_post}s: $post_body"
run_id=$(echo "$post_body" | $PY -c 'import json, sys; print(json.load(sys.stdin)["run"]["id"])' 2>/dev/null || echo 0)
firm_run=$(sql "SELECT r.id FROM matching_matchrun r JOIN companies_company c ON c.id = r.company_id
  WHERE c.slug = '$firm' AND r.status = 'pending' ORDER BY r.id DESC LIMIT 1")
check "listing page serves 200 (${t_page}s)" [ "$page" = 200 ]
check "API read serves 200 (${t_read}s)" [ "$read_api" = 200 ]
check "/healthz reports the broker down with 503" [ "$health" = 503 ]
check "a firm's edit saves: 200 (${t_edit}s)" [ "$edit" = 200 ]
check "the edit is in the database" \
  [ "$(sql "SELECT count(*) FROM companies_company WHERE slug = '$firm' AND description LIKE 'Edited while%'")" = 1 ]
check "the firm's rescore is recorded as a pending run (run ${firm_run:-none})" [ -n "$firm_run" ]
check "POST match-runs answers 503" [ "$post" = 503 ]
check "... within 5 s, not a hang (${t_post}s)" awk "BEGIN {exit !($t_post < 5)}"
check "the 503 says the queue is unavailable and the run will start later" \
  grep -q "queue is unavailable. The run was recorded and will start automatically" "$work/body"
check "run $run_id is pending in the database" [ "$(sql "SELECT status FROM matching_matchrun WHERE id = $run_id")" = pending ]

# Stay down for REDIS_DOWN_S in all, so beat's sweeps fail meanwhile and the worker goes through its reconnect loop.
while awk "BEGIN {exit !($(now) - $redis_down < ${REDIS_DOWN_S:-12})}"; do sleep 0.5; done
echo "== B. Redis started again"
redis_start || die "Redis did not start again"
redis_up=$(now)
done_at=""
for _ in $(seq 240); do
  states=$(sql "SELECT string_agg(status, ',' ORDER BY id) FROM matching_matchrun WHERE id IN ($run_id, ${firm_run:-0})")
  if [ "$states" = "succeeded,succeeded" ]; then done_at=$(now); break; fi
  case "$states" in *failed*) break ;; esac
  sleep 0.5
done
echo "   runs $firm_run and $run_id: $states"
check "the dispatcher ran both pending runs to succeeded" [ -n "$done_at" ]
redis_recovery=$(awk "BEGIN {printf \"%.1f\", ${done_at:-$redis_up} - $redis_up}")
echo "   Redis down for $(awk "BEGIN {printf \"%.1f\", $redis_up - $redis_down}") s; pending runs done" \
  "$redis_recovery s after it was back (dispatcher every 5 s, grace 5 s)"
read -r again _ < <(code -X POST -H "Authorization: Bearer $consultant" -H "Content-Type: application/json" \
  -d '{"scope": "all"}' "$BASE/api/v1/match-runs/")
check "with Redis back, POST match-runs answers 202 again" [ "$again" = 202 ]
for pid in "${pids[@]}"; do check "process $pid still running" kill -0 "$pid"; done
echo "   worker: $(grep -c 'Cannot connect to redis' "$work/worker.log" || true) failed reconnects while Redis was down," \
  "$(grep -c 'Connected to redis' "$work/worker.log" || true) connections in all;" \
  "$(grep -o 'dispatched [0-9]* pending match runs' "$work/worker.log" | head -n1 || true)"
echo "   beat: $(grep -c 'Sending due task dispatch-pending-match-runs' "$work/beat.log" || true) dispatcher sweeps sent," \
  "$(grep -ci 'error' "$work/beat.log" || true) error lines (publishing while Redis was down)"

echo
echo "FIGURES pg_outage: requests=$total 503=$s503 500=$s500 other=$other recovery_s=$recovery;" \
  "redis_outage: post=$post post_s=$t_post page=$page read=$read_api edit=$edit recovery_s=$redis_recovery"
if [ "$failures" -gt 0 ]; then
  for f in "$work"/*.log; do echo "--- $f"; grep -E '"level": "(ERROR|CRITICAL)"|ERROR|Traceback' "$f" | tail -n 8; done
  echo "faults FAILED: $failures expectations not met" >&2
  exit 1
fi
echo "faults: ok"
