"""Standard competition ranking ("1224"), the one rule behind every ranked table.

Units are compared on exact values: a rate is ranked on the Fraction numerator/denominator,
never on the rounded percentage or a float, so 2/3 and 4/6 tie while 66,666 % and 66,67 %
do not. A unit without data has no key and no rank. Pure Python, no Django.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from fractions import Fraction
from typing import Any, Protocol, TypeVar

__all__ = ["competition_ranks", "exact_ratio"]


class _Key(Hashable, Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


K = TypeVar("K", bound=_Key)


def exact_ratio(numerator: int | None, denominator: int | None) -> Fraction | None:
    """The key a rate is ranked on: numerator/denominator exactly; None without data
    (a missing count or a zero denominator)."""
    if numerator is None or not denominator:
        return None
    return Fraction(numerator, denominator)


def competition_ranks(keys: Sequence[K | None]) -> list[int | None]:
    """Rank per key, in the order given: the larger key is better; equal keys share a rank
    and the next one skips (1, 2, 2, 4); None is unranked and takes no place.

    The rank of a key is 1 + the number of ranked keys strictly better than it, so the
    result does not depend on the order of `keys` (sorted or not)."""
    best_first = sorted((key for key in keys if key is not None), reverse=True)
    first_place: dict[K, int] = {}
    for place, key in enumerate(best_first, start=1):
        first_place.setdefault(key, place)
    return [None if key is None else first_place[key] for key in keys]
