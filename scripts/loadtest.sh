#!/usr/bin/env bash
# Bounded load test against gunicorn on 127.0.0.1 with PostgreSQL (see scripts/loadtest.py).
#
#   bash scripts/loadtest.sh            # full form: 50 district users + 20 commune officials, 120 s
#   bash scripts/loadtest.sh --short    # CI form: 10 + 5 users, 15 s
#   bash scripts/loadtest.sh --database-url postgres://kpi:kpi@127.0.0.1:54329/kpi_load [--short]
#
# Without --database-url it starts a throwaway PostgreSQL cluster on 127.0.0.1
# (port PG_LOAD_PORT, default 54333) and removes it on exit. With --database-url the
# database must exist and be empty or hold an earlier load test's data; it is migrated and
# loaded (units of provinces 51/52, real figures, sample data, demo accounts) first.
# Other arguments go to scripts/loadtest.py (e.g. --workers 4 --duration 60).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

py=.venv/bin/python
[ -x "$py" ] || ensure_venv requirements.txt

database_url=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --database-url) database_url="$2"; shift 2 ;;
    --database-url=*) database_url="${1#*=}"; shift ;;
    *) args+=("$1"); shift ;;
  esac
done

if [ -z "$database_url" ]; then
  pg_port="${PG_LOAD_PORT:-54333}"
  # Durable settings (fsync on): the restart check must mean what it says.
  start_pg_cluster "$pg_port" kpi_load -c max_connections=200
  database_url="postgres://kpi:kpi@127.0.0.1:${pg_port}/kpi_load"
fi

export DATABASE_URL="$database_url"
started=$(date +%s)
echo "== load test: migrate, units 51/52, demo data ($(echo "$database_url" | sed 's#//[^@]*@#//…@#')) =="
$py manage.py migrate --noinput -v 0
$py manage.py load_units --province 51 --province 52 -v 0
$py manage.py load_demo --no-users >/dev/null
echo "   ready in $(( $(date +%s) - started )) s"
$py scripts/loadtest.py --database-url "$database_url" "${args[@]}"
