"""The monthly/quarterly dispatch (công văn) drafted from the figures, in the manner of
Hoài Nhơn's H1 2023 dispatch (6 tháng đầu năm 2023).

`dispatch_build` turns the data read by `indicators.dispatch.selectors` into a structured
document (header, recipients placeholder, intro, one section per indicator with data);
`dispatch_text`, `dispatch_docx` and `dispatch_appendix_xlsx` render it. No queries here:
everything comes in the DispatchData.

Wording decisions (where Hoài Nhơn's H1 2023 dispatch is inconsistent or has typos, the
text is the corrected version of what it means):
- rates are written with two decimals and "%" without a space, as the dispatch does
  ("Hoài Phú 71,00%"); targets without trailing zeros ("50%");
- the units that met are listed best first as "Hoài Đức 93,33%; Tam Quan 91,82%"; those
  that missed as "Hoài Thanh: 63,94%; …" (best first), the ones under the lower floor set
  by the level above the issuer (the province's target) in their own sentence;
- "x/y" counts every child unit of the period, including those without figures (named
  separately), so y is the number of communes the office oversees;
- a unit meets a target when its rate rounded to 2 decimals reaches the target (the low
  end of a range), exactly as the ranking page decides."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal
from typing import Any, Protocol

from indicators.dispatch.selectors import DispatchData, IndicatorSection, IssuerTargets, TargetRange
from indicators.domain import formulas
from indicators.domain.formatting import (
    format_date_vi,
    format_int_vi,
    format_rate_vi,
    format_trimmed_vi,
)
from indicators.domain.formulas import Counts
from indicators.domain.status import Status
from units.models import AdministrativeUnit

# The order of the sections in Hoài Nhơn's H1 2023 dispatch; other indicators follow in
# the catalogue's order.
SECTION_ORDER = ("on_time", "online", "payment", "population_db", "digitization", "e_results")

# Units singled out beyond met/missed, as the original does: (above, under) thresholds in %.
HIGHLIGHTS: dict[str, tuple[Decimal | None, Decimal | None]] = {
    "e_results": (Decimal(90), Decimal(50)),
    "digitization": (Decimal(90), None),
}

# Above this many units without figures, a section counts them instead of naming them.
NAMED_WITHOUT_DATA = 20

# How many of the lowest units a directive names per missed indicator.
LOWEST_NAMED = 3

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"


class Rated(Protocol):
    """A child's result for one indicator: a ranking row (from counts) or a published rate."""

    @property
    def unit(self) -> AdministrativeUnit: ...
    @property
    def rate(self) -> Decimal | None: ...
    @property
    def status(self) -> Status: ...
    @property
    def target(self) -> Decimal | None: ...


@dataclass(frozen=True)
class PublishedRow:
    """A child's rate published without counts, held against its own target."""

    unit: AdministrativeUnit
    rate: Decimal | None
    status: Status
    target: Decimal | None


@dataclass
class DispatchSection:
    heading: str  # "2. Tỷ lệ hồ sơ trực tuyến" (bold)
    targets: str  # "(Chỉ tiêu tỉnh giao: 50%, chỉ tiêu thị xã giao: …)" or ""
    paragraphs: list[str]
    formula: str  # "Tỷ lệ = … / … × 100%"
    code: str = ""
    published: bool = False  # worded from published rates only (no counts)
    met: bool | None = None  # the indicator as a whole against its targets; None: no target


@dataclass
class Dispatch:
    issuer_lines: list[str]  # ["ỦY BAN NHÂN DÂN", "THỊ XÃ HOÀI NHƠN"]
    number_line: str
    subject: str
    recipients: list[str]  # edited in Word
    intro: str
    sections: list[DispatchSection]
    no_data_line: str  # "" when every indicator has data
    closing: str  # the last sentence of the body ("… nghiêm túc triển khai thực hiện./.")
    notes: list[str] = field(default_factory=list)  # sample data warnings
    national_lines: tuple[str, str] = (NATIONAL_TITLE, NATIONAL_MOTTO)
    place_date: str = ""  # "Hoài Nhơn, ngày      tháng 07 năm 2023" (italic)
    assessment: str = ""  # "Qua số liệu …, hiện nay chỉ có chỉ số … đạt chỉ tiêu đề ra, …"
    directives: list[str] = field(default_factory=list)  # "1. …", "2. …"
    copies: list[str] = field(default_factory=list)  # "Nơi nhận" list
    signer_authority: str = "KT. CHỦ TỊCH"
    signer_title: str = "PHÓ CHỦ TỊCH"
    signer_name: str = "[Họ và tên người ký]"

    @property
    def title(self) -> str:
        return self.subject


