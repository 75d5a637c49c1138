"""Chainsaw templating: `(…)` values evaluated before an object is written or looked up."""

from __future__ import annotations

import pytest

from toollab import errors
from toollab.assertions import dialect, templating

SCOPE = dialect.Scope({"namespace": "lab", "n": 2})


def test_expression_values_are_replaced_and_the_rest_kept() -> None:
    obj = {
        "metadata": {"name": "web", "namespace": "($namespace)"},
        "spec": {"replicas": "($n)", "ports": [{"name": "(join('-', ['h', 'ttp']))"}], "paused": False},
    }
    assert templating.template(obj, scope=SCOPE) == {
        "metadata": {"name": "web", "namespace": "lab"},
        "spec": {"replicas": 2, "ports": [{"name": "h-ttp"}], "paused": False},
    }


def test_keys_are_never_templated_and_escapes_keep_their_backslashes() -> None:
    assert templating.template({"(x)": "\\(y)\\"}, scope=SCOPE) == {"(x)": "\\(y)\\"}


def test_at_is_the_value_at_the_same_path_of_the_input() -> None:
    assert templating.template({"a": "(@)"}, scope=SCOPE) == {"a": "(@)"}  # a resource: itself
    assert templating.template({"a": "(@)"}, scope=SCOPE, input={"a": 5}) == {"a": 5}
    assert templating.template("(@)", scope=SCOPE, input=None) is None  # a binding's value


def test_cel_is_the_default_engine_when_the_scope_says_so() -> None:
    scope = dialect.Scope({"n": 2}, engine="cel")
    assert templating.template("(bindings.n * 2)", scope=scope, input=None) == 4


def test_the_lookup_fields_alone_are_templated_for_a_check() -> None:
    expected = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"namespace": "($namespace)", "labels": {"app": "(concat('w', 'eb'))", "n": 1}},
        "spec": {"(length(containers))": "($n)"},
    }
    assert templating.resource_ref(expected, scope=SCOPE) == {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"namespace": "lab", "labels": {"app": "web", "n": 1}},
        "spec": {"(length(containers))": "($n)"},
    }


def test_a_failing_expression_names_its_path() -> None:
    with pytest.raises(errors.EvaluationError, match=r"^spec.replicas: JMESPath \(\$missing\)"):
        templating.template({"spec": {"replicas": "($missing)"}}, scope=SCOPE)
