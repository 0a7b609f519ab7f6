"""The baseline of a unit for last year from the pieces entered in it, and of a unit created
by the 2025 merger from its predecessors' pieces before the merger plus its own after it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from indicators.domain.baselines import (
    MERGED_MARK,
    Piece,
    Predecessor,
    YearBaseline,
    best_baseline,
    span_vi,
    year_baseline,
)
from indicators.domain.formulas import get_indicator
from indicators.domain.periods import Convention, month, year_period

ONLINE = get_indicator("online")
MERGER = dt.date(2025, 7, 1)
ND09_2025 = year_period(2025, Convention.DECREE09)
CAL_2025 = year_period(2025, Convention.CALENDAR)
NEW, OLD_A, OLD_B = 1, 2, 3
PREDECESSORS = (
    Predecessor(unit_id=OLD_A, name="Bồng Sơn", merged_on=MERGER),
    Predecessor(unit_id=OLD_B, name="Hoài Đức", merged_on=MERGER),
)


def piece(unit_id: int, number: int, online: int, received: int, convention: Convention) -> Piece:
    spec = month(2025, number, convention)
    counts = {"received_online": online, "received": received}
    return Piece(unit_id=unit_id, start=spec.start, end=spec.end, counts=counts)


def test_it_adds_the_predecessors_months_before_the_merger_and_the_units_after() -> None:
    nd09 = Convention.DECREE09
    pieces = [
        *(piece(OLD_A, m, 60, 100, nd09) for m in range(1, 7)),
        *(piece(OLD_B, m, 90, 100, nd09) for m in range(1, 7)),
        *(piece(NEW, m, 150, 200, nd09) for m in range(7, 13)),
    ]
    result = year_baseline(
        indicator=ONLINE, year=ND09_2025, unit_id=NEW, pieces=pieces, predecessors=PREDECESSORS
    )
    # (6×60 + 6×90 + 6×150) / (6×100 + 6×100 + 6×200) = 1.800 / 2.400
    assert (result.numerator, result.denominator) == (1800, 2400)
    assert result.rate == Decimal(75)
    assert result.note == (
        "Năm 2025 theo Nghị định 09 (15/12/2024 – 14/12/2025): tổng số liệu 01–06/2025 của "
        "Bồng Sơn, Hoài Đức (trước sắp xếp) và 07–12/2025 của đơn vị"
    )
    assert result.covered_days == ND09_2025.days


def test_it_lets_the_units_own_report_stand_over_a_predecessors_piece() -> None:
    """The Decree 09 month 15/06–14/07/2025 holds the merger date: the new unit files it;
    a copy entered by an old unit as well is not counted twice."""
    nd09 = Convention.DECREE09
    pieces = [piece(OLD_A, 7, 50, 50, nd09), piece(NEW, 7, 10, 100, nd09)]
    result = year_baseline(
        indicator=ONLINE, year=ND09_2025, unit_id=NEW, pieces=pieces, predecessors=PREDECESSORS
    )
    assert (result.numerator, result.denominator) == (10, 100)
    # Alone, the old unit's month counts on its side (the side of the unit that entered it).
    alone = year_baseline(
        indicator=ONLINE,
        year=ND09_2025,
        unit_id=NEW,
        pieces=pieces[:1],
        predecessors=PREDECESSORS,
    )
    assert (alone.numerator, alone.denominator) == (50, 50)
    assert "đơn vị chưa có số liệu sau sắp xếp (từ 01/07/2025)" in alone.note
    assert "Hoài Đức chưa có số liệu" in alone.note


def test_it_ignores_a_predecessors_piece_after_the_merger() -> None:
    cal = Convention.CALENDAR
    pieces = [piece(OLD_A, 8, 99, 100, cal), piece(NEW, 9, 1, 100, cal)]
    result = year_baseline(
        indicator=ONLINE, year=CAL_2025, unit_id=NEW, pieces=pieces, predecessors=PREDECESSORS
    )
    assert (result.numerator, result.denominator) == (1, 100)
    assert MERGED_MARK in result.note  # the predecessors are named as having nothing
    assert "2/12" not in result.note and "1/12 tháng có số liệu" in result.note


def test_it_says_why_a_merged_unit_has_no_baseline() -> None:
    result = year_baseline(
        indicator=ONLINE, year=ND09_2025, unit_id=NEW, pieces=[], predecessors=PREDECESSORS
    )
    assert result.rate is None and result.denominator is None
    assert result.note == (
        "đơn vị mới từ 01/07/2025: chưa có số liệu năm 2025 của đơn vị cũng như của các đơn "
        "vị trước sắp xếp (Bồng Sơn, Hoài Đức)"
    )
    # An old unit without predecessors and without figures: no note at all.
    assert year_baseline(indicator=ONLINE, year=ND09_2025, unit_id=NEW, pieces=[]).note == ""


def test_it_counts_a_split_predecessor_only_for_its_main_successor() -> None:
    split = Predecessor(unit_id=OLD_B, name="An Nghĩa", merged_on=MERGER, main_successor="Xã X")
    cal = Convention.CALENDAR
    pieces = [piece(OLD_A, 1, 10, 10, cal), piece(OLD_B, 1, 0, 90, cal)]
    result = year_baseline(
        indicator=ONLINE,
        year=CAL_2025,
        unit_id=NEW,
        pieces=pieces,
        predecessors=(PREDECESSORS[0], split),
    )
    assert (result.numerator, result.denominator) == (10, 10)
    assert "không tính An Nghĩa (phần chính thuộc Xã X)" in result.note


def test_it_skips_pieces_without_both_parts_of_the_indicator() -> None:
    spec = month(2025, 3, Convention.CALENDAR)
    pieces = [
        Piece(NEW, spec.start, spec.end, {"received_online": None, "received": 50}),
        piece(NEW, 4, 30, 60, Convention.CALENDAR),
    ]
    result = year_baseline(indicator=ONLINE, year=CAL_2025, unit_id=NEW, pieces=pieces)
    assert (result.numerator, result.denominator) == (30, 60)
    assert result.note == (
        "Năm 2025 dương lịch (01/01/2025 – 31/12/2025): tổng số liệu 04/2025 của đơn vị; "
        "1/12 tháng có số liệu"
    )


def test_it_names_a_whole_year_entered_as_such() -> None:
    whole = Piece(NEW, CAL_2025.start, CAL_2025.end, {"received_online": 1, "received": 2})
    result = year_baseline(indicator=ONLINE, year=CAL_2025, unit_id=NEW, pieces=[whole])
    assert result.note == "số liệu Năm 2025 (01/01/2025 – 31/12/2025)"


def test_it_takes_the_convention_that_covers_more_of_the_year() -> None:
    short = YearBaseline(1, 2, "Decree 09", covered_days=181)
    long = YearBaseline(3, 4, "calendar", covered_days=365)
    assert best_baseline([short, long]) is long
    assert best_baseline([long, YearBaseline(5, 6, "x", covered_days=365)]) is long
    empty = YearBaseline(None, None, "why")
    assert best_baseline([empty, YearBaseline(None, None, "")]) is empty


def test_it_writes_spans_in_months_where_they_align() -> None:
    nd09, cal = Convention.DECREE09, Convention.CALENDAR
    jan, jun = month(2025, 1, nd09), month(2025, 6, nd09)
    assert span_vi([(jan.start, jun.end)], nd09) == "01–06/2025"
    assert span_vi([(jan.start, jan.end)], nd09) == "01/2025"
    dec = month(2024, 12, cal)
    assert span_vi([(dec.start, dt.date(2025, 2, 28))], cal) == "12/2024–02/2025"
    odd = (dt.date(2025, 1, 3), dt.date(2025, 1, 9))
    assert span_vi([odd, (dt.date(2025, 3, 1), dt.date(2025, 3, 31))], cal) == (
        "03/01/2025–09/01/2025, 03/2025"
    )