# --------------------------------------------------------------------------- wording


def rate_vi(value: Decimal | None) -> str:
    """46.9209… → "46,92%" (two decimals, as the dispatch writes rates)."""
    return format_rate_vi(value, with_unit=False) + "%" if value is not None else "—"


def target_vi(value: Decimal) -> str:
    """50.00 → "50%", 70.50 → "70,5%"."""
    return format_trimmed_vi(value) + "%"


def _range_vi(value: TargetRange) -> str:
    if value.is_single:
        return target_vi(value.low)
    return f"từ {format_trimmed_vi(value.low)} đến {target_vi(value.high)}"


def _count2(n: int) -> str:
    """Counts under ten written "02" as in the documents ("Có 02 đơn vị dưới 50%")."""
    return f"{n:02d}"


def issuer_word(issuer: IssuerTargets | None) -> str:
    """ "tỉnh", "thị xã", "huyện", "Trung ương"."""
    if issuer is None or issuer.issuer is None:
        return "Trung ương"
    return issuer.issuer.unit_type.lower()


def _join_words(words: list[str]) -> str:
    unique = list(dict.fromkeys(words))
    if len(unique) <= 1:
        return "".join(unique)
    return ", ".join(unique[:-1]) + " và " + unique[-1]


def _name(row: Rated) -> str:
    # The dispatch names units by their short name ("Hoài Đức", not "Phường Hoài Đức").
    return row.unit.name


def _list_plain(rows: Iterable[Rated]) -> str:
    return "; ".join(f"{_name(r)} {rate_vi(r.rate)}" for r in rows)


def _list_colon(rows: Iterable[Rated]) -> str:
    return "; ".join(f"{_name(r)}: {rate_vi(r.rate)}" for r in rows)


def _shortfall(row: Rated, higher_is_better: bool) -> Decimal | None:
    """Points still missing to the unit's own target (positive), from the shown rate."""
    if row.rate is None or row.target is None:
        return None
    shown = formulas.round_rate(row.rate)
    return row.target - shown if higher_is_better else shown - row.target


def _list_shortfalls(rows: Iterable[Rated], higher_is_better: bool) -> str:
    parts = []
    for row in rows:
        gap = _shortfall(row, higher_is_better)
        if gap is not None and gap > 0:
            parts.append(f"{_name(row)} thiếu {format_rate_vi(gap, with_unit=False)}%")
    return "; ".join(parts)


class _Words:
    """The unit-type words for one parent: "thị xã", "xã, phường", "cấp huyện"…"""

    def __init__(self, data: DispatchData) -> None:
        parent = data.parent
        self.parent = parent.unit_type.lower()  # "thị xã"
        self.children = ", ".join(t.lower() for t in data.children_types) or "đơn vị"
        self.desk_tier = parent.get_level_display().lower()  # "cấp huyện"
        first = data.sections[0].ranking if data.sections else None
        level = first.children_level if first is not None else None
        self.children_tier = str(level).lower() if level else "cấp dưới"


def _targets_clause(section: IndicatorSection, words: _Words) -> str:
    parts = []
    for issuer in section.issuers:
        word = issuer_word(issuer)
        desk, children = issuer.desk, issuer.children
        if desk is not None and children is not None and desk == children:
            parts.append(f"chỉ tiêu {word} giao: {_range_vi(desk)}")
            continue
        values = []
        if desk is not None:
            values.append(f"{words.desk_tier} {_range_vi(desk)}")
        if children is not None:
            values.append(f"{words.children_tier} {_range_vi(children)}")
        parts.append(f"chỉ tiêu {word} giao: {', '.join(values)}")
    if not parts:
        return "(Chưa có chỉ tiêu được giao)"
    text = ", ".join(parts)
    return f"({text[0].upper()}{text[1:]})"


