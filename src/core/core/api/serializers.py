import copy
from typing import Any

from rest_framework import serializers


# A ``ModelSerializer`` that builds its fields from the model once per class. DRF rebuilds them
# on every instantiation (``build_field`` and ``get_field_kwargs`` for each model field: about a
# fifth of an uncached movie detail request); here each instance gets deep copies of the fields
# built the first time, as DRF already does for declared fields. Only for serializers whose
# fields do not depend on the instance or context (read-side serializers; not model-derived
# unique validators). No docstring: drf-spectacular would show it on every subclass's schema.
class BuiltOnceModelSerializer(serializers.ModelSerializer[Any]):
    _built_fields: dict[str, serializers.Field[Any, Any, Any, Any]]  # set on each class

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        built = type(self).__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            type(self)._built_fields = built  # per class: a subclass builds its own
        return copy.deepcopy(built)
