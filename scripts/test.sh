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

echo "== tests on SQLite =="
env -u DATABASE_URL $py -m pytest -q "$@"

echo "== tests on PostgreSQL ($pg_bin) =="
pg_port="${PG_TEST_PORT:-54329}"
# Throwaway data: durability off makes the suite faster and proves nothing less.
start_pg_cluster "$pg_port" kpi -c fsync=off -c synchronous_commit=off -c full_page_writes=off
DATABASE_URL="postgres://kpi:kpi@127.0.0.1:${pg_port}/kpi" $py -m pytest -q "$@"

echo "== short load test: gunicorn + PostgreSQL, database kpi_load (scripts/loadtest.sh --short) =="
create_pg_database kpi_load
bash scripts/loadtest.sh --short --database-url "postgres://kpi:kpi@127.0.0.1:${pg_port}/kpi_load"