def _desk_status(section: IndicatorSection, rate: Decimal) -> str:
    met: list[str] = []
    missed: list[str] = []
    for issuer in section.issuers:
        if issuer.desk is None:
            continue
        ok = formulas.meets(rate, issuer.desk.low, section.indicator.higher_is_better)
        (met if ok else missed).append(issuer_word(issuer))
    parts = []
    if met:
        parts.append(f"đạt chỉ tiêu {_join_words(met)} giao")
    if missed:
        parts.append(f"chưa đạt chỉ tiêu {_join_words(missed)} giao")
    return f" ({', '.join(parts)})" if parts else ""


def _result_sentence(section: IndicatorSection, words: _Words) -> str:
    ranking = section.ranking
    name = section.indicator.name_vi
    text = f"{name} bình quân toàn {words.parent} là {rate_vi(ranking.all_total.rate)}"
    clauses = []
    desk = ranking.parent_row
    if desk is not None and desk.rate is not None:
        clauses.append(
            f"{words.desk_tier} đạt {rate_vi(desk.rate)}{_desk_status(section, desk.rate)}"
        )
    if ranking.children_total.rate is not None:
        clauses.append(
            f"bình quân {words.children_tier} đạt {rate_vi(ranking.children_total.rate)}"
        )
    if clauses:
        text += ", trong đó " + ", ".join(clauses)
    return text + "."


def _children_paragraphs(
    section: IndicatorSection, words: _Words, rows: Sequence[Rated]
) -> list[str]:
    if not rows:
        return []
    total = len(rows)
    met = [r for r in rows if r.status == Status.MET]
    missed = [r for r in rows if r.status == Status.MISSED]
    no_target = [r for r in rows if r.status == Status.NO_TARGET]
    no_data = [r for r in rows if r.status == Status.NO_DATA]
    target_issuer = section.children_issuer
    paragraphs = []
    if target_issuer is not None:
        of = f"của {issuer_word(target_issuer)} giao"
        if met:
            paragraphs.append(
                f"- Toàn {words.parent} có {len(met)}/{total} đơn vị {words.children} "
                f"đạt vượt chỉ tiêu {of} gồm: {_list_plain(met)}."
            )
        else:
            paragraphs.append(
                f"- Toàn {words.parent} không có đơn vị {words.children} nào đạt chỉ tiêu "
                f"{of} (0/{total})."
            )
        if missed:
            paragraphs.append(_missed_paragraph(section, words, missed, of))
            gaps = _list_shortfalls(missed, section.indicator.higher_is_better)
            if gaps:
                paragraphs.append(f"- Mức còn thiếu so với chỉ tiêu được giao: {gaps}.")
    if no_target and target_issuer is not None:
        paragraphs.append(
            f"- Các {words.children} chưa được giao chỉ tiêu: {_list_plain(no_target)}."
        )
    elif no_target:
        paragraphs.append(
            f"- Kết quả các {words.children} (chưa được giao chỉ tiêu), từ cao đến thấp: "
            f"{_list_plain(no_target)}."
        )
    if no_data and len(no_data) <= NAMED_WITHOUT_DATA:
        names = "; ".join(_name(r) for r in no_data)
        paragraphs.append(f"- Có {_count2(len(no_data))} đơn vị chưa có số liệu: {names}.")
    elif no_data:
        # A province has a hundred communes: naming every one in every section buries
        # the text; the count says it, the coverage notes on the page name them.
        paragraphs.append(f"- Có {_count2(len(no_data))}/{total} đơn vị chưa có số liệu.")
    return paragraphs


def _missed_paragraph(
    section: IndicatorSection, words: _Words, missed: list[Rated], of: str
) -> str:
    floor = section.floor
    head = f"- Có {len(missed)} {words.children} chưa đạt chỉ tiêu {of}"
    if floor is None:
        return f"{head}: {_list_colon(missed)}."
    better = section.indicator.higher_is_better
    above = [r for r in missed if formulas.meets(r.rate, floor, better)]
    under = [r for r in missed if not formulas.meets(r.rate, floor, better)]
    floor_note = f"mức chỉ tiêu {issuer_word(section.floor_issuer)} giao: {target_vi(floor)}"
    if not under:
        return (
            f"{head}: {_list_colon(missed)}. Không có đơn vị nào dưới {target_vi(floor)} "
            f"({floor_note})."
        )
    text = head
    if above:
        text += (
            f", trong đó có {len(above)} {words.children} đạt từ {target_vi(floor)} trở lên "
            f"gồm: {_list_colon(above)}."
        )
    else:
        text += "."
    return (
        f"{text} Có {_count2(len(under))} đơn vị dưới {target_vi(floor)} là "
        f"{_list_colon(under)} (dưới {floor_note})."
    )


