"""import_figures and export_figures from the shell: report, exit codes, dry run."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from unittest import mock

from django.core.management import CommandError, call_command, execute_from_command_line
from django.db import connections

from indicators.models import FiguresChange, Period, UnitFigures
from tests.io.test_import_service import H1, H2, ImportCase, seed_xlsx
from units.models import AuditEvent


class ImportCommandTestCase(ImportCase):
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def file(self, data: bytes, name: str = "phu-luc.xlsx") -> str:
        path = Path(self.tmp.name) / name
        path.write_bytes(data)
        return str(path)

    def run_import(self, *args: str) -> str:
        out = io.StringIO()
        call_command("import_figures", *args, stdout=out)
        return out.getvalue()

    def test_it_checks_without_writing_on_dry_run(self) -> None:
        output = self.run_import(
            self.file(seed_xlsx()), "--parent", "543", "--period", H2, "--dry-run"
        )
        self.assertIn("Phụ lục!dòng 12: phường Bồng Sơn → Phường Bồng Sơn (21640): tạo mới", output)
        self.assertIn("--dry-run: không ghi gì", output)
        self.assertFalse(Period.objects.filter(code=H2).exists())

    def test_it_commits_a_clean_file_and_creates_the_period(self) -> None:
        output = self.run_import(
            self.file(seed_xlsx()), "--parent", "543", "--period", H2, "--user", "district"
        )
        self.assertIn("18 tạo mới", output)
        self.assertEqual(UnitFigures.objects.filter(period__code=H2).count(), 18)
        changes = FiguresChange.objects.filter(figures__period__code=H2).order_by("pk")
        first, last = changes.first(), changes.last()
        assert first is not None and last is not None
        self.assertEqual((first.action, first.changed_by), ("import", self.district))
        # The import is the submission, recorded as such.
        self.assertEqual((last.action, last.changed_by), ("submit", self.district))
        self.assertIn("phu-luc.xlsx", last.comment)
        self.assertEqual(
            set(UnitFigures.objects.filter(period__code=H2).values_list("status", flat=True)),
            {"submitted"},
        )
        event = AuditEvent.objects.get(action="import")
        self.assertEqual((event.user, event.ip_address), (self.district, None))
        self.assertEqual((event.details["via"], event.details["created"]), ("command", 18))

    def test_it_logs_an_import_without_a_user_as_the_command_line(self) -> None:
        self.run_import(self.file(seed_xlsx()), "--parent", "543", "--period", H2)
        event = AuditEvent.objects.get(action="import")
        self.assertEqual((event.user, event.username), (None, "(dòng lệnh)"))

    def test_it_prints_every_problem_by_cell_and_exits_1(self) -> None:
        path = self.file(seed_xlsx(lambda ws: ws.__setitem__("D12", "mười sáu")))
        out = io.StringIO()
        with self.assertRaises(CommandError) as caught:
            call_command("import_figures", path, "--parent", "543", "--period", H2, stdout=out)
        self.assertEqual(caught.exception.returncode, 1)
        self.assertIn("Phụ lục!D12: [LỖI]", out.getvalue())
        self.assertFalse(UnitFigures.objects.filter(period__code=H2).exists())

    def test_it_exits_1_on_a_refused_file(self) -> None:
        with self.assertRaises(CommandError) as caught:
            self.run_import(self.file(b"%PDF-1.4", "x.pdf"), "--parent", "543", "--period", H1)
        self.assertEqual(caught.exception.returncode, 1)
        self.assertIn("PDF", str(caught.exception))

    def test_it_exits_2_on_bad_arguments(self) -> None:
        path = self.file(seed_xlsx())
        cases = [
            (["--parent", "99999", "--period", H1], "Không có đơn vị mã 99999"),
            (["--parent", "543", "--period", "2023-H3-CAL"], "Kỳ báo cáo không hợp lệ"),
            (["--parent", "543", "--period", H1, "--user", "nobody"], "nobody"),
        ]
        for args, message in cases:
            with self.subTest(args=args), self.assertRaises(CommandError) as caught:
                self.run_import(path, *args)
            self.assertEqual(caught.exception.returncode, 2)
            self.assertIn(message, str(caught.exception))
            self.assertNotIn("\n", str(caught.exception))
        with self.assertRaises(CommandError) as caught:
            self.run_import(
                str(Path(self.tmp.name) / "missing.xlsx"), "--parent", "543", "--period", H1
            )
        self.assertEqual(caught.exception.returncode, 2)

    @mock.patch.object(connections, "close_all")  # run_from_argv closes the test database
    def test_it_exits_with_the_code_from_the_shell(self, _close_all: mock.Mock) -> None:
        path = self.file(seed_xlsx(lambda ws: ws.__setitem__("D12", "=1+15")))
        argv = ["manage.py", "import_figures", path, "--parent", "543", "--period", H2]
        with self.assertRaises(SystemExit) as caught:
            execute_from_command_line(argv)
        self.assertEqual(caught.exception.code, 1)
        clean = self.file(seed_xlsx(), "clean.xlsx")
        with self.assertRaises(SystemExit) as caught:  # BaseCommand exits only on errors
            execute_from_command_line([*argv[:2], clean, "--period", H1, "--parent", "543"])
            raise SystemExit(0)
        self.assertEqual(caught.exception.code, 0)

    def test_it_exports_both_formats(self) -> None:
        # Exports leave drafts out (tests/drafts/); submitted figures are in.
        UnitFigures.objects.filter(period__code=H1).update(status="submitted")
        for fmt in ("xlsx", "csv"):
            path = Path(self.tmp.name) / f"out.{fmt}"
            out = io.StringIO()
            call_command(
                "export_figures",
                "--parent",
                "543",
                "--period",
                H1,
                "--format",
                fmt,
                "--output",
                str(path),
                stdout=out,
            )
            self.assertTrue(path.stat().st_size > 1000)
            output = self.run_import(str(path), "--parent", "543", "--period", H1, "--dry-run")
            self.assertIn("Tệp hợp lệ (0 cảnh báo)", output)
        with self.assertRaises(CommandError):
            call_command("export_figures", "--parent", "543", "--period", H2, "--output", "x.csv")
