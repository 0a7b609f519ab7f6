"""Form fields shared by the features' forms (forms only validate and convert)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class PercentField(forms.DecimalField):
    """A rate or score from 0 to 100 with at most two decimals, typed the Vietnamese way
    (83,66) or with a point (83.66), as the models store it (max_digits=5,
    decimal_places=2). Every way out of range, too many digits included, gets the one
    `out_of_range` message; each form says in its own words what the number is."""

    def __init__(
        self,
        *,
        required_message: StrOrPromise,
        invalid_message: StrOrPromise,
        out_of_range_message: StrOrPromise,
        decimals_message: StrOrPromise,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            min_value=0,
            max_value=100,
            max_digits=5,
            decimal_places=2,
            localize=True,
            error_messages={
                "required": required_message,
                "invalid": invalid_message,
                "min_value": out_of_range_message,
                "max_value": out_of_range_message,
                "max_digits": out_of_range_message,
                "max_whole_digits": out_of_range_message,
                "max_decimal_places": decimals_message,
            },
            **kwargs,
        )