def _highlight_paragraphs(
    section: IndicatorSection, words: _Words, rows: Sequence[Rated]
) -> list[str]:
    """The units above and under the thresholds the original singles out (e-results: above
    90 % and under 50 %)."""
    above, under = HIGHLIGHTS.get(section.indicator.code, (None, None))
    paragraphs = []
    rated = [r for r in rows if r.rate is not None]
    if above is not None:
        best = [r for r in rated if formulas.round_rate(r.rate) > above]  # type: ignore[arg-type]
        if best:
            none_met = section.children_issuer is not None and not any(
                r.status == Status.MET for r in rows
            )
            lead = "Tuy nhiên, có" if none_met else "Có"
            paragraphs.append(
                f"- {lead} {_count2(len(best))} đơn vị đạt trên {target_vi(above)} gồm: "
                f"{_list_plain(best)}."
            )
    if under is not None:
        worst = [r for r in rated if formulas.round_rate(r.rate) < under]  # type: ignore[arg-type]
        if worst:
            paragraphs.append(
                f"- Có {_count2(len(worst))} {words.children} dưới {target_vi(under)} gồm: "
                f"{_list_colon(sorted(worst, key=lambda r: r.rate or 0))}."
            )
    return paragraphs


@dataclass(frozen=True)
class DossierTotals:
    """One tier's dossiers over the period, as the on-time section reports them."""

    total: int  # carried over + received
    resolved: int
    on_time: int
    late: int

    @property
    def in_progress(self) -> int:
        """Dossiers not yet resolved at the end of the period (total − resolved)."""
        return self.total - self.resolved


def dossier_totals(counts: Iterable[Counts]) -> DossierTotals | None:
    """Sums of the tier's counts; None when a unit did not report one of them."""
    sums = {"total": 0, "resolved": 0, "resolved_on_time": 0, "resolved_late": 0}
    seen = False
    for row in counts:
        seen = True
        total = row.get("total")
        if total is None and row.get("received") is not None:
            total = (row.get("received") or 0) + (row.get("carried_over") or 0)
        values = {**{k: row.get(k) for k in sums}, "total": total}
        if any(v is None for v in values.values()):
            return None
        for key, value in values.items():
            sums[key] += value or 0
    if not seen:
        return None
    return DossierTotals(
        total=sums["total"],
        resolved=sums["resolved"],
        on_time=sums["resolved_on_time"],
        late=sums["resolved_late"],
    )


def late_units(data: DispatchData) -> list[tuple[AdministrativeUnit, int]]:
    """Children with late dossiers in the period, most late first."""
    rows = [
        (unit, counts.get("resolved_late") or 0)
        for unit, counts in data.children_counts
        if (counts.get("resolved_late") or 0) > 0
    ]
    return sorted(rows, key=lambda pair: (-pair[1], pair[0].name))


def _on_time_paragraphs(data: DispatchData, section: IndicatorSection, words: _Words) -> list[str]:
    """The dossier totals per tier and the units with late dossiers."""
    start, end = format_date_vi(data.period.start), format_date_vi(data.period.end)
    tiers: list[tuple[str, DossierTotals | None, Decimal | None, str]] = []
    if data.desk_counts is not None:
        rate = section.ranking.parent_row.rate if section.ranking.parent_row else None
        tiers.append((words.desk_tier, dossier_totals([data.desk_counts]), rate, ""))
    lates = late_units(data)
    late_text = ", ".join(
        f"{unit.unit_type.lower()} {unit.name} trễ hạn {_count2(n)} hồ sơ" for unit, n in lates
    )
    tiers.append(
        (
            words.children_tier,
            dossier_totals(counts for _unit, counts in data.children_counts),
            section.ranking.children_total.rate,
            late_text,
        )
    )
    paragraphs = []
    for tier, totals, rate, late_detail in tiers:
        if totals is None:
            continue
        late = f"trễ hạn: {_count2(totals.late) if totals.late else 0} hồ sơ"
        if late_detail:
            late += f": {late_detail}"
        paragraphs.append(
            f"- {tier[0].upper()}{tier[1:]}: tổng số hồ sơ thủ tục hành chính từ ngày {start} "
            f"đến ngày {end}: {format_int_vi(totals.total)} hồ sơ; tổng số hồ sơ đã giải "
            f"quyết: {format_int_vi(totals.resolved)} hồ sơ (trả trước và đúng hạn: "
            f"{format_int_vi(totals.on_time)} hồ sơ, {late}); hồ sơ đang giải quyết: "
            f"{format_int_vi(totals.in_progress)} hồ sơ. Tỷ lệ hồ sơ giải quyết trước và đúng "
            f"hạn: {rate_vi(rate)}."
        )
    return paragraphs


