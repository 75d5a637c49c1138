"""JUnit XML for `toollab test`: kuttl's report shape, one testcase per step (or per test).

Pure: builds a string from `suite_results`. The failing step carries a `failure` whose message is
the first line and whose body is the full text; later steps are `skipped`; counts add up.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from toollab.reports import suite_results

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML 1.0
_ATTRIBUTES = ("classname", "name", "tests", "failures", "skipped", "timestamp", "time", "assertions")


def render_junit(
    result: suite_results.SuiteResult,
    *,
    granularity: suite_results.Granularity = suite_results.Granularity.STEP,
) -> str:
    """The whole `<testsuites>` document, indented, with an XML declaration."""
    root = _element("testsuites", suite_results.report_tree(result, granularity=granularity))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _element(tag: str, node: dict[str, Any]) -> ET.Element:
    element = ET.Element(tag)
    for key in _ATTRIBUTES:
        if key in node and not isinstance(node[key], dict):
            element.set(key, _clean(str(node[key])))
    for key in ("failure", "skipped"):
        if isinstance(node.get(key), dict):
            child = ET.SubElement(element, key, message=_clean(node[key]["message"]))
            child.text = _clean(node[key].get("text", "")) or None
    for key in ("testsuite", "testcase"):
        element.extend(_element(key, child) for child in node.get(key, []))
    return element


def _clean(text: str) -> str:
    return _CONTROL.sub("", text)


__all__ = ["render_junit"]
