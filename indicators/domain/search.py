"""Accent-insensitive search in Vietnamese names, as a regular expression both databases
read (SQLite through Django's REGEXP function, PostgreSQL's ~*): "hoai nhon" finds "Hoài
Nhơn" without a folded copy of every name in the database. Pure Python."""

from __future__ import annotations

import re
import unicodedata

# Every form of each base letter in Vietnamese: the tones on each vowel, and đ.
_FORMS = {
    "a": "aàáảãạăằắẳẵặâầấẩẫậ",
    "e": "eèéẻẽẹêềếểễệ",
    "i": "iìíỉĩị",
    "o": "oòóỏõọôồốổỗộơờớởỡợ",
    "u": "uùúủũụưừứửữự",
    "y": "yỳýỷỹỵ",
    "d": "dđ",
}
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """The base letters of `text`, lower case: "Hoài Nhơn" -> "hoai nhon"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def words(text: str) -> list[str]:
    """The folded words of a query; punctuation is dropped (so nothing reaches the
    pattern but letters and digits)."""
    return _WORD.findall(fold(text))


def accent_insensitive_pattern(text: str) -> str:
    """A pattern matching the query's words, in order, in any accents and any case: "hoai
    nhon" -> "[hH][oòó…ÒÓ…][aàá…][iìí…] +[nN]…". Both cases are spelled out, since
    PostgreSQL under the C locale folds only ASCII letters. Empty for a query without
    words."""
    parts = []
    for word in words(text):
        classes = []
        for letter in word:
            forms = _FORMS.get(letter, letter)
            both = "".join(dict.fromkeys(forms + forms.upper()))
            classes.append(f"[{both}]" if len(both) > 1 else both)
        parts.append("".join(classes))
    return " +".join(parts)