def _published_rows(data: DispatchData, section: IndicatorSection) -> list[PublishedRow]:
    """The children's published rates, best first (units without one last)."""
    code, better = section.indicator.code, section.indicator.higher_is_better
    rows = []
    for row in section.ranking.rows:
        published = data.published.get((row.unit.pk, code))
        value = published.rate if published is not None else None
        rows.append(PublishedRow(row.unit, value, _status(value, row.target, better), row.target))
    return sorted(
        rows,
        key=lambda r: (r.rate is None, -(r.rate or 0) if better else (r.rate or 0), r.unit.name),
    )


def _status(value: Decimal | None, target: Decimal | None, higher_is_better: bool) -> Status:
    if value is None:
        return Status.NO_DATA
    ok = formulas.meets(value, target, higher_is_better)
    if ok is None:
        return Status.NO_TARGET
    return Status.MET if ok else Status.MISSED


def _published_sentence(
    data: DispatchData, section: IndicatorSection, words: _Words, rows: list[PublishedRow]
) -> str:
    name = section.indicator.name_vi
    desk = data.published.get((data.parent.pk, section.indicator.code))
    text = f"{name} theo số liệu đã công bố"
    if desk is not None:
        text += f": {words.desk_tier} đạt {rate_vi(desk.rate)}{_desk_status(section, desk.rate)}"
    count = sum(1 for r in rows if r.rate is not None)
    text += (
        f"; {count}/{len(rows)} đơn vị {words.children} có tỷ lệ công bố. Không tính bình quân "
        "vì chỉ có tỷ lệ đã công bố, không có số liệu chi tiết."
    )
    return text


def _tier_met(section: IndicatorSection, rate: Decimal | None, tier: str) -> bool | None:
    """Whether a rate meets every target the issuers set for the tier ("desk"/"children")."""
    values = [getattr(i, tier) for i in section.issuers if getattr(i, tier) is not None]
    if rate is None or not values:
        return None
    better = section.indicator.higher_is_better
    return all(formulas.meets(rate, v.low, better) for v in values)


def _indicator_met(
    data: DispatchData, section: IndicatorSection, published_rows: list[PublishedRow] | None
) -> bool | None:
    """The indicator as a whole meets its targets when the desk meets every target set for
    it and the children do: their total rate (ratio of sums) when there are counts; with
    published rates only (never summed), when most children with a rate met theirs."""
    code = section.indicator.code
    if published_rows is None:
        desk = section.ranking.parent_row.rate if section.ranking.parent_row else None
        children = _tier_met(section, section.ranking.children_total.rate, "children")
    else:
        published = data.published.get((data.parent.pk, code))
        desk = published.rate if published is not None else None
        judged = [r for r in published_rows if r.status in (Status.MET, Status.MISSED)]
        children = (
            sum(1 for r in judged if r.status == Status.MET) * 2 > len(judged) if judged else None
        )
    verdicts = [v for v in (_tier_met(section, desk, "desk"), children) if v is not None]
    return all(verdicts) if verdicts else None


