#!/usr/bin/env bash
# Every test, on SQLite and on a real PostgreSQL server, browser tests included.
# Installs what is missing (Debian's chromium and postgresql, as root) and starts a
# throwaway PostgreSQL cluster that is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_venv requirements-dev.txt
py=.venv/bin/python

[ -x /usr/bin/chromium ] || { echo "Cài chromium / installing chromium…"; apt_install chromium; }
ensure_pg_bin

echo "== ruff, mypy, migrations =="
$py -m ruff check .
$py -m mypy
$py manage.py makemigrations --check --dry-run >/dev/null

pg_port="${PG_TEST_PORT:-54329}"
# Throwaway data: durability off makes the suite faster and proves nothing less.
start_pg_cluster "$pg_port" kpi -c fsync=off -c synchronous_commit=off -c full_page_writes=off

# The two suites side by side, one per core (each pytest is single-threaded): the whole
# command stays within its 15 minutes. Each one's output is shown whole when both are done.
echo "== tests on SQLite and on PostgreSQL ($pg_bin), side by side =="
logs="$(mktemp -d)"
env -u DATABASE_URL $py -m pytest -q "$@" >"$logs/sqlite.log" 2>&1 &
sqlite_pid=$!
DATABASE_URL="postgres://kpi:kpi@127.0.0.1:${pg_port}/kpi" $py -m pytest -q "$@" \
  >"$logs/postgresql.log" 2>&1 &
pg_pid=$!
sqlite_rc=0; wait "$sqlite_pid" || sqlite_rc=$?
pg_rc=0; wait "$pg_pid" || pg_rc=$?
echo "== tests on SQLite (exit $sqlite_rc) =="; cat "$logs/sqlite.log"
echo "== tests on PostgreSQL (exit $pg_rc) =="; cat "$logs/postgresql.log"
rm -rf "$logs"
if [ "$sqlite_rc" -ne 0 ] || [ "$pg_rc" -ne 0 ]; then exit 1; fi

echo "== short load test: gunicorn + PostgreSQL, database kpi_load (scripts/loadtest.sh --short) =="
create_pg_database kpi_load
bash scripts/loadtest.sh --short --database-url "postgres://kpi:kpi@127.0.0.1:${pg_port}/kpi_load"
