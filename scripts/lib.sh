# Shared helpers for scripts/run.sh and scripts/test.sh (sourced, not executed).

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "Cần quyền root để cài gói Debian: $* / root is needed to install Debian packages" >&2
    return 1
  fi
}

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

# Create .venv with Python 3.11+ and install the given requirements file (quietly, and only
# when it changed since the last install).
ensure_venv() {
  local requirements="$1" python="${PYTHON:-python3}"
  if [ ! -x .venv/bin/python ]; then
    if ! "$python" -m venv .venv 2>/dev/null; then
      rm -rf .venv
      apt_install python3-venv   # Debian's system Python ships venv separately
      "$python" -m venv .venv
    fi
  fi
  local stamp=".venv/.installed-$(basename "$requirements")"
  if [ ! -f "$stamp" ] || ! cmp -s <(cat requirements*.txt) "$stamp"; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
    cat requirements*.txt > "$stamp"
  fi
}

# PostgreSQL for the tests and the load test: Debian's server binaries, installed when
# missing, and a throwaway cluster on 127.0.0.1 owned by this shell, removed on exit.
pg_bin=""
pg_dir=""
pg_port=""

ensure_pg_bin() {
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
    echo "Cài PostgreSQL / installing postgresql…"
    apt_install postgresql
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
}

# The server refuses to run as root, so as root its commands run as the postgres user.
run_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

stop_pg_cluster() {
  [ -n "$pg_dir" ] || return 0
  run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}

# start_pg_cluster PORT DATABASE [server options…]: role kpi (password kpi) owns DATABASE.
start_pg_cluster() {
  local port="$1" database="$2"
  shift 2
  [ -n "$pg_bin" ] || ensure_pg_bin
  pg_dir=$(mktemp -d /tmp/kpi-pg.XXXXXX)
  pg_port="$port"
  [ "$(id -u)" -eq 0 ] && chown postgres "$pg_dir"
  trap stop_pg_cluster EXIT
  run_pg "$pg_bin/initdb" -D "$pg_dir/data" -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w start \
    -o "-p $port -k $pg_dir -c listen_addresses=127.0.0.1 $*" >/dev/null
  run_pg "$pg_bin/psql" -h "$pg_dir" -p "$port" -d postgres -qc "CREATE ROLE kpi LOGIN CREATEDB PASSWORD 'kpi'"
  create_pg_database "$database"
}

create_pg_database() {
  run_pg "$pg_bin/psql" -h "$pg_dir" -p "$pg_port" -d postgres -qc "CREATE DATABASE $1 OWNER kpi"
}