def _section(
    number: int, data: DispatchData, section: IndicatorSection, words: _Words
) -> DispatchSection:
    indicator = section.indicator
    numerator = indicator.numerator_label
    if len(indicator.definition.numerator) > 1:
        numerator = f"({numerator})"
    published_rows = None if section.has_data else _published_rows(data, section)
    rows: Sequence[Rated] = section.ranking.rows if published_rows is None else published_rows
    if published_rows is None:
        paragraphs = [_result_sentence(section, words)]
        if indicator.code == "on_time":
            paragraphs += _on_time_paragraphs(data, section, words)
    else:
        paragraphs = [_published_sentence(data, section, words, published_rows)]
    paragraphs += _children_paragraphs(section, words, rows)
    paragraphs += _highlight_paragraphs(section, words, rows)
    formula = f"{indicator.name_vi} = {numerator} / {indicator.denominator_label} × 100%"
    if published_rows is not None:
        formula = f"Tỷ lệ đã công bố (không có số liệu chi tiết); {formula}"
    return DispatchSection(
        heading=f"{number}. {indicator.name_vi}"
        + (" (số liệu công bố)" if published_rows is not None else ""),
        targets=_targets_clause(section, words),
        paragraphs=paragraphs,
        formula=formula,
        code=indicator.code,
        published=published_rows is not None,
        met=_indicator_met(data, section, published_rows),
    )


def _ordered(sections: list[IndicatorSection]) -> list[IndicatorSection]:
    def key(section: IndicatorSection) -> tuple[int, int]:
        code = section.indicator.code
        first = SECTION_ORDER.index(code) if code in SECTION_ORDER else len(SECTION_ORDER)
        return first, sections.index(section)

    return sorted(sections, key=key)


def _lowest(data: DispatchData, section: IndicatorSection) -> list[Rated]:
    """The children furthest below their target for one indicator, worst first."""
    rows: Sequence[Rated] = (
        section.ranking.rows if section.has_data else _published_rows(data, section)
    )
    better = section.indicator.higher_is_better
    missed = [r for r in rows if r.status == Status.MISSED and r.rate is not None]
    missed.sort(key=lambda r: (r.rate or Decimal(0)) * (1 if better else -1))
    return missed[:LOWEST_NAMED]


def _short_name(section: DispatchSection | IndicatorSection) -> str:
    if isinstance(section, IndicatorSection):
        return section.indicator.name_vi
    return section.heading.split(". ", 1)[1].removesuffix(" (số liệu công bố)")


def _assessment(period_label: str, sections: list[DispatchSection], words: _Words) -> str:
    met = [_short_name(s) for s in sections if s.met is True]
    missed = [s for s in sections if s.met is False]
    head = f"Qua số liệu {period_label[:1].lower()}{period_label[1:]}, "
    if met and missed:
        what = _join_words([m[0].lower() + m[1:] for m in met])
        return (
            head + f"hiện nay chỉ có chỉ số {what} đạt chỉ tiêu đề ra, các chỉ số còn lại chưa đạt."
        )
    if met:
        return head + "các chỉ số có chỉ tiêu đều đạt chỉ tiêu đề ra."
    if missed:
        return head + "chưa có chỉ số nào đạt chỉ tiêu đề ra."
    return head + "các chỉ số chưa được giao chỉ tiêu để đánh giá."


def _directives(
    data: DispatchData,
    ordered: list[IndicatorSection],
    drafted: list[DispatchSection],
    words: _Words,
) -> list[str]:
    items = []
    missed_names = [_short_name(s) for s in drafted if s.met is False]
    agencies = f"Thủ trưởng các cơ quan chuyên môn thuộc UBND {words.parent}"
    chairs = f"Chủ tịch UBND các {words.children}"
    if missed_names:
        items.append(
            f"{agencies}, {chairs} quán triệt cán bộ, công chức triển khai thực hiện nghiêm "
            "túc, có hiệu quả các giải pháp nâng cao các chỉ số chưa đạt chỉ tiêu: "
            + "; ".join(n[0].lower() + n[1:] for n in missed_names)
            + "."
        )
    for section, draft in zip(ordered, drafted, strict=True):
        if draft.met is not False or section.indicator.code == "on_time":
            continue
        lowest = _lowest(data, section)
        if not lowest:
            continue
        names = ", ".join(f"{_name(r)} ({rate_vi(r.rate)})" for r in lowest)
        items.append(
            f"Về {_short_name(section)[0].lower()}{_short_name(section)[1:]}: các {words.children} "
            f"có kết quả thấp nhất là {names}. Yêu cầu Chủ tịch UBND các {words.children} này "
            "chỉ đạo cán bộ, công chức phụ trách nâng cao tinh thần trách nhiệm, có biện pháp "
            "khắc phục kịp thời để hoàn thành chỉ tiêu được giao."
        )
    lates = late_units(data)
    if lates:
        names = ", ".join(unit.name for unit, _n in lates)
        items.append(
            f"Các {words.children} có hồ sơ giải quyết trễ hạn: {names}. Yêu cầu Chủ tịch UBND "
            f"các {words.children} trên chỉ đạo kiểm tra, báo cáo giải trình việc giải quyết "
            "hồ sơ thủ tục hành chính trễ hạn; triển khai ngay các biện pháp khắc phục, không "
            "để xảy ra tình trạng hồ sơ trễ hạn trong thời gian tới."
        )
    return [f"{i}. {text}" for i, text in enumerate(items, start=1)]


