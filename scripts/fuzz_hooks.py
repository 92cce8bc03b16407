"""schemathesis hooks for `make fuzz` (SCHEMATHESIS_HOOKS): besides what schemathesis generates
from the schema, each body, query and path is also tried with one value replaced by an input that
once made the API fail (issue #26): names too long for the login records once folded, and more
digits than Python's int() reads from a string."""

from typing import Any

import schemathesis
from hypothesis import strategies as st

EDGE_VALUES = ["a" * 256, "\u00df" * 128, "\ufdfa" * 20, "9" * 4301]


def _with_edge_values(strategy: st.SearchStrategy) -> st.SearchStrategy:
    def variants(values: Any) -> st.SearchStrategy:
        if not isinstance(values, dict) or not values:
            return st.just(values)
        return st.sampled_from([{**values, key: edge} for key in values for edge in EDGE_VALUES])

    return st.one_of(strategy, strategy.flatmap(variants))


@schemathesis.hook
def before_generate_body(context: Any, strategy: st.SearchStrategy) -> st.SearchStrategy:
    return _with_edge_values(strategy)


@schemathesis.hook
def before_generate_query(context: Any, strategy: st.SearchStrategy) -> st.SearchStrategy:
    return _with_edge_values(strategy)


@schemathesis.hook
def before_generate_path_parameters(context: Any, strategy: st.SearchStrategy) -> st.SearchStrategy:
    return _with_edge_values(strategy)
