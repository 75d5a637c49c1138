"""`.gotmpl.yaml` rendering (Go templates with Sprig's common functions) and kuttl's `$VAR` expansion."""

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
    ("text", "expected"),
    [
        ("{{ .Namespace | upper }}", "KUTTL-X"),
        ('{{ printf "%s-%d" .Namespace 3 }}', "kuttl-x-3"),
        ('{{ .Vars.who | default "none" | quote }}', '"lab"'),
        ('{{ .Vars.nobody | default "none" }}', "none"),
        ("{{ if .Vars.flag }}on{{ else }}off{{ end }}", "on"),
        ("{{ if not .Vars.flag }}a{{ else if eq .Vars.count 3 }}b{{ else }}c{{ end }}", "b"),
        ("{{ range $i, $v := list 1 2 }}{{ $i }}={{ $v }} {{ end }}", "0=1 1=2 "),
        ("{{ range .Vars.empty }}x{{ else }}none{{ end }}", "none"),
        ("{{ with .Vars.who }}{{ . | title }}{{ end }}", "Lab"),
        ("{{ $n := add .Vars.count 4 }}{{ mul $n 2 }}", "14"),
        ('{{ trimPrefix "kuttl-" .Namespace }}', "x"),
        ('{{ replace "-" "_" .Namespace | trunc 5 }}', "kuttl"),
        ('{{ "a,b,a" | splitList "," | uniq | join "+" }}', "a+b"),
        ('{{ list "b" "a" | sortAlpha | toJson }}', '["a","b"]'),
        ('{{ $d := dict "k" "v" }}{{ set $d "n" 1 | toYaml }}', "k: v\nn: 1"),
        ('{{ hasKey (dict "k" 1) "k" }} {{ get (dict "k" 1) "k" }}', "true 1"),
        ('{{ "hi" | b64enc }} {{ "aGk=" | b64dec }}', "aGk= hi"),
        ('{{ ternary "yes" "no" (gt .Vars.count 2) }}', "yes"),
        ("{{ max 1 7 3 }} {{ min 4 2 }} {{ div 7 2 }} {{ mod 7 2 }} {{ sub 1 3 }}", "7 2 3 1 -2"),
        ('{{ coalesce "" .Vars.who }} {{ empty "" }} {{ len (list 1 2) }}', "lab true 2"),
        ('{{ substr 0 5 .Namespace }}{{ repeat 2 "!" }}{{ nospace " a b " }}', "kuttl!!ab"),
        ("{{/* a comment */}}x", "x"),
    ],
)
def test_go_template_and_sprig_functions(text: str, expected: str) -> None:
    assert render(text, who="lab", count=3, flag=True, empty=[]) == expected


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ('{{ env "HOME" }}', "function 'env' is not supported by toollab"),
        ("{{ .Namespace | sha256sum }}", "function 'sha256sum' is not supported by toollab"),
        ('{{ template "x" }}', "{{ template }} is not supported by toollab"),
        ("{{ if .Namespace }}x", "{{ if }} without {{ end }}"),
        ("{{ end }}", "{{ end }} without if, range or with"),
        ("{{ $x }}", "undefined variable $x"),
        ("{{ add 1 }}{{ div 1 0 }}", "div:"),
    ],
)
def test_other_constructs_are_rejected_with_file_and_line(action: str, message: str) -> None:
    with pytest.raises(errors.InputError) as caught:
        render("a: 1\nb: " + action)
    assert str(caught.value).startswith("t.gotmpl.yaml:2: ") and message in str(caught.value)


def test_a_missing_variable_names_the_flag_to_set() -> None:
    with pytest.raises(errors.InputError, match=r"'who' is not set \(use --template-var who=VALUE\)"):
        render("x: {{ .Vars.who }}")


def test_an_unclosed_action_is_rejected() -> None:
    with pytest.raises(errors.InputError, match="unclosed"):
        render("x: {{ .Namespace")


def test_maps_and_lists_print_as_go_does() -> None:
    assert (
        render("x: {{ .Vars.m }} {{ .Vars.l }}", m={"b": 1, "a": True}, l=[1, "x"])
        == "x: map[a:true b:1] [1 x]"
    )


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
