#!/usr/bin/env bash
# Proof that `make backup` / `make restore` round-trip a database holding curated records, firms and matches.
set -euo pipefail
cd "$(dirname "$0")/.."
src="kakehashi_backup_src_$$"
dst="kakehashi_backup_dst_$$"
pg() { psql -q -h 127.0.0.1 -U postgres "$@"; }
cleanup() { pg -c "DROP DATABASE IF EXISTS $src WITH (FORCE)" -c "DROP DATABASE IF EXISTS $dst WITH (FORCE)" postgres; }
trap cleanup EXIT
pg -c "CREATE DATABASE $src" -c "CREATE DATABASE $dst" postgres

export DJANGO_DEBUG=1
unset REDIS_URL
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$src"
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py load_curated >/dev/null
.venv/bin/python manage.py rescore --sync >/dev/null

counts() {
  psql -h 127.0.0.1 -U postgres -d "$1" -tA -c "SELECT
    (SELECT count(*) FROM programmes_opportunity) || ' opportunities, ' ||
    (SELECT count(*) FROM companies_company) || ' firms, ' ||
    (SELECT count(*) FROM matching_match) || ' matches, ' ||
    (SELECT coalesce(round(sum(score)::numeric, 3), 0) FROM matching_match) || ' score sum, ' ||
    (SELECT count(*) FROM programmes_historicalopportunity) || ' history rows'"
}
before=$(counts "$src")
file=$(BACKUP_DIR=var/backups make -s backup)
DATABASE_URL="postgres://postgres@127.0.0.1:5432/$dst" make -s restore FILE="$file"
after=$(counts "$dst")
rm -f "$file"
echo "source:   $before"
echo "restored: $after"
if [ "$before" != "$after" ]; then
  echo "backup round trip FAILED: the restored database differs" >&2
  exit 1
fi
case "$before" in
  *" 0 matches"*) echo "backup round trip proves nothing: no matches were scored" >&2; exit 1 ;;
esac
echo "backup round trip: ok"
