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


def test_a_recovery_is_a_negative_disbursement(tmp_path: Path, iati_schema) -> None:
    bookings = tmp_path / "recovered.csv"
    bookings.write_text(
        "date,commitment,funder,basis,amount,reference\n"
        "2014-05-01,bz-tdh-ecpat,BZ,cash,1700000.00,BZ-1\n"
        "2016-02-01,bz-tdh-ecpat,BZ,receipts,150000.00,BZ-2\n",
        encoding="utf-8",
    )
    scenario = tmp_path / "settled-iati.toml"
    scenario.write_text(
        "[scenario]\n"
        f'extends = "{(SCENARIOS / "bz-advance-80.toml").as_posix()}"\n'
        'actuals = "recovered.csv"\n'
        'reporting_org = { ref = "XM-DAC-7", name = "Ministry of Foreign Affairs", '
        'type = "10" }\n'
        '[[commitments]]\nid = "bz-tdh-ecpat"\n'
        'settled = { year = 2016, amount = "1500000.00" }\n',
        encoding="utf-8",
    )
    out = tmp_path / "activities.xml"
    result = invoke("export", scenario, "--to", "iati", "-o", out)
    assert result.exit_code == 0, result.output
    iati_schema.validate(str(out))
    tree = ET.parse(out)
    (bz,) = [
        a
        for a in tree.iter("iati-activity")
        if a.findtext("iati-identifier", "").endswith("bz-tdh-ecpat")
    ]
    values = [
        (tx.find("transaction-type").get("code"), tx.findtext("value"))  # type: ignore[union-attr]
        for tx in bz.iter("transaction")
    ]
    # 1,700,000.00 paid, then 150,000.00 received back: a disbursement of -150,000.00
    assert values == [("3", "1700000.00"), ("3", "-150000.00")]
