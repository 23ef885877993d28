"""`budget export --to iati` on a scenario with actuals: its bookings become transactions."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

from tests.helpers import SCENARIOS, invoke


def test_the_realised_letter_exports_its_bookings_as_transactions(
    tmp_path: Path, iati_schema
) -> None:
    scenario = tmp_path / "realised-iati.toml"
    scenario.write_text(
        "[scenario]\n"
        f'extends = "{(SCENARIOS / "letter-2014-realised.toml").as_posix()}"\n'
        'reporting_org = { ref = "XM-DAC-7", name = "Ministry of Foreign Affairs", '
        'type = "10" }\n',
        encoding="utf-8",
    )
    out = tmp_path / "activities.xml"
    result = invoke("export", scenario, "--to", "iati", "-o", out)
    assert result.exit_code == 0, result.output
    iati_schema.validate(str(out))
    tree = ET.parse(out)
    by_activity: dict[str, dict[str, int]] = {}
    for activity in tree.iter("iati-activity"):
        ident = activity.findtext("iati-identifier") or ""
        sums = by_activity.setdefault(ident, {})
        for tx in activity.iter("transaction"):
            code = tx.find("transaction-type").get("code")  # type: ignore[union-attr]
            value = tx.findtext("value") or "0"
            sums[code] = sums.get(code, 0) + int(Decimal(value) * 100)
    # Worked from scenarios/letter-2014-actuals.csv: BZ booked the 2,000,000.00 grant
    # decision (type 2) and paid 1,000,000.00 + 206,140.35 + 500,000.00 (type 3); MKI got
    # 50,000.00 + 45,000.00 + 60,000.00 - 2,500.00 in cash and two decisions of 100,000.00;
    # SIN 33,800.00 + 33,800.00 committed and 33,800.00 paid. The two unplanned bookings
    # belong to no activity.
    assert by_activity["XM-DAC-7-bz-tdh-ecpat"] == {"2": 200_000_000, "3": 170_614_035}
    assert by_activity["XM-DAC-7-mki-support"] == {"2": 20_000_000, "3": 15_250_000}
    assert by_activity["XM-DAC-7-sin-top-up"] == {"2": 6_760_000, "3": 3_380_000}
