"""DRF's string fields take numbers and turn them into strings (``{"username": 10000000.0}`` is
the name "10000000.0"): these take strings only, as the schema says, and answer the field's
"invalid" error for anything else. A string with a NUL is refused before the field's validators
run: DRF runs every validator even after one failed, and PostgreSQL refuses a NUL in a query's
parameter (a uniqueness check answered 500)."""

from typing import Any

from django.core.validators import ProhibitNullCharactersValidator
from rest_framework import serializers

_NO_NUL = ProhibitNullCharactersValidator()


class StrictStringMixin:
    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")  # type: ignore[attr-defined]  # a DRF Field's
        if "\x00" in data:
            raise serializers.ValidationError(_NO_NUL.message, code=_NO_NUL.code)
        return super().to_internal_value(data)  # type: ignore[misc,no-any-return]  # a Field's


class StrictCharField(StrictStringMixin, serializers.CharField):
    pass


class StrictEmailField(StrictStringMixin, serializers.EmailField):
    pass
