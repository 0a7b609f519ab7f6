"""Unit names as people write them in a file: the "UBND" prefix, the type word ("phường",
"xã" …) and old or new tone placement. Pure (stdlib only), for the appendix reader and the
matching of rows to units."""

from __future__ import annotations

import re
import unicodedata

from kpi_portal.spreadsheets.cells import norm_text

# Lower-case: compared with casefolded text.
UNIT_PREFIXES = ("ubnd ", "ủy ban nhân dân ", "uỷ ban nhân dân ")
_TYPE_WORDS = (
    "thành phố",
    "thị trấn",
    "thị xã",
    "đặc khu",
    "phường",
    "huyện",
    "quận",
    "tỉnh",
    "xã",
)
# Old and new tone placement ("Hoà" / "Hòa", "Thuỷ" / "Thủy") name the same place.
_TONES = "\u0300\u0301\u0309\u0303\u0323"  # grave, acute, hook, tilde, dot


def clean_unit_name(raw: str) -> str:
    """Strip "UBND " but keep the type word and the case: "UBND phường Bồng Sơn" ->
    "phường Bồng Sơn" (the name the appendix reader reports)."""
    name = " ".join(unicodedata.normalize("NFC", raw).replace("\xa0", " ").split())
    lowered = name.casefold()
    for prefix in UNIT_PREFIXES:
        if lowered.startswith(prefix):
            return name[len(prefix) :].strip()
    return name


def _move_tones(text: str) -> str:
    """Put the tone of "oa", "oe", "uy" on the first vowel (NFD in, NFD out)."""
    decomposed = unicodedata.normalize("NFD", text)
    return re.sub(
        r"([ou])([ae]|y)([" + _TONES + r"])",
        lambda m: m.group(1) + m.group(3) + m.group(2),
        decomposed,
    )


def unit_name_key(text: str) -> tuple[str, str]:
    """(name with type word, name without it), normalised: case, spacing, NFC, "UBND",
    tone placement. "UBND phường  Hoài Đức" -> ("phường hoài đức", "hoài đức")."""
    name = norm_text(text)
    for prefix in UNIT_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix) :].strip()
            break
    name = unicodedata.normalize("NFC", _move_tones(name))
    bare = name
    for word in _TYPE_WORDS:
        if bare.startswith(word + " "):
            bare = bare[len(word) + 1 :].strip()
            break
    return name, bare
