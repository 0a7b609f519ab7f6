from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from indicators.domain.ranking import competition_ranks, exact_ratio


def test_it_gives_tied_keys_one_rank_and_skips_the_next_places() -> None:
    assert competition_ranks([9, 7, 7, 5, 5, 5, 1]) == [1, 2, 2, 4, 4, 4, 7]


def test_it_ranks_keys_in_the_order_given_without_sorting_them_first() -> None:
    assert competition_ranks([5, 9, 7, 7]) == [4, 1, 2, 2]


def test_it_leaves_none_unranked_and_gives_it_no_place() -> None:
    assert competition_ranks([None, 8, 6, None, 6, 3]) == [None, 1, 2, None, 2, 4]


def test_it_ranks_nobody_when_every_key_is_none() -> None:
    assert competition_ranks([None, None, None]) == [None, None, None]


def test_it_ranks_a_single_item_first_and_an_empty_list_as_empty() -> None:
    assert competition_ranks([Fraction(1, 3)]) == [1]
    assert competition_ranks([]) == []


def test_it_compares_exact_ratios_not_rounded_rates() -> None:
    # 2/3 and 4/6 are the same rate; 6666/10000 is 66,66 %, just below.
    keys = [exact_ratio(2, 3), exact_ratio(6666, 10000), exact_ratio(4, 6)]
    assert competition_ranks(keys) == [1, 3, 1]


def test_it_ranks_tuples_lexicographically() -> None:
    # The all-indicators table: indicators met, then indicators with data and a target.
    assert competition_ranks([(3, 5), (3, 6), (4, 4), (3, 6), None]) == [4, 2, 1, 2, None]


def test_it_has_no_exact_ratio_without_counts_or_with_a_zero_denominator() -> None:
    assert exact_ratio(None, 10) is None
    assert exact_ratio(3, None) is None
    assert exact_ratio(0, 0) is None
    assert exact_ratio(0, 5) == 0
    assert exact_ratio(476, 1286) == Fraction(238, 643)


@given(st.lists(st.one_of(st.none(), st.integers(0, 20))))
def test_it_ranks_each_key_one_after_the_keys_strictly_better(keys: list[int | None]) -> None:
    ranks = competition_ranks(keys)
    for key, rank in zip(keys, ranks, strict=True):
        if key is None:
            assert rank is None
        else:
            assert rank == 1 + sum(1 for other in keys if other is not None and other > key)
