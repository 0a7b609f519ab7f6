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
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
  echo "Cài PostgreSQL / installing postgresql…"
  apt_install postgresql
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

echo "== ruff, migrations =="
$py -m ruff check .
$py manage.py makemigrations --check --dry-run >/dev/null

echo "== tests on SQLite =="
env -u DATABASE_URL $py -m pytest -q "$@"

echo "== tests on PostgreSQL ($pg_bin) =="
pg_dir=$(mktemp -d /tmp/kpi-pg.XXXXXX)
pg_port="${PG_TEST_PORT:-54329}"
run_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres "$pg_dir"
stop_pg() { run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$pg_dir"; }
trap stop_pg EXIT
run_pg "$pg_bin/initdb" -D "$pg_dir/data" -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w start \
  -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
run_pg "$pg_bin/psql" -h "$pg_dir" -p "$pg_port" -d postgres -qc "CREATE ROLE kpi LOGIN CREATEDB PASSWORD 'kpi'"
run_pg "$pg_bin/psql" -h "$pg_dir" -p "$pg_port" -d postgres -qc "CREATE DATABASE kpi OWNER kpi"
DATABASE_URL="postgres://kpi:kpi@127.0.0.1:${pg_port}/kpi" $py -m pytest -q "$@"

echo "== short load test: gunicorn + PostgreSQL, database kpi_load (scripts/loadtest.sh --short) =="
run_pg "$pg_bin/psql" -h "$pg_dir" -p "$pg_port" -d postgres -qc "CREATE DATABASE kpi_load OWNER kpi"
bash scripts/loadtest.sh --short --database-url "postgres://kpi:kpi@127.0.0.1:${pg_port}/kpi_load"
