"""The one parser of every integer the API reads: query parameters, path ids, ids in bodies.

An integer is a JSON number without a fraction or exponent, or a string of ASCII digits, within
its range: "²" and "٣" are digits to ``str.isdigit`` (and ``int("٣")`` is 3), "1.0", "1e2" and
"1 " are not integers here, and a value out of range is refused rather than clamped.
"""

from typing import Any

from django import forms
from rest_framework import serializers

MAX_ID = 2**63 - 1  # the largest primary key (BigAutoField)
MAX_DIGITS = 4300  # sys.int_info.default_max_str_digits


def plain_int(value: Any) -> int | None:
    """``value`` as an integer if it is one by the rules above (no range check), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        # int() refuses more digits than sys.get_int_max_str_digits() (4300): far beyond any range.
        return int(value) if len(value.lstrip("0")) <= MAX_DIGITS else None
    return None


class StrictIntegerFormField(forms.IntegerField):
    """Django's form ``IntegerField`` (query parameters through django-filter), which takes
    "1995.0" and "١٩٩٥", reading only ``plain_int``s."""

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        number = plain_int(value)
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class StrictIntegerField(serializers.IntegerField):
    """DRF's ``IntegerField``, which takes 1.0, "1 " and 1e2, reading only ``plain_int``s."""

    def to_internal_value(self, data: Any) -> int:
        number = plain_int(data)
        if number is None:
            self.fail("invalid")
        return super().to_internal_value(number)
