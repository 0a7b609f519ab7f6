"""Replay the appendix of Hoài Nhơn's H1 2023 dispatch (01/01/2023–30/06/2023) through the formulas.

The fixture is that table, machine-readable; the published rates and totals are the oracle.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from indicators.domain.formulas import (
    check_identities,
    get_indicator,
    indicator_parts,
    indicator_rate,
    rate,
    ratio_of_sums,
    round_rate,
)

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "hoai_nhon_2023_h1.csv"

# CSV column -> COUNT_FIELDS name, where they differ.
RENAMED = {"received_direct": "received_in_person", "reused_digitized_data": "reused"}
COUNT_COLUMNS = (
    "total",
    "carried_over",
    "received",
    "with_portal_account",
    "received_direct",
    "received_online",
    "digitized_partial",
    "digitized_full",
    "resolved",
    "results_digitized",
    "reused_digitized_data",
    "resolved_on_time",
    "resolved_late",
    "e_certified_copies",
)
# indicator code -> published column
PUBLISHED = {
    "online": "published_online_rate",
    "digitization": "published_digitization_rate",
    "e_results": "published_results_digitization_rate",
    "reuse": "published_reuse_rate",
}

# Seed 004 appendix, bold row "Tổng số cấp xã" (17 communes), as printed.
COMMUNE_TOTAL_RATES = {
    "online": Decimal("66.73"),
    "digitization": Decimal("67.37"),
    "e_results": Decimal("60.93"),
    "reuse": Decimal("17.64"),
}
COMMUNE_TOTAL_COUNTS = {
    "total": 14972,
    "carried_over": 279,
    "received": 14693,
    "with_portal_account": 9227,
    "received_in_person": 4888,
    "received_online": 9805,
    "digitized_partial": 1546,
    "digitized_full": 8353,
    "resolved": 14749,
    "results_digitized": 8987,
    "reused": 2592,
    "resolved_on_time": 14746,
    "resolved_late": 3,
    "e_certified_copies": 6393,
}
# Seed 004 section 1 text: communes resolved 14.749, on time 14.746, "99,98%".
COMMUNE_ON_TIME = (14746, 14749, Decimal("99.98"))
# Seed 004 appendix, bold row "Σ Tổng cấp huyện và xã" (all 18 units), as printed.
ALL_TOTAL_RATES = {
    "online": Decimal("46.92"),
    "digitization": Decimal("54.37"),
    "e_results": Decimal("64.15"),
    "reuse": Decimal("13.46"),
}
ALL_TOTAL_COUNTS = {
    "total": 26204,
    "carried_over": 770,
    "received": 25434,
    "with_portal_account": 16018,
    "received_in_person": 13500,
    "received_online": 11934,
    "digitized_partial": 2094,
    "digitized_full": 11735,
    "resolved": 25545,
    "results_digitized": 16388,
    "reused": 3424,
    "resolved_on_time": 25542,
    "resolved_late": 3,
    "e_certified_copies": 6469,
}


def _load() -> list[dict[str, str]]:
    with FIXTURE.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


ROWS = _load()
COMMUNES = [row for row in ROWS if row["level"] == "commune"]


def counts_of(row: dict[str, str]) -> dict[str, int | None]:
    return {RENAMED.get(col, col): int(row[col]) for col in COUNT_COLUMNS}


def published_places(cell: str) -> int:
    """Decimals printed in a cell: "36.6" -> 1, "52" -> 0."""
    return len(cell.split(".", 1)[1]) if "." in cell else 0


def test_it_has_the_18_units_of_the_appendix() -> None:
    assert len(ROWS) == 18
    assert len(COMMUNES) == 17
    assert [row["level"] for row in ROWS].count("district") == 1


@pytest.mark.parametrize("row", ROWS, ids=[row["unit_name"] for row in ROWS])
@pytest.mark.parametrize("code", list(PUBLISHED))
def test_it_reproduces_every_published_unit_rate(row: dict[str, str], code: str) -> None:
    cell = row[PUBLISHED[code]]
    computed = indicator_rate(get_indicator(code), counts_of(row))
    assert computed is not None
    assert round_rate(computed, published_places(cell)) == Decimal(cell), (
        f"{row['unit_name']} {code}: computed {computed}, published {cell}"
    )


@pytest.mark.parametrize("row", ROWS, ids=[row["unit_name"] for row in ROWS])
def test_it_finds_no_identity_violation_in_a_real_row(row: dict[str, str]) -> None:
    assert check_identities(counts_of(row)) == []


@pytest.mark.parametrize(
    ("units", "expected"),
    [(COMMUNES, COMMUNE_TOTAL_COUNTS), (ROWS, ALL_TOTAL_COUNTS)],
    ids=["communes", "all"],
)
def test_it_sums_raw_counts_to_the_printed_totals(
    units: list[dict[str, str]], expected: dict[str, int]
) -> None:
    summed = {name: 0 for name in expected}
    for row in units:
        for name, value in counts_of(row).items():
            assert value is not None
            summed[name] += value
    assert summed == expected


@pytest.mark.parametrize(
    ("units", "expected"),
    [(COMMUNES, COMMUNE_TOTAL_RATES), (ROWS, ALL_TOTAL_RATES)],
    ids=["communes", "all"],
)
def test_it_reproduces_the_total_rows_as_ratio_of_sums(
    units: list[dict[str, str]], expected: dict[str, Decimal]
) -> None:
    for code, published in expected.items():
        indicator = get_indicator(code)
        total = ratio_of_sums(indicator_parts(indicator, counts_of(row)) for row in units)
        assert total is not None
        assert round_rate(total) == published, code


def test_it_reproduces_the_commune_on_time_rate() -> None:
    on_time, resolved, published = COMMUNE_ON_TIME
    parts = [indicator_parts(get_indicator("on_time"), counts_of(row)) for row in COMMUNES]
    assert tuple(map(sum, zip(*parts, strict=True))) == (on_time, resolved)
    total = ratio_of_sums(parts)
    assert total is not None
    assert round_rate(total) == published


def test_it_shows_a_mean_of_rates_is_not_the_published_total() -> None:
    online = get_indicator("online")
    rates = [indicator_rate(online, counts_of(row)) for row in COMMUNES]
    usable = [r for r in rates if r is not None]
    mean = sum(usable, Decimal(0)) / len(usable)
    assert round_rate(mean) != COMMUNE_TOTAL_RATES["online"]
    assert round_rate(mean) == Decimal("69.44")  # what a naive average would have shown
    assert round_rate(rate(9805, 14693) or Decimal(0)) == COMMUNE_TOTAL_RATES["online"]
