"""generate_figures: sample months for every reporting unit of a scope, plausible (every
identity, no warning of the entry form), deterministic, idempotent, with targets."""

from __future__ import annotations

import io

from django.core.management import CommandError, call_command

from indicators.demo import SCALE_SOURCE
from indicators.domain import checks, formulas, periods
from indicators.models import Target, TargetPlan, UnitFigures
from tests.base import BaseTestCase
from units.models import AdministrativeUnit, Structure, UnitLevel


def generate(*args: str) -> str:
    out = io.StringIO()
    call_command("generate_figures", *args, stdout=out)
    return out.getvalue()


def sample_rows() -> dict[tuple[int, str], dict[str, int | None]]:
    return {
        (f.unit_id, f.period.code): f.counts()
        for f in UnitFigures.objects.filter(source=SCALE_SOURCE).select_related("period")
    }


class GenerateFiguresTestCase(BaseTestCase):
    def test_it_fills_every_reporting_unit_of_both_structures_once(self) -> None:
        generate("--scope", "province:52", "--from", "2025-05", "--to", "2025-08")
        rows = sample_rows()
        months = [periods.month(2025, m, periods.Convention.DECREE09) for m in (5, 6, 7, 8)]
        expected = set()
        gia_lai = AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, code="52")
        for spec in months:
            # Up to 2025-M06 (ends 14/06) the legacy desks and communes, then the new ones.
            structure = Structure.LEGACY if spec.number in (5, 6) else Structure.REFORM_2025
            root = gia_lai.get(structure=structure)
            units = (
                AdministrativeUnit.objects.in_subtree(root)
                .filter(level__in=[UnitLevel.DISTRICT, UnitLevel.COMMUNE])
                .valid_during(spec.start, spec.end)
            )
            expected |= {(pk, spec.code) for pk in units.values_list("pk", flat=True)}
        self.assertEqual(set(rows), expected)
        self.assertTrue(
            all(UnitFigures.objects.filter(source=SCALE_SOURCE).values_list("is_sample", flat=True))
        )
        for counts in rows.values():
            self.assertEqual(formulas.check_identities(counts), [])
        # Running it again skips every (unit, month): nothing is added or changed.
        output = generate("--scope", "province:52", "--from", "2025-05", "--to", "2025-08")
        self.assertIn(f"0 dòng số liệu mẫu mới, {len(rows)} đơn vị-kỳ đã có", output)
        self.assertEqual(sample_rows(), rows)

    def test_it_draws_months_the_entry_form_would_not_warn_about(self) -> None:
        generate("--scope", "province:52", "--from", "2026-01", "--to", "2026-06", "--no-targets")
        by_unit: dict[int, list[dict[str, int | None]]] = {}
        for (unit_id, _code), counts in sorted(sample_rows().items(), key=lambda kv: kv[0][1]):
            by_unit.setdefault(unit_id, []).append(counts)
        warned = 0
        for history in by_unit.values():
            for number in range(1, len(history)):
                earlier = list(reversed(history[:number]))
                warned += bool(
                    checks.rate_jump_warnings(history[number], earlier[0])
                    or checks.outlier_warnings(history[number], earlier)
                )
        months = sum(len(history) for history in by_unit.values())
        self.assertLess(warned, months * 0.02, f"{warned} of {months} months warn")

    def test_it_gives_the_same_numbers_for_the_same_seed_and_others_for_another(self) -> None:
        generate("--scope", "province:52", "--from", "2026-02", "--to", "2026-02", "--seed", "7")
        first = sample_rows()
        UnitFigures.objects.filter(source=SCALE_SOURCE).delete()
        generate("--scope", "province:52", "--from", "2026-02", "--to", "2026-02", "--seed", "7")
        self.assertEqual(sample_rows(), first)
        UnitFigures.objects.filter(source=SCALE_SOURCE).delete()
        generate("--scope", "province:52", "--from", "2026-02", "--to", "2026-02", "--seed", "8")
        self.assertNotEqual(sample_rows(), first)

    def test_it_gives_every_unit_of_each_province_a_target_for_the_year(self) -> None:
        generate("--scope", "province:52", "--from", "2026-01", "--to", "2026-01")
        plan = TargetPlan.objects.get(
            year=2026, title__contains="(kế hoạch mẫu)", issuer__code="52"
        )
        assert plan.issuer is not None
        units = AdministrativeUnit.objects.in_subtree(plan.issuer).exclude(level=UnitLevel.AGENCY)
        self.assertEqual(
            set(Target.objects.filter(plan=plan).values_list("unit_id", flat=True)),
            set(units.values_list("pk", flat=True)),
        )

    def test_it_refuses_a_scope_or_month_it_cannot_read(self) -> None:
        with self.assertRaisesMessage(CommandError, "không có tỉnh mã 99"):
            generate("--scope", "province:99", "--from", "2026-01", "--to", "2026-01")
        with self.assertRaisesMessage(CommandError, "không phải tháng dạng NĂM-THÁNG"):
            generate("--from", "2026-13", "--to", "2026-01")
        self.assertFalse(UnitFigures.objects.filter(source=SCALE_SOURCE).exists())
