"""Where a rate stands against its target, and how each status is shown everywhere.

One vocabulary for the tables, the heat map, the CSV/xlsx downloads, the CLI and the
dispatch. The labels are Vietnamese msgids: the portal is Vietnamese first and English
through Django's i18n, and since this package cannot import Django they are only marked
here (`gettext_noop`, which makemessages extracts) and translated where they are shown
(the status_symbol/status_label template filters). Downloads and the CLI use the
Vietnamese label as it is. Pure Python, no Django.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

__all__ = ["Status", "count_judged", "count_met", "gettext_noop"]


def gettext_noop(message: str) -> str:
    """Mark a string for translation without translating it (makemessages looks for this
    name, as for Django's own gettext_noop)."""
    return message


class Status(StrEnum):
    """The colour of a cell. A StrEnum: equal to its value ("met") and rendered as it in
    templates, CSS classes (badge-met, cell-no_data) and JSON."""

    MET = "met"  # green: the published rate reaches the target
    MISSED = "missed"  # red
    NO_TARGET = "no_target"  # blue: data but no target assigned
    NO_DATA = "no_data"  # grey: no rate (missing counts or a zero denominator)

    @property
    def label_vi(self) -> str:
        """ "Đạt", "Chưa đạt", "Chưa giao chỉ tiêu", "Không có số liệu": the badge's text and
        what a screen reader says in place of the symbol (the msgid to translate)."""
        return _LABELS[self]

    @property
    def symbol(self) -> str:
        """✔ ✘ ○ –: so the status reads without colour (in black and white, colour-blind)."""
        return _SYMBOLS[self]

    @property
    def colour(self) -> str:
        """The chart colour: bars and the heat map."""
        return _COLOURS[self]

    @property
    def is_judged(self) -> bool:
        """Met or missed: there is data and a target to judge it by."""
        return self in (Status.MET, Status.MISSED)


_LABELS = {
    Status.MET: gettext_noop("Đạt"),
    Status.MISSED: gettext_noop("Chưa đạt"),
    Status.NO_TARGET: gettext_noop("Chưa giao chỉ tiêu"),
    Status.NO_DATA: gettext_noop("Không có số liệu"),
}
_SYMBOLS = {Status.MET: "✔", Status.MISSED: "✘", Status.NO_TARGET: "○", Status.NO_DATA: "–"}
_COLOURS = {
    Status.MET: "#1a7f37",
    Status.MISSED: "#c62828",
    Status.NO_TARGET: "#5470c6",
    Status.NO_DATA: "#9e9e9e",
}


def count_met(statuses: Iterable[Status]) -> int:
    """How many met their target: the x of "x/y đạt"."""
    return sum(1 for status in statuses if status == Status.MET)


def count_judged(statuses: Iterable[Status]) -> int:
    """How many have data and a target to judge them by (met or missed)."""
    return sum(1 for status in statuses if status.is_judged)
