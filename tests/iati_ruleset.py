"""An interpreter of the IATI Standard Ruleset (`standard.json`), for tests.

Every rule form that SPEC.rst defines is evaluated with XPath 1.0 (elementpath, which the
test dependency xmlschema brings, on the standard library's ElementTree). Each context
XPath selects elements; each case of each rule runs on each of them; a `loop` runs its
`do` cases once per distinct value of `foreach`, with `$1` substituted in the keys named
by `subs`. A failed case is a `Finding` with the rule's id and severity.

Where SPEC.rst leaves room, the reading here follows the IATI Validator's own
implementation (IATI/js-validator-api, services/rulesValidator.js), except that an XPath
result is judged by XPath's boolean(): an empty node-set is false. (The JavaScript code
tests the array it gets, and an empty array is true in JavaScript, so an `if_then` whose
`then` is a node-set, such as 3.7.1, cannot fail there; the rule's text says it must.)
Date rules compare every date that `less` selects with every date `more` selects (the
JavaScript code takes the first of each). `idCondition` needs the Registry's list of
publisher ids, which is not at hand: every id counts as not registered, so the rules it
guards always run. The prefixes of ORG-ID-PREFIX are the OrganisationRegistrationAgency
codes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import elementpath
from elementpath import XPath1Parser

NAMESPACES = {"xml": "http://www.w3.org/XML/1998/namespace"}


@dataclass(frozen=True)
class Finding:
    """A failed case: the rule's id, severity and message, where, and the rule form."""

    id: str
    severity: str
    message: str
    context: str
    form: str
    identifier: str


