"""Faults: a database connection lost in the middle of an import commit or of a figures save
leaves nothing half-written, the portal recovers for the next request, and committed
figures survive every connection being closed (what an app restart does).

Two levels:
- simulated (SQLite and PostgreSQL): the write raises django.db.OperationalError — what
  Django raises when the server goes away — once an import's rows and history are written
  in bulk, before their submission, or after a saved figures row was updated but before
  its history was written;
- real (PostgreSQL only): a second connection kills the backend with pg_terminate_backend
  at the same moments. These run outside the test transaction (the import's own
  transaction is then the outermost one, as in production) and delete what they create.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError, connection, connections
from django.db.utils import InterfaceError

from indicators.domain import periods
from indicators.figures import services
from indicators.io import services as imports
from indicators.models import FiguresChange, FiguresStatus, ImportBatch, Period, UnitFigures
from tests.base import BaseTestCase
from tests.io.test_import_service import seed_xlsx
from units.models import Role, User
from units.selectors import unit_by_code

H1 = "2023-H1-CAL"
H2 = "2023-H2-CAL"
COUNTS = {
    "total": 1000,
    "carried_over": 10,
    "received": 990,
    "received_in_person": 590,
    "received_online": 400,
    "resolved": 900,
    "resolved_on_time": 899,
    "resolved_late": 1,
}
FORM = {**{k: f"{v:,}".replace(",", ".") for k, v in COUNTS.items()}}


def failing_on_call(real: Any, number: int, error: BaseException) -> tuple[Any, list[object]]:
    calls: list[object] = []

    def wrapper(*args: object, **kwargs: object) -> Any:
        calls.append(kwargs.get("unit"))
        if len(calls) == number:
            raise error
        return real(*args, **kwargs)

    return wrapper, calls


class SimulatedDropTestCase(BaseTestCase):
    def figures_state(self, period_code: str) -> dict[int, tuple]:
        return {
            f.unit_id: (f.version, f.status, *f.counts().values())
            for f in UnitFigures.objects.filter(period__code=period_code)
        }

    def test_it_writes_no_row_when_an_import_commit_loses_the_connection(self) -> None:
        spec = periods.parse_period_code(H2)
        preview = imports.figures_import_preview(
            data=seed_xlsx(),
            filename="phu-luc.xlsx",
            parent=self.hoai_nhon,
            period=spec,
            user=self.district,
        )
        self.assertEqual(len(preview.analysis.to_write), 18)
        changes_before = FiguresChange.objects.count()
        wrapper, calls = failing_on_call(
            services.figures_submit_imported, 1, OperationalError("server closed the connection")
        )
        # Every row's figures and history are written (in bulk); the submission fails.
        with mock.patch("indicators.io.services.figures_submit_imported", side_effect=wrapper):
            with self.assertRaises(OperationalError):
                imports.figures_import_commit(batch=preview.batch, user=self.district)
        self.assertEqual(len(calls), 1)
        self.assertEqual(self.figures_state(H2), {})
        self.assertEqual(FiguresChange.objects.count(), changes_before)
        preview.batch.refresh_from_db()
        # The claim of the batch was rolled back with the rows: it can be committed again.
        self.assertEqual(preview.batch.status, ImportBatch.Status.PREVIEW)
        result = imports.figures_import_commit(batch=preview.batch, user=self.district)
        self.assertEqual(result.created, 18)
        self.assertEqual(len(self.figures_state(H2)), 18)

    def test_it_keeps_the_old_figures_when_a_save_loses_the_connection(self) -> None:
        url = f"/so-lieu/{self.hoai_duc.pk}/2023-Q3-CAL/"
        self.login(self.commune)
        self.assertEqual(self.client.post(url, FORM).status_code, 302)
        figures = UnitFigures.objects.get(unit=self.hoai_duc, period__code="2023-Q3-CAL")
        before = (figures.version, figures.counts(), figures.changes.count())

        changed = {**FORM, "carried_over": "11", "total": "1.001", "version": str(figures.version)}
        # The conditional UPDATE of the figures row has run; the history insert fails.
        with mock.patch(
            "indicators.figures.services._record_changes",
            side_effect=OperationalError("terminating connection due to administrator command"),
        ):
            with self.assertRaises(OperationalError):
                self.client.post(url, changed)
        figures.refresh_from_db()
        self.assertEqual((figures.version, figures.counts(), figures.changes.count()), before)

        # The next request works, with the version the user had.
        response = self.client.post(url, changed)
        self.assertEqual(response.status_code, 302)
        figures.refresh_from_db()
        self.assertEqual((figures.version, figures.total, figures.carried_over), (2, 1001, 11))

    def test_it_changes_nothing_when_a_transition_loses_the_connection(self) -> None:
        figures = services.figures_save(
            unit=self.hoai_duc,
            period=Period.objects.for_spec(periods.parse_period_code("2023-Q4-CAL")),
            values=COUNTS,
            user=self.commune,
            expected_version=None,
        )
        with mock.patch(
            "indicators.figures.services.FiguresChange.objects.create",
            side_effect=OperationalError("connection lost"),
        ):
            with self.assertRaises(OperationalError):
                services.figures_transition(
                    figures=figures, action="submit", user=self.commune, expected_version=1
                )
        figures.refresh_from_db()
        self.assertEqual((figures.status, figures.version), (FiguresStatus.DRAFT, 1))


# --------------------------------------------------------------------------- real drops


REAL_PERIOD = "2022-H2-CAL"
REAL_Q = "2022-Q4-CAL"

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_terminate_backend needs PostgreSQL"
)


def kill_my_backend() -> None:
    """Terminate this thread's database session from a second connection."""
    import psycopg2

    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    killer = psycopg2.connect(**{**params, "dbname": connection.settings_dict["NAME"]})
    try:
        killer.autocommit = True
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        killer.close()


