"""What a scenario says about publishing it as open data: the reporting organisation.

`[scenario] reporting_org = { ref = "XM-DAC-7", name = "...", type = "10" }`: the IATI
organisation identifier, the name and an IATI OrganisationType code. Funders and
recipients may carry `iati_ref`, their own IATI organisation identifiers, and `iati_type`.

The [scenario] fields of EXPORT_FIELDS (the defaults of the commitments' sector and
recipient country or region, and the `iati` table of activity-wide codes) are kept as
written, with their files: the IATI export checks them against the codelists it ships.
"""

from __future__ import annotations

from typing import Any

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

EXPORT_FIELDS = {
    "sector": "the default DAC 5-digit sector of the commitments (IATI exports)",
    "sector_vocabulary": 'the default sector vocabulary: "1" DAC 5-digit or "2" DAC 3-digit',
    "recipient_country": "the default recipient country of the commitments (IATI exports)",
    "recipient_region": "the default recipient region of the commitments (IATI exports)",
    "iati": "activity-wide IATI codes: { aid_type, finance_type, flow_type, tied_status, "
    "collaboration_type, last_updated }",
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


def read_export_fields(head: FieldReader) -> dict[str, tuple[Any, str]]:
    """The [scenario] fields of EXPORT_FIELDS that are given, as written, with their files."""
    return {name: (head.raw[name], head.file_of(name)) for name in EXPORT_FIELDS if head.has(name)}


def check_organisation_type(reader: FieldReader, name: str) -> str:
    """The OrganisationType code in field `name` ("" when absent or wrong; a wrong one is
    a problem). A whole number is taken as its digits."""
    if not reader.has(name):
        return ""
    value = reader.raw[name]
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or value.strip() not in ORGANISATION_TYPES:
        reader.error(
            name,
            f"{value!r} is not an IATI organisation type",
            "use one of " + ", ".join(f"{c} ({n})" for c, n in ORGANISATION_TYPES.items()),
        )
        return ""
    return value.strip()
