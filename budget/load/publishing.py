"""What a scenario says about publishing it as open data: the reporting organisation.

`[scenario] reporting_org = { ref = "XM-DAC-7", name = "...", type = "10" }`: the IATI
organisation identifier, the name and an IATI OrganisationType code. Funders and
recipients may carry `iati_ref`, their own IATI organisation identifiers.
"""

from __future__ import annotations

from budget.core.fields import FieldReader
from budget.core.model import ReportingOrg

# The IATI OrganisationType codelist (version 2.03).
ORGANISATION_TYPES: dict[str, str] = {
    "10": "Government",
    "11": "Local Government",
    "15": "Other Public Sector",
    "21": "International NGO",
    "22": "National NGO",
    "23": "Regional NGO",
    "24": "Partner Country based NGO",
    "30": "Public Private Partnership",
    "40": "Multilateral",
    "60": "Foundation",
    "70": "Private Sector",
    "71": "Private Sector in Provider Country",
    "72": "Private Sector in Aid Recipient Country",
    "73": "Private Sector in Third Country",
    "80": "Academic, Training and Research",
    "90": "Other",
}

EXAMPLE = 'reporting_org = { ref = "XM-DAC-7", name = "Ministry of Foreign Affairs", type = "10" }'
FIELDS = ("ref", "name", "type")


def read_reporting_org(head: FieldReader) -> ReportingOrg | None:
    """`[scenario] reporting_org`, or None when absent or wrong (a problem is recorded)."""
    if not head.has("reporting_org"):
        return None
    raw = head.raw["reporting_org"]
    if not isinstance(raw, dict):
        head.error("reporting_org", "must be a table of ref, name and type", EXAMPLE)
        return None
    values: dict[str, str] = {}
    for key in raw:
        if key not in FIELDS:
            head.error("reporting_org", f"{key!r} is not a field here", "it takes ref, name, type")
    for key in FIELDS:
        value = raw.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and key == "type":
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            shown = "is missing" if value is None else f"{value!r} is not text"
            head.error("reporting_org", f"{key} {shown}", EXAMPLE)
            continue
        values[key] = value.strip()
    kind = values.get("type")
    if kind is not None and kind not in ORGANISATION_TYPES:
        head.error(
            "reporting_org",
            f"type {kind!r} is not an IATI organisation type",
            "use one of " + ", ".join(f"{c} ({n})" for c, n in ORGANISATION_TYPES.items()),
        )
        return None
    if len(values) < len(FIELDS):
        return None
    return ReportingOrg(values["ref"], values["name"], values["type"])
