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

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from indicators.dispatch.selectors import DispatchData, IndicatorSection, IssuerTargets, TargetRange
from indicators.domain import formulas
from indicators.domain.formatting import format_date_vi, format_rate_vi, format_trimmed_vi
from indicators.domain.status import Status
from indicators.ranking.selectors import RankingRow


@dataclass
class DispatchSection:
    heading: str  # "2. Tỷ lệ hồ sơ trực tuyến" (bold)
    targets: str  # "(Chỉ tiêu tỉnh giao: 50%, chỉ tiêu thị xã giao: …)" or ""
    paragraphs: list[str]
    formula: str  # "Tỷ lệ = … / … × 100%"


@dataclass
class Dispatch:
    issuer_lines: list[str]  # ["ỦY BAN NHÂN DÂN", "THỊ XÃ HOÀI NHƠN"]
    number_line: str
    subject: str
    recipients: list[str]  # placeholder, edited in Word
    intro: str
    sections: list[DispatchSection]
    no_data_line: str  # "" when every indicator has data
    closing: str  # placeholder for the instructions the chairman adds
    notes: list[str] = field(default_factory=list)  # sample data warnings

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


def _name(row: RankingRow) -> str:
    # The dispatch names units by their short name ("Hoài Đức", not "Phường Hoài Đức").
    return row.unit.name


def _list_plain(rows: Iterable[RankingRow]) -> str:
    return "; ".join(f"{_name(r)} {rate_vi(r.rate)}" for r in rows)


def _list_colon(rows: Iterable[RankingRow]) -> str:
    return "; ".join(f"{_name(r)}: {rate_vi(r.rate)}" for r in rows)


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


def _children_paragraphs(section: IndicatorSection, words: _Words) -> list[str]:
    rows = section.ranking.rows
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
    if no_target and target_issuer is not None:
        paragraphs.append(
            f"- Các {words.children} chưa được giao chỉ tiêu: {_list_plain(no_target)}."
        )
    elif no_target:
        paragraphs.append(
            f"- Kết quả các {words.children} (chưa được giao chỉ tiêu), từ cao đến thấp: "
            f"{_list_plain(no_target)}."
        )
    if no_data:
        names = "; ".join(_name(r) for r in no_data)
        paragraphs.append(f"- Có {_count2(len(no_data))} đơn vị chưa có số liệu: {names}.")
    return paragraphs


def _missed_paragraph(
    section: IndicatorSection, words: _Words, missed: list[RankingRow], of: str
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


def _section(number: int, section: IndicatorSection, words: _Words) -> DispatchSection:
    indicator = section.indicator
    numerator = indicator.numerator_label
    if len(indicator.definition.numerator) > 1:
        numerator = f"({numerator})"
    return DispatchSection(
        heading=f"{number}. {indicator.name_vi}",
        targets=_targets_clause(section, words),
        paragraphs=[_result_sentence(section, words), *_children_paragraphs(section, words)],
        formula=f"{indicator.name_vi} = {numerator} / {indicator.denominator_label} × 100%",
    )


def dispatch_build(data: DispatchData) -> Dispatch:
    """The dispatch body for one parent and period, as a structured document."""
    words = _Words(data)
    parent, period = data.parent, data.period
    sections = [
        _section(number, section, words) for number, section in enumerate(data.with_data, start=1)
    ]
    missing = data.without_data
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
        closing=(f"[Phần yêu cầu, chỉ đạo của Chủ tịch UBND {words.parent}: văn phòng soạn tiếp.]"),
        notes=notes,
    )


def dispatch_text(dispatch: Dispatch) -> str:
    """Plain text of the whole draft (the management command prints this)."""
    lines = [*dispatch.issuer_lines, dispatch.number_line, dispatch.subject, "", "Kính gửi:"]
    lines += [f"- {r}" for r in dispatch.recipients]
    lines += ["", *dispatch.notes, dispatch.intro, ""]
    for section in dispatch.sections:
        lines.append(f"{section.heading} {section.targets}".strip())
        lines += section.paragraphs
        lines += [f"({section.formula})", ""]
    if dispatch.no_data_line:
        lines += [dispatch.no_data_line, ""]
    lines.append(dispatch.closing)
    return "\n".join(line for line in lines if line is not None) + "\n"