def load_ruleset(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def org_id_prefixes(codelist: Path) -> set[str]:
    """The codes of the OrganisationRegistrationAgency codelist (XM-DAC, NL-KVK, ...)."""
    root = ET.parse(codelist).getroot()
    return {item.findtext("code") or "" for item in root.iter("codelist-item")}


class _Evaluator:
    def __init__(self, document: ET.ElementTree, element: ET.Element, prefixes: set[str]):
        self.document = document
        self.element = element
        self.prefixes = prefixes

    def select(self, path: str) -> Any:
        return elementpath.select(
            self.document, path, namespaces=NAMESPACES, parser=XPath1Parser, item=self.element
        )

    def nodes(self, path: str) -> list[Any]:
        found = self.select(path)
        return found if isinstance(found, list) else [found]

    def texts(self, paths: Iterable[str]) -> list[str]:
        return [_text(node) for path in paths for node in self.nodes(path)]

    def true(self, path: str) -> bool:
        found = self.select(path)
        if isinstance(found, list):
            return bool(found)
        if isinstance(found, float):
            return found == found and found != 0
        return bool(found)

    def dates(self, path: str) -> list[dt.datetime]:
        if path == "NOW":
            return [dt.datetime.now(dt.UTC)]
        return [d for d in map(_date, self.texts([path])) if d is not None]


def _text(node: Any) -> str:
    if isinstance(node, ET.Element):
        return "".join(node.itertext())
    return str(node)


def _date(text: str) -> dt.datetime | None:
    """An ISO date or date-time (aware, UTC when no zone is given); None if it is neither."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None


# Each rule form: (evaluator, case) -> passed. A rule that does not apply passes.
def _atleast_one(ev: _Evaluator, case: dict[str, Any]) -> bool:
    return any(ev.nodes(p) for p in case["paths"])


def _no_more_than_one(ev: _Evaluator, case: dict[str, Any]) -> bool:
    return sum(len(ev.nodes(p)) for p in case["paths"]) <= 1


def _only_one_of(ev: _Evaluator, case: dict[str, Any]) -> bool:
    matches = sum(len(ev.nodes(p)) for p in case["paths"])
    return all(
        matches == 0 if ev.nodes(excluded) else matches == 1 for excluded in case["excluded"]
    )


def _dependent(ev: _Evaluator, case: dict[str, Any]) -> bool:
    found = [bool(ev.nodes(p)) for p in case["paths"]]
    return all(found) or not any(found)


_ALL_PATHS = {
    "lang": ("descendant::narrative", "@xml:lang"),
    "sector": ("transaction", "sector"),
    "recipient-country|recipient-region": (
        "transaction",
        "recipient-country|recipient-region",
    ),
}


def _one_or_all(ev: _Evaluator, case: dict[str, Any]) -> bool:
    if ev.nodes(case["one"]):
        return True
    if case["all"] == "currency":
        return all(
            _Evaluator(ev.document, node, ev.prefixes).nodes("@currency")
            for tag in ("value", "forecast", "loan-status")
            for node in ev.nodes(f"descendant::{tag}")
        )
    each, required = _ALL_PATHS[case["all"]]
    return all(
        _Evaluator(ev.document, node, ev.prefixes).nodes(required) for node in ev.nodes(each)
    )


def _unique(ev: _Evaluator, case: dict[str, Any]) -> bool:
    texts = ev.texts(case["paths"])
    return len(texts) == len(set(texts))


def _sum(ev: _Evaluator, case: dict[str, Any]) -> bool:
    return not ev.texts(case["paths"]) or _strict_sum(ev, case)


def _strict_sum(ev: _Evaluator, case: dict[str, Any]) -> bool:
    values = [_number(t) for t in ev.texts(case["paths"])]
    if any(v is None for v in values):
        return False
    return sum(values, Decimal(0)) == Decimal(str(case["sum"]))  # type: ignore[arg-type]


def _date_order(ev: _Evaluator, case: dict[str, Any]) -> bool:
    return all(a <= b for a in ev.dates(case["less"]) for b in ev.dates(case["more"]))


def _date_now(ev: _Evaluator, case: dict[str, Any]) -> bool:
    now = dt.datetime.now(dt.UTC)
    return all(d <= now for d in ev.dates(case["date"]))


def _time_limit(ev: _Evaluator, case: dict[str, Any]) -> bool:
    return all(
        (end - start).days <= 365
        for start in ev.dates(case["start"])
        for end in ev.dates(case["end"])
    )


def _between_dates(ev: _Evaluator, case: dict[str, Any]) -> bool:
    starts, ends = ev.dates(case["start"]), ev.dates(case["end"])
    return all(s <= d <= e for d in ev.dates(case["date"]) for s in starts for e in ends)


def _regex_matches(ev: _Evaluator, case: dict[str, Any]) -> bool:
    pattern = re.compile(case["regex"])
    return all(t == "" or pattern.search(t) for t in ev.texts(case["paths"]))


def _regex_no_matches(ev: _Evaluator, case: dict[str, Any]) -> bool:
    pattern = re.compile(case["regex"])
    return all(t == "" or not pattern.search(t) for t in ev.texts(case["paths"]))


def _startswith(ev: _Evaluator, case: dict[str, Any]) -> bool:
    texts = ev.texts(case["paths"])
    if case["prefix"] in ("ORG-ID-PREFIX", ["ORG-ID-PREFIX"]):
        # The prefix is what stands left of the second "-".
        return all("-".join(t.split("-")[:2]) in ev.prefixes for t in texts)
    starts = ev.texts(case["prefix"])
    separator = case.get("separator", "")
    return all(any(t.startswith(s + separator) for s in starts) for t in texts)


def _if_then(ev: _Evaluator, case: dict[str, Any]) -> bool:
    return not ev.true(case["if"]) or ev.true(case["then"])


def _range(ev: _Evaluator, case: dict[str, Any]) -> bool:
    for text in ev.texts(case["paths"]):
        value = _number(text)
        if value is None:
            return False
        if "min" in case and value < Decimal(str(case["min"])):
            return False
        if "max" in case and value > Decimal(str(case["max"])):
            return False
    return True


def _no_spaces(ev: _Evaluator, case: dict[str, Any]) -> bool:
    return all(t == t.strip() for t in ev.texts(case["paths"]))


FORMS: dict[str, Callable[[_Evaluator, dict[str, Any]], bool]] = {
    "atleast_one": _atleast_one,
    "no_more_than_one": _no_more_than_one,
    "only_one_of": _only_one_of,
    "one_or_all": _one_or_all,
    "dependent": _dependent,
    "sum": _sum,
    "strict_sum": _strict_sum,
    "date_order": _date_order,
    "date_now": _date_now,
    "time_limit": _time_limit,
    "between_dates": _between_dates,
    "regex_matches": _regex_matches,
    "regex_no_matches": _regex_no_matches,
    "startswith": _startswith,
    "unique": _unique,
    "if_then": _if_then,
    "range": _range,
    "no_spaces": _no_spaces,
}


def _cases(rule: str, body: dict[str, Any], ev: _Evaluator) -> Iterable[tuple[str, dict[str, Any]]]:
    """(form, case) pairs to run: a loop's `do` cases once per value of `foreach`."""
    for case in body["cases"]:
        if rule != "loop":
            yield rule, case
            continue
        values = list(dict.fromkeys(ev.texts([case["foreach"]])))
        for form, sub in case["do"].items():
            for inner in sub["cases"]:
                for value in values:
                    done = dict(inner)
                    for key in case["subs"]:
                        if key not in inner:
                            continue
                        given = inner[key]
                        done[key] = (
                            given.replace("$1", value)
                            if isinstance(given, str)
                            else [g.replace("$1", value) for g in given]
                        )
                    yield form, done


def check_ruleset(
    root: ET.Element | ET.ElementTree, ruleset: dict[str, Any], prefixes: set[str]
) -> list[Finding]:
    """Every failed case of the ruleset on the document."""
    document = root if isinstance(root, ET.ElementTree) else ET.ElementTree(root)
    findings: list[Finding] = []
    for context, rules in ruleset.items():
        top = _Evaluator(document, document.getroot(), prefixes)
        for element in elementpath.select(
            document, context, namespaces=NAMESPACES, parser=XPath1Parser
        ):
            ev = _Evaluator(document, element, prefixes)
            for rule, body in rules.items():
                for form, case in _cases(rule, body, ev):
                    if "condition" in case and not ev.true(case["condition"]):
                        continue
                    if FORMS[form](ev, case):
                        continue
                    info = case.get("ruleInfo", {})
                    findings.append(
                        Finding(
                            info.get("id", "?"),
                            info.get("severity", "error"),
                            info.get("message", ""),
                            context,
                            form,
                            _identifier(top, element),
                        )
                    )
    return findings


def _identifier(top: _Evaluator, element: ET.Element) -> str:
    """The iati-identifier of the activity that holds `element` (or "")."""
    for activity in top.document.getroot().iter("iati-activity"):
        if element is activity or any(e is element for e in activity.iter()):
            return activity.findtext("iati-identifier") or ""
    return ""


def errors(findings: Iterable[Finding]) -> dict[str, list[str]]:
    """The error-level findings by rule id: the identifiers of the activities that fail."""
    found: dict[str, list[str]] = {}
    for f in findings:
        if f.severity == "error":
            found.setdefault(f.id, []).append(f.identifier)
    return found