def _issued_month(period_end: dt.date) -> dt.date:
    """The dispatch is issued in the month after the period (the original: 07/2023 for H1)."""
    return (period_end.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def dispatch_build(data: DispatchData) -> Dispatch:
    """The dispatch for one parent and period, as a structured document."""
    words = _Words(data)
    parent, period = data.parent, data.period
    ordered = _ordered(data.with_content)
    sections = [
        _section(number, data, section, words) for number, section in enumerate(ordered, start=1)
    ]
    missing = data.without_content
    no_data_line = (
        "Các chỉ số chưa có số liệu trong kỳ: "
        + "; ".join(s.indicator.name_vi for s in missing)
        + "."
        if missing
        else ""
    )
    intro = (
        "Qua trích xuất dữ liệu từ Hệ thống thông tin giải quyết thủ tục hành chính, "
        f"Ủy ban nhân dân {words.parent} {parent.name} đánh giá kết quả thực hiện một số chỉ "
        f"tiêu liên quan đến dịch vụ hành chính công từ ngày {format_date_vi(period.start)} "
        f"đến ngày {format_date_vi(period.end)} ({period.label_vi}) trên địa bàn "
        f"{words.parent} như sau:"
    )
    notes = []
    if data.has_sample:
        notes.append(
            "Lưu ý: bản dự thảo có số liệu mẫu (sinh tự động để minh họa), không phải số liệu thật."
        )
    issued = _issued_month(period.end)
    assessment = _assessment(period.label_vi, sections, words)
    directives = _directives(data, ordered, sections, words)
    if directives:
        assessment += (
            " Để bảo đảm hoàn thành các chỉ tiêu liên quan đến dịch vụ hành chính công trên địa "
            f"bàn {words.parent}, Chủ tịch UBND {words.parent} yêu cầu:"
        )
    return Dispatch(
        issuer_lines=["ỦY BAN NHÂN DÂN", parent.full_name.upper()],
        number_line="Số:      /UBND-VP",
        subject="V/v nâng cao các chỉ số liên quan đến dịch vụ hành chính công",
        recipients=[
            f"Các cơ quan chuyên môn thuộc UBND {words.parent};",
            f"Ủy ban nhân dân các {words.children}.",
        ],
        intro=intro,
        sections=sections,
        no_data_line=no_data_line,
        closing=(
            f"Yêu cầu Thủ trưởng các cơ quan chuyên môn {words.parent}, Chủ tịch UBND các "
            f"{words.children} nghiêm túc triển khai thực hiện./."
        ),
        notes=notes,
        place_date=f"{parent.name}, ngày      tháng {issued:%m} năm {issued:%Y}",
        assessment=assessment,
        directives=directives,
        copies=[
            "Như trên;",
            f"CT, các PCT UBND {words.parent} (b/c);",
            "Lưu: VT, VP.",
        ],
    )


def dispatch_text(dispatch: Dispatch) -> str:
    """Plain text of the whole draft (the management command prints this)."""
    lines = [*dispatch.issuer_lines, dispatch.number_line, dispatch.subject]
    lines += [*dispatch.national_lines, dispatch.place_date, "", "Kính gửi:"]
    lines += [f"- {r}" for r in dispatch.recipients]
    lines += ["", *dispatch.notes, dispatch.intro, ""]
    for section in dispatch.sections:
        lines.append(f"{section.heading} {section.targets}".strip())
        lines += section.paragraphs
        lines += [f"({section.formula})", ""]
    if dispatch.no_data_line:
        lines += [dispatch.no_data_line, ""]
    lines += [dispatch.assessment, *dispatch.directives, dispatch.closing, "", "Nơi nhận:"]
    lines += [f"- {c}" for c in dispatch.copies]
    lines += ["", dispatch.signer_authority, dispatch.signer_title, "", dispatch.signer_name]
    return "\n".join(line for line in lines if line is not None) + "\n"


# --------------------------------------------------------------------------- saved drafts


def dispatch_as_dict(dispatch: Dispatch) -> dict[str, Any]:
    """The draft as JSON-ready data (what a saved draft stores), as it reads back from the
    database (lists, not tuples), so that a stored and a new version compare equal."""
    data = asdict(dispatch)
    data["national_lines"] = list(dispatch.national_lines)
    return data


def dispatch_from_dict(data: dict[str, Any]) -> Dispatch:
    """The inverse of `dispatch_as_dict`; keys unknown to this version are ignored, so a
    draft saved before a field was added still opens."""
    known = {f.name for f in fields(Dispatch)}
    values = {key: value for key, value in data.items() if key in known}
    values["sections"] = [
        DispatchSection(**{k: v for k, v in s.items() if k in _SECTION_FIELDS})
        for s in data.get("sections", [])
    ]
    if "national_lines" in values:
        title, motto = values["national_lines"]
        values["national_lines"] = (title, motto)
    return Dispatch(**values)


_SECTION_FIELDS = frozenset(f.name for f in fields(DispatchSection))


def dispatch_parts(dispatch: Dispatch) -> dict[str, tuple[str, object]]:
    """The parts an office edits one by one: key → (Vietnamese label, value). The keys are
    stable across saves, so two versions can be compared part by part."""
    parts: dict[str, tuple[str, object]] = {
        "subject": ("Trích yếu", dispatch.subject),
        "recipients": ("Kính gửi", dispatch.recipients),
        "intro": ("Đoạn mở đầu", dispatch.intro),
    }
    for section in dispatch.sections:
        parts[f"section:{section.code or section.heading}"] = (
            section.heading,
            section.paragraphs,
        )
    parts["assessment"] = ("Đánh giá chung", dispatch.assessment)
    parts["directives"] = ("Yêu cầu, chỉ đạo", dispatch.directives)
    parts["closing"] = ("Câu kết", dispatch.closing)
    parts["copies"] = ("Nơi nhận", dispatch.copies)
    parts["signer"] = (
        "Người ký",
        [dispatch.signer_authority, dispatch.signer_title, dispatch.signer_name],
    )
    return parts


def changed_parts(before: Dispatch, after: Dispatch) -> list[str]:
    """Labels of the parts that differ between two versions of a draft, in document order."""
    old, new = dispatch_parts(before), dispatch_parts(after)
    return [label for key, (label, value) in new.items() if old.get(key, ("", None))[1] != value]


def sample_dispatch() -> Dispatch:
    """A draft with every part filled, as long as real ones get: an uploaded template is
    rendered with it once before it is accepted."""
    paragraph = "Kết quả của " + ", ".join(f"đơn vị {i} {i},00%" for i in range(1, 40)) + "."
    return Dispatch(
        issuer_lines=["ỦY BAN NHÂN DÂN", "THỊ XÃ MẪU"],
        number_line="Số:      /UBND-VP",
        subject="V/v nâng cao các chỉ số liên quan đến dịch vụ hành chính công",
        recipients=[f"Cơ quan nhận {i};" for i in range(1, 6)],
        intro=paragraph,
        sections=[
            DispatchSection(
                heading=f"{n}. Chỉ số {n}",
                targets="(Chỉ tiêu tỉnh giao: 50%)",
                paragraphs=[paragraph] * 6,
                formula="Tỷ lệ = số hồ sơ / tổng số hồ sơ × 100%",
                code=f"sample_{n}",
            )
            for n in range(1, 13)
        ],
        no_data_line="Các chỉ số chưa có số liệu trong kỳ: chỉ số mẫu.",
        closing="Yêu cầu các đơn vị nghiêm túc triển khai thực hiện./.",
        notes=["Lưu ý: văn bản mẫu."],
        place_date="Mẫu, ngày      tháng 07 năm 2023",
        assessment=paragraph,
        directives=[f"{i}. {paragraph}" for i in range(1, 9)],
        copies=["Như trên;", "Lưu: VT, VP."],
    )
