"""Checking the IATI rules that the XSD does not express (the XSD itself: the iati_schema
fixture in tests/conftest.py)."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import xml.etree.ElementTree as ET

AMOUNT = re.compile(r"-?[0-9]+\.[0-9]{2}")


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)  # ISO 8601 dates, or this raises


def check_iati_rules(root: ET.Element) -> None:
    """Rules of the IATI Standard beyond its XSD, for the parts this project writes."""
    assert root.tag == "iati-activities"
    assert root.get("version") == "2.03"
    for activity in root.iter("iati-activity"):
        ref = activity.find("reporting-org").get("ref")
        identifier = activity.findtext("iati-identifier")
        assert identifier.startswith(f"{ref}-")
        assert not re.search(r"[\s/&|?]", identifier)
        dates = {d.get("type"): day(d.get("iso-date")) for d in activity.iter("activity-date")}
        assert dates["1"] <= dates["3"]
        periods = []
        for element in [*activity.iter("budget"), *activity.iter("planned-disbursement")]:
            start = day(element.find("period-start").get("iso-date"))
            end = day(element.find("period-end").get("iso-date"))
            assert start <= end
            # Never longer than a year: the end is before the same day a year later.
            assert end < _one_year_after(start)
            value = element.find("value")
            assert AMOUNT.fullmatch(value.text)
            assert start <= day(value.get("value-date")) <= end
            if element.tag == "budget":
                assert (element.get("type"), element.get("status")) == ("1", "1")
                periods.append((start, end))
        # Budgets of one type must not overlap.
        periods.sort()
        for (_, end), (start, _) in itertools.pairwise(periods):
            assert end < start
        for transaction in activity.iter("transaction"):
            when = day(transaction.find("transaction-date").get("iso-date"))
            value = transaction.find("value")
            assert AMOUNT.fullmatch(value.text)
            assert day(value.get("value-date")) == when


def _one_year_after(start: dt.date) -> dt.date:
    try:
        return start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        return dt.date(start.year + 1, 3, 1)


def cents(text: str) -> int:
    """ "1206140.35" -> 120614035, exactly (no float)."""
    assert AMOUNT.fullmatch(text), text
    sign = -1 if text.startswith("-") else 1
    whole, frac = text.lstrip("-").split(".")
    return sign * (int(whole) * 100 + int(frac))
