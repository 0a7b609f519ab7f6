#!/usr/bin/env python
"""Bounded load test: gunicorn on 127.0.0.1, a PostgreSQL (or any DATABASE_URL) database,
district users browsing rankings and summaries while commune officials save figures.

    .venv/bin/python scripts/loadtest.py --database-url postgres://kpi:kpi@127.0.0.1:54333/kpi_load
    .venv/bin/python scripts/loadtest.py --short ...   # CI: 10 + 5 users, 15 s

The database must already be migrated and hold the units of provinces 51/52 and the demo
data (scripts/loadtest.sh does that on a throwaway cluster). Steps:

1. setup (Django ORM, in this process): `loadtest.*` users — district staff spread over the
   legacy districts that have figures, one commune official per commune — with a password
   made for this run; the figures of those communes for the load periods are reset;
2. gunicorn starts with --workers N on a free port of 127.0.0.1;
3. every simulated user logs in once (correct password: django-axes never sees a
   failure), then until the deadline district users open rankings, summaries, the
   reporting list and unit pages, and commune officials open their entry form (CSRF token
   and `version` parsed from it) and save new figures (Vietnamese number format, warnings
   confirmed), each save acknowledged by the 302 the view sends after the commit;
   halfway through, gunicorn gets SIGHUP (graceful reload of every worker);
4. the database is checked: for every (unit, period) saved, the stored counts equal the
   last acknowledged save and the version equals the number of acknowledged saves (a lost
   or a phantom write changes it);
5. gunicorn is stopped and started again, and every commune official reads their forms
   back over HTTP: the same counts and versions must come back;
6. a table of p50/p95 per page is printed; the exit status is 1 on any 5xx, connection
   error, unexpected status, lost or wrong figure.

Only the standard library drives the traffic; all of it goes to 127.0.0.1. Every loop
stops at the deadline, every request has a timeout, and gunicorn is stopped on exit.
"""

from __future__ import annotations

import argparse
import dataclasses
import http.cookiejar
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PREFIX = "loadtest."
# Periods the load test writes: months of 2025 before the reform, when the legacy communes
# still exist. The demo has sample figures for them; setup_data deletes those of the load
# test's communes first, so every save it checks is its own.
LOAD_PERIODS = ("2025-M01-ND09", "2025-M02-ND09", "2025-M03-ND09")
BROWSE_INDICATORS = ("online", "digitization", "on_time", "e_results", "payment", "reuse")
REQUEST_TIMEOUT = 60.0


# --------------------------------------------------------------------------- setup (ORM)


def django_setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpi_portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


@dataclasses.dataclass
class District:
    code: str
    periods: list[str]
    unit_ids: list[int]


@dataclasses.dataclass
class Plan:
    password: str
    district_users: list[tuple[str, District]]
    commune_users: list[tuple[str, int]]  # username, unit id


