"""`.gotmpl.yaml` rendering (only .Namespace and .Vars.NAME) and kuttl's `$VAR` expansion."""

from __future__ import annotations

from typing import Any

import pytest

from toollab import errors
from toollab.suites.kuttl import templates


def render(text: str, **variables: Any) -> str:
    return templates.render_template(text, namespace="kuttl-x", variables=variables, source="t.gotmpl.yaml")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ns: {{ .Namespace }}", "ns: kuttl-x"),
        ("ns: {{.Namespace}}", "ns: kuttl-x"),
        ("name: app-{{ .Vars.who }}", "name: app-lab"),
        ("a:  {{- .Namespace -}}  ]", "a:kuttl-x]"),
        ("a: [{{- .Namespace }}]", "a: [kuttl-x]"),
        ("n: {{ .Vars.count }}", "n: 3"),
        ("b: {{ .Vars.flag }}", "b: true"),
        ("f: {{ .Vars.ratio }}", "f: 0.5"),
        ("no actions here: {} }}", "no actions here: {} }}"),
    ],
)
def test_supported_actions_render(text: str, expected: str) -> None:
    assert render(text, who="lab", count=3, flag=True, ratio=0.5) == expected


@pytest.mark.parametrize(
    "action",
    [
        "{{ .Values.x }}",
        "{{ if .Namespace }}x{{ end }}",
        "{{ .Namespace | upper }}",
        '{{ printf "%s" .Namespace }}',
    ],
)
def test_other_constructs_are_rejected_with_file_and_line(action: str) -> None:
    with pytest.raises(errors.InputError, match=r"t\.gotmpl\.yaml:2: unsupported template action"):
        render("a: 1\nb: " + action)


def test_a_missing_variable_names_the_flag_to_set() -> None:
    with pytest.raises(errors.InputError, match=r"'who' is not set \(use --template-var who=VALUE\)"):
        render("x: {{ .Vars.who }}")


def test_an_unclosed_action_is_rejected() -> None:
    with pytest.raises(errors.InputError, match="unclosed"):
        render("x: {{ .Namespace")


def test_non_scalar_variables_are_rejected() -> None:
    with pytest.raises(errors.InputError, match="scalars"):
        render("x: {{ .Vars.m }}", m={"a": 1})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("get -n $NAMESPACE", "get -n kuttl-x"),
        ("${NAMESPACE}-a", "kuttl-x-a"),
        ("cost $$5", "cost $5"),
        ("$UNSET|", "|"),
        ("trailing $", "trailing $"),
        ("a $ b", "a $ b"),
        ("${}x", "x"),
        ("${NAMESPACE", "NAMESPACE"),
        ("$1x", "x"),
    ],
)
def test_env_expansion_follows_go_os_expand(text: str, expected: str) -> None:
    assert templates.expand_env(text, {"NAMESPACE": "kuttl-x"}) == expected