def recover() -> None:
    """What Django does at the end of every request (request_finished)."""
    connection.close_if_unusable_or_obsolete()
    if connection.connection is not None and connection.in_atomic_block is False:
        try:
            connection.ensure_connection()
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except (OperationalError, InterfaceError):
            connection.close()


@pytest.fixture
def real_db(django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """Committed data, no test transaction around it; everything is deleted afterwards."""
    with django_db_blocker.unblock():
        hoai_nhon = unit_by_code("543", on=periods.parse_period_code(H1).end)
        hoai_duc = unit_by_code("21685", on=periods.parse_period_code(H1).end)
        district = User.objects.create(
            username="fault-district", role=Role.DISTRICT_STAFF, unit=hoai_nhon
        )
        commune = User.objects.create(
            username="fault-commune", role=Role.COMMUNE_OFFICIAL, unit=hoai_duc
        )
        try:
            yield {
                "hoai_nhon": hoai_nhon,
                "hoai_duc": hoai_duc,
                "district": district,
                "commune": commune,
            }
        finally:
            connection.close()  # a fresh session for the clean-up
            codes = (REAL_PERIOD, REAL_Q)
            UnitFigures.objects.filter(period__code__in=codes).delete()
            ImportBatch.objects.filter(period__code__in=codes).delete()
            Period.objects.filter(code__in=codes).delete()
            from django.apps import apps

            if apps.is_installed("units") and "units.auditevent" in {
                m._meta.label_lower for m in apps.get_models()
            }:
                audit = apps.get_model("units", "AuditEvent")
                fields = {f.name for f in audit._meta.get_fields()}
                if "user" in fields:
                    audit.objects.filter(user__in=[district, commune]).delete()
            User.objects.filter(pk__in=[district.pk, commune.pk]).delete()


@needs_postgres
def test_it_writes_no_row_when_the_backend_is_killed_mid_import(real_db: dict) -> None:
    preview = imports.figures_import_preview(
        data=seed_xlsx(),
        filename="phu-luc.xlsx",
        parent=real_db["hoai_nhon"],
        period=periods.parse_period_code(REAL_PERIOD),
        user=real_db["district"],
    )
    assert preview.analysis.errors == [], preview.analysis.errors
    assert len(preview.analysis.to_write) == 18
    real_submit = services.figures_submit_imported
    calls: list[object] = []

    def write_then_die(**kwargs: Any) -> Any:
        calls.append(kwargs["figures_ids"])
        kill_my_backend()  # every row and its history written, uncommitted; the next fails
        return real_submit(**kwargs)

    with mock.patch("indicators.io.services.figures_submit_imported", side_effect=write_then_die):
        with pytest.raises((OperationalError, InterfaceError)):
            imports.figures_import_commit(batch=preview.batch, user=real_db["district"])
    assert len(calls) == 1
    recover()
    connections.close_all()
    assert not UnitFigures.objects.filter(period__code=REAL_PERIOD).exists()
    assert not FiguresChange.objects.filter(figures__period__code=REAL_PERIOD).exists()
    batch = ImportBatch.objects.get(pk=preview.batch.pk)
    assert batch.status == ImportBatch.Status.PREVIEW
    # Recovered: the same batch commits on a new connection, every row.
    result = imports.figures_import_commit(batch=batch, user=real_db["district"])
    assert result.created == 18
    assert UnitFigures.objects.filter(period__code=REAL_PERIOD).count() == 18


@needs_postgres
def test_it_keeps_the_old_figures_when_the_backend_is_killed_mid_save(real_db: dict) -> None:
    period = Period.objects.for_spec(periods.parse_period_code(REAL_Q))
    saved = services.figures_save(
        unit=real_db["hoai_duc"],
        period=period,
        values=COUNTS,
        user=real_db["commune"],
        expected_version=None,
    )
    real_record = services._record_changes

    def record_then_die(*args: Any, **kwargs: Any) -> int:
        kill_my_backend()  # the figures row is updated, its history not yet written
        return real_record(*args, **kwargs)

    changed = {**COUNTS, "carried_over": 11, "total": 1001}
    with mock.patch("indicators.figures.services._record_changes", side_effect=record_then_die):
        with pytest.raises((OperationalError, InterfaceError)):
            services.figures_save(
                unit=real_db["hoai_duc"],
                period=period,
                values=changed,
                user=real_db["commune"],
                expected_version=saved.version,
            )
    recover()
    figures = UnitFigures.objects.get(pk=saved.pk)
    assert (figures.version, figures.total, figures.carried_over) == (1, 1000, 10)
    assert figures.changes.count() == len(COUNTS)
    # Recovered: the same save now goes through.
    services.figures_save(
        unit=real_db["hoai_duc"],
        period=period,
        values=changed,
        user=real_db["commune"],
        expected_version=1,
    )
    # A restart closes every connection: the committed figures are still there.
    connections.close_all()
    figures = UnitFigures.objects.get(pk=saved.pk)
    assert (figures.version, figures.total, figures.carried_over) == (2, 1001, 11)