def setup_data(n_district: int, n_commune: int) -> Plan:
    """Create (or reset) the load users and clear the load periods' figures of their units."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from indicators.models import Period, UnitFigures
    from units.models import AdministrativeUnit, Role, Structure, UnitLevel, User

    districts: list[District] = []
    for unit in AdministrativeUnit.objects.filter(
        level=UnitLevel.DISTRICT, structure=Structure.LEGACY
    ).order_by("code"):
        children = AdministrativeUnit.objects.filter(parent=unit, level=UnitLevel.COMMUNE)
        periods = list(
            Period.objects.filter(figures__unit__in=children)
            .distinct()
            .order_by("code")
            .values_list("code", flat=True)
        )
        if periods:
            districts.append(
                District(unit.code, periods, list(children.values_list("pk", flat=True)))
            )
    if not districts:
        raise SystemExit("Không có huyện nào có số liệu: hãy chạy load_units và load_demo trước.")
    communes = [uid for d in districts for uid in d.unit_ids]
    if len(communes) < n_commune:
        raise SystemExit(f"Chỉ có {len(communes)} xã, cần {n_commune}.")
    random.Random(4).shuffle(communes)
    communes = communes[:n_commune]

    password = "Tai-" + secrets.token_urlsafe(12)
    hashed = make_password(password)  # one PBKDF2 run, shared by every load user
    plan = Plan(password, [], [])
    with transaction.atomic():
        wanted: dict[str, tuple[str, int]] = {}
        for i in range(n_district):
            district = districts[i % len(districts)]
            username = f"{PREFIX}huyen{i + 1:02d}"
            unit_id = AdministrativeUnit.objects.get(
                code=district.code, level=UnitLevel.DISTRICT, structure=Structure.LEGACY
            ).pk
            wanted[username] = (Role.DISTRICT_STAFF, unit_id)
            plan.district_users.append((username, district))
        for i, unit_id in enumerate(communes):
            username = f"{PREFIX}xa{i + 1:02d}"
            wanted[username] = (Role.COMMUNE_OFFICIAL, unit_id)
            plan.commune_users.append((username, unit_id))
        for username, (role, unit_id) in wanted.items():
            User.objects.update_or_create(
                username=username,
                defaults={"role": role, "unit_id": unit_id, "password": hashed, "is_active": True},
            )
        UnitFigures.objects.filter(
            unit_id__in=communes, period__code__in=LOAD_PERIODS
        ).delete()  # history rows go with them (CASCADE)
    return plan


@dataclasses.dataclass
class Acked:
    counts: dict[str, int]
    saves: int = 0


def verify_database(acked: dict[tuple[int, str], Acked], commune_ids: list[int]) -> list[str]:
    """Every acknowledged save is in the database, and nothing else was written."""
    from django.db import close_old_connections

    from indicators.domain.formulas import COUNT_FIELDS
    from indicators.models import UnitFigures

    close_old_connections()
    problems = []
    stored = {
        (f.unit_id, f.period.code): f
        for f in UnitFigures.objects.filter(
            unit_id__in=commune_ids, period__code__in=LOAD_PERIODS
        ).select_related("period")
    }
    for key, expect in sorted(acked.items()):
        figures = stored.pop(key, None)
        if figures is None:
            problems.append(f"thiếu / missing: unit {key[0]} {key[1]}")
            continue
        counts = {name: getattr(figures, name) for name in COUNT_FIELDS}
        wanted = {name: expect.counts.get(name) for name in COUNT_FIELDS}
        if counts != wanted:
            diff = {n: (counts[n], wanted[n]) for n in COUNT_FIELDS if counts[n] != wanted[n]}
            problems.append(f"sai / wrong: unit {key[0]} {key[1]}: {diff}")
        if figures.version != expect.saves:
            problems.append(
                f"phiên bản / version: unit {key[0]} {key[1]}: {figures.version}, "
                f"expected {expect.saves} acknowledged saves"
            )
        if figures.changes.filter(field="total").count() != expect.saves:
            problems.append(f"lịch sử / history: unit {key[0]} {key[1]}: wrong 'total' changes")
    for key in stored:
        problems.append(f"không mong đợi / unexpected: unit {key[0]} {key[1]}")
    return problems


# --------------------------------------------------------------------------- gunicorn


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, port: int, workers: int, database_url: str, log_path: Path) -> None:
        self.port, self.workers, self.database_url, self.log_path = (
            port,
            workers,
            database_url,
            log_path,
        )
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "DJANGO_SETTINGS_MODULE": "kpi_portal.settings",
            "DEBUG": "false",
            "ALLOWED_HOSTS": HOST,
            "LOG_LEVEL": "ERROR",
        }
        log = open(self.log_path, "ab")  # the child keeps its own copy
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "kpi_portal.wsgi:application",
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "60",
                "--graceful-timeout",
                "30",
                "--backlog",
                "256",
                "--preload",  # workers fork with the app imported: no cold first request
                "--error-logfile",
                "-",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn dừng ngay / exited at once; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"http://{HOST}:{self.port}/dang-nhap/", timeout=5):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"gunicorn không trả lời trong 30 s / not answering; see {self.log_path}")

    def reload(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGHUP)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # graceful: running requests finish
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


# --------------------------------------------------------------------------- HTTP client


class LoopbackPolicy(http.cookiejar.DefaultCookiePolicy):
    """Send Secure cookies too: every request goes to 127.0.0.1 over plain http."""

    def return_ok_secure(self, cookie: http.cookiejar.Cookie, request: object) -> bool:
        return True


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # the 302 is the answer we measure (and the proof of a save)


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {}
        self.server_errors: dict[str, int] = {}
        self.failures: dict[str, int] = {}
        self.samples: list[str] = []

    def record(
        self, page: str, seconds: float, status: int, expected: tuple[int, ...], note: str
    ) -> None:
        with self.lock:
            self.latencies.setdefault(page, []).append(seconds)
            if status >= 500 or status == 0:
                self.server_errors[page] = self.server_errors.get(page, 0) + 1
            elif status not in expected:
                self.failures[page] = self.failures.get(page, 0) + 1
            else:
                return
            if len(self.samples) < 20:
                self.samples.append(f"{page}: {status or 'connection error'} {note[:300]}")


class Client:
    def __init__(self, base: str, stats: Stats) -> None:
        self.base, self.stats = base, stats
        self.jar = http.cookiejar.CookieJar(policy=LoopbackPolicy())
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(
        self,
        page: str,
        path: str,
        data: dict[str, str] | None = None,
        expected: tuple[int, ...] = (200,),
    ) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        if body is not None:
            request.add_header("Referer", self.base + path)
        started = time.perf_counter()
        status, text = 0, ""
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                status, text = response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode("utf-8", "replace")
        except (urllib.error.URLError, OSError) as error:
            text = repr(error)
        elapsed = time.perf_counter() - started
        note = path if status else f"{path} {text}"
        if status >= 500:
            note = f"{path} {_snippet(text)}"
        self.stats.record(page, elapsed, status, expected, note)
        return status, text

    def login(self, username: str, password: str) -> bool:
        status, html = self.request("đăng nhập (form)", "/dang-nhap/")
        token = _csrf(html)
        if status != 200 or not token:
            return False
        status, _ = self.request(
            "đăng nhập (POST)",
            "/dang-nhap/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
            expected=(302,),
        )
        return status == 302


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_INPUT = re.compile(r"<input\b[^>]*>")
_ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')


def _csrf(html: str) -> str:
    match = _CSRF.search(html)
    return match.group(1) if match else ""


def form_inputs(html: str) -> dict[str, str]:
    values = {}
    for tag in _INPUT.findall(html):
        attrs = dict(_ATTR.findall(tag))
        if "name" in attrs:
            values[attrs["name"]] = attrs.get("value", "")
    return values


def _snippet(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())[:200]


def vi_int(value: int) -> str:
    """1087 -> "1.087", as officials type it."""
    return f"{value:,}".replace(",", ".")


def figures_counts(user_no: int, save_no: int) -> dict[str, int]:
    """Consistent counts that differ for every user and save."""
    received = 900 + 37 * user_no + save_no
    online = received // 2 + save_no % 7
    resolved = received - 20
    late = save_no % 5
    return {
        "total": received + 15,
        "carried_over": 15,
        "received": received,
        "received_in_person": received - online,
        "received_online": online,
        "digitized_partial": received // 4,
        "digitized_full": received // 3,
        "resolved": resolved,
        "resolved_on_time": resolved - late,
        "resolved_late": late,
        "results_digitized": resolved // 2,
        "payments_total": 200 + user_no,
        "payments_online": 100 + save_no % 50,
    }


# --------------------------------------------------------------------------- scenario


@dataclasses.dataclass
class Run:
    base: str
    deadline: float
    stats: Stats
    password: str
    think: tuple[float, float]
    acked: dict[tuple[int, str], Acked]
    acked_lock: threading.Lock
    logins_failed: list[str]
    start: threading.Barrier  # everyone logged in: the timed part begins
    clients: dict[str, Client]

    def log_in(self, username: str) -> Client | None:
        client = Client(self.base, self.stats)
        ok = client.login(username, self.password)
        if ok:
            self.clients[username] = client
        else:
            self.logins_failed.append(username)
        try:
            self.start.wait()
        except threading.BrokenBarrierError:
            return None
        return client if ok else None


def district_user(run: Run, username: str, district: District, seed: int) -> None:
    rng = random.Random(seed)
    client = run.log_in(username)
    if client is None:
        return
    time.sleep(rng.uniform(0, run.think[1]))  # users do not all click at once
    while time.monotonic() < run.deadline:
        period = rng.choice(district.periods)
        choice = rng.random()
        if choice < 0.4:
            indicator = rng.choice(BROWSE_INDICATORS)
            path = f"/xep-hang/?parent={district.code}&period={period}&indicator={indicator}"
            client.request("xếp hạng /xep-hang/", path)
        elif choice < 0.7:
            client.request(
                "tổng hợp /tong-hop/", f"/tong-hop/?parent={district.code}&period={period}"
            )
        elif choice < 0.85:
            client.request("báo cáo /so-lieu/", f"/so-lieu/?parent={district.code}&period={period}")
        else:
            client.request("đơn vị /don-vi/<id>/", f"/don-vi/{rng.choice(district.unit_ids)}/")
        time.sleep(rng.uniform(*run.think))


def commune_user(run: Run, username: str, unit_id: int, user_no: int) -> None:
    rng = random.Random(1000 + user_no)
    client = run.log_in(username)
    if client is None:
        return
    save_no = 0
    time.sleep(rng.uniform(0, run.think[1]))
    while time.monotonic() < run.deadline:
        period = LOAD_PERIODS[save_no % len(LOAD_PERIODS)]
        path = f"/so-lieu/{unit_id}/{period}/"
        status, html = client.request("nhập số liệu (form)", path)
        if status != 200:
            time.sleep(rng.uniform(*run.think))
            continue
        inputs = form_inputs(html)
        counts = figures_counts(user_no, save_no)
        data = {name: vi_int(value) for name, value in counts.items()}
        data.update(
            csrfmiddlewaretoken=inputs.get("csrfmiddlewaretoken", ""),
            version=inputs.get("version", ""),
            confirm_warnings="on",
        )
        status, _ = client.request("lưu số liệu (POST)", path, data, expected=(302,))
        if status == 302:
            with run.acked_lock:
                entry = run.acked.setdefault((unit_id, period), Acked(counts))
                entry.counts, entry.saves = counts, entry.saves + 1
        save_no += 1
        time.sleep(rng.uniform(*run.think))


def read_back(run: Run, stats: Stats, plan: Plan) -> list[str]:
    """After the restart every official, still logged in (sessions live in the database),
    reads each form they saved: same counts, same version."""
    from indicators.domain.formulas import COUNT_FIELDS

    problems = []
    acked = run.acked
    for username, unit_id in plan.commune_users:
        client = run.clients.get(username)
        if client is None:
            continue
        client.stats = stats
        for period in LOAD_PERIODS:
            expect = acked.get((unit_id, period))
            if expect is None:
                continue
            path = f"/so-lieu/{unit_id}/{period}/"
            status, html = client.request("đọc lại sau khởi động lại", path)
            inputs = form_inputs(html)
            shown = {
                name: int(inputs[name].replace(".", "")) if inputs.get(name) else None
                for name in COUNT_FIELDS
            }
            wanted = {name: expect.counts.get(name) for name in COUNT_FIELDS}
            if status != 200 or shown != wanted or inputs.get("version") != str(expect.saves):
                problems.append(
                    f"sau khởi động lại / after restart: unit {unit_id} {period} differs"
                )
    return problems


def percentile(values: list[float], q: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def print_table(stats: Stats, elapsed: float) -> None:
    header = (
        f"{'trang / page':<30} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
        f"{'5xx':>5} {'khác':>5}"
    )
    print(header)
    print("-" * len(header))
    total = 0
    for page, values in stats.latencies.items():
        total += len(values)
        print(
            f"{page:<30} {len(values):>6} {percentile(values, 50) * 1000:>8.0f} "
            f"{percentile(values, 95) * 1000:>8.0f} {max(values) * 1000:>8.0f} "
            f"{stats.server_errors.get(page, 0):>5} {stats.failures.get(page, 0):>5}"
        )
    every = [
        v for page, values in stats.latencies.items() if "đăng nhập" not in page for v in values
    ]
    if every:
        print("-" * len(header))
        print(
            f"{'trang, không tính đăng nhập':<30} {len(every):>6} "
            f"{percentile(every, 50) * 1000:>8.0f} "
            f"{percentile(every, 95) * 1000:>8.0f} {max(every) * 1000:>8.0f} "
            f"{sum(stats.server_errors.values()):>5} {sum(stats.failures.values()):>5}"
        )
    print(f"{total} yêu cầu trong {elapsed:.1f} s = {total / max(elapsed, 0.001):.1f} req/s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.getenv("DATABASE_URL", ""))
    parser.add_argument("--short", action="store_true", help="CI form: 10 + 5 users, 15 s")
    parser.add_argument("--district-users", type=int)
    parser.add_argument("--commune-users", type=int)
    parser.add_argument("--duration", type=float, help="seconds of load (max 600)")
    parser.add_argument("--workers", type=int, default=min(2 * (os.cpu_count() or 1) + 1, 9))
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(1.0, 4.0),
        metavar=("MIN", "MAX"),
        help="seconds a user waits between two pages (default 1 4)",
    )
    parser.add_argument("--no-reload", action="store_true", help="no SIGHUP halfway")
    args = parser.parse_args()
    if not args.database_url:
        parser.error("--database-url or DATABASE_URL is required")
    n_district = args.district_users or (10 if args.short else 50)
    n_commune = args.commune_users or (5 if args.short else 20)
    duration = min(args.duration or (15 if args.short else 120), 600)

    django_setup(args.database_url)
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    plan = setup_data(n_district, n_commune)
    log_path = Path(os.getenv("LOADTEST_LOG", "/tmp/kpi-loadtest-gunicorn.log"))
    log_path.write_text("")
    port = free_port()
    server = Server(port, args.workers, args.database_url, log_path)
    print(
        f"== {n_district} người dùng huyện + {n_commune} công chức xã, {duration:.0f} s, "
        f"gunicorn {args.workers} workers, {engine}, http://{HOST}:{port} =="
    )
    server.start()
    stats = Stats()
    n_users = n_district + n_commune
    timing = {"started": 0.0}

    def begin() -> None:  # runs once, when the last user has logged in
        timing["started"] = time.monotonic()
        run.deadline = timing["started"] + duration

    run = Run(
        base=f"http://{HOST}:{port}",
        deadline=time.monotonic() + 3600,
        stats=stats,
        password=plan.password,
        think=tuple(args.think),
        acked={},
        acked_lock=threading.Lock(),
        logins_failed=[],
        start=threading.Barrier(n_users + 1, action=begin, timeout=300),
        clients={},
    )
    problems: list[str] = []
    elapsed = 0.0
    saves = 0
    try:
        threads = [
            threading.Thread(target=district_user, args=(run, name, district, i), daemon=True)
            for i, (name, district) in enumerate(plan.district_users)
        ] + [
            threading.Thread(target=commune_user, args=(run, name, unit_id, i), daemon=True)
            for i, (name, unit_id) in enumerate(plan.commune_users)
        ]
        logging_in = time.monotonic()
        for thread in threads:
            thread.start()
        run.start.wait()
        print(
            f"   {n_users - len(run.logins_failed)} đăng nhập trong / logged in in "
            f"{time.monotonic() - logging_in:.1f} s; bắt đầu đo / measuring {duration:.0f} s"
        )
        if not args.no_reload:
            time.sleep(max(0.0, (run.deadline - time.monotonic()) / 2))
            print("   SIGHUP → gunicorn (tải lại các worker / graceful reload)")
            server.reload()
        for thread in threads:
            thread.join(timeout=max(1.0, run.deadline - time.monotonic() + REQUEST_TIMEOUT + 5))
        elapsed = time.monotonic() - timing["started"]
        if any(t.is_alive() for t in threads):
            problems.append("một số người dùng chưa dừng / some users did not stop")
        if run.logins_failed:
            problems.append(f"đăng nhập thất bại / failed logins: {sorted(run.logins_failed)}")

        problems += verify_database(run.acked, [uid for _, uid in plan.commune_users])
        saves = sum(a.saves for a in run.acked.values())
        print(f"   CSDL: {saves} lần lưu được xác nhận, {len(run.acked)} (đơn vị, kỳ) đã kiểm tra")

        print("   khởi động lại gunicorn / restarting gunicorn (SIGTERM, start)")
        server.stop()
        server.start()
        readback = Stats()
        problems += read_back(run, readback, plan)
        problems += verify_database(run.acked, [uid for _, uid in plan.commune_users])
        for page, count in {**readback.server_errors, **readback.failures}.items():
            problems.append(f"đọc lại / read back: {page}: {count} lỗi")
    finally:
        server.stop()

    print()
    print_table(stats, elapsed)
    errors = sum(stats.server_errors.values())
    failures = sum(stats.failures.values())
    print(
        f"Lỗi máy chủ (5xx, mất kết nối): {errors}; trạng thái khác mong đợi: {failures}; "
        f"số liệu đã lưu: {saves} lần, {len(run.acked)} (đơn vị, kỳ) đúng sau khi khởi động lại: "
        f"{'có' if not problems else 'KHÔNG'}"
    )
    for sample in stats.samples:
        print("   !", sample)
    for problem in problems[:30]:
        print("   ✗", problem)
    if errors or failures or problems or saves == 0:
        print(f"THẤT BẠI / FAILED (gunicorn log: {log_path})")
        return 1
    print("ĐẠT / PASSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
