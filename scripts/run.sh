#!/usr/bin/env bash
# One command from a fresh clone to a running portal: virtualenv, packages, the embedded
# SQLite database, the country's administrative units, the real figures of the published
# documents, sample data and demo accounts; then the server on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_venv requirements.txt
py=.venv/bin/python
$py manage.py migrate --noinput
$py manage.py load_units
$py manage.py load_demo
port="${PORT:-8000}"
echo
echo "KPI Portal đang chạy / is running: http://127.0.0.1:${port}/  (Ctrl+C để dừng / to stop)"
# --insecure: serve static files (plotly.js, CSS) from this process; DEBUG stays off.
exec $py manage.py runserver "127.0.0.1:${port}" --insecure
