"""The command line fit for the office: -o by extension, standard input, excel-csv, exit
statuses, init, and the rough edges a new user hits."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from importlib import resources

import pytest
from click.testing import CliRunner

import budget.cli.group
import budget.cli.run
from budget.cli import cli
from tests.helpers import LETTER, SCENARIOS, child_env, invoke, write_file

UNCERTAIN = SCENARIOS / "letter-2014-uncertain.toml"
REALISED = SCENARIOS / "letter-2014-realised.toml"

SMALL = """
[scenario]
name = "Small"
first_year = 2015
last_year = 2016
[funders.VenJ]
name = "VenJ"
[recipients.R]
name = "R"
[[commitments]]
id = "{id}"
kind = "annual"
recipient = "R"
funders = {{ VenJ = "1" }}
first_year = 2015
last_year = 2016
amount = "{amount}"
{extra}
"""


def small(id: str = "a", amount: str = "1234.50", extra: str = "") -> str:
    return SMALL.format(id=id, amount=amount, extra=extra)


# --- -o by extension ------------------------------------------------------------------------

COMMANDS = {
    "run": [LETTER],
    "compare": [LETTER, SCENARIOS / "sin-eu-grant.toml"],
    "simulate": [UNCERTAIN, "--draws", "20", "--seed", "3"],
    "actuals": [REALISED],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("fmt", ["csv", "json", "excel-csv"])
def test_o_writes_the_rows_by_extension(tmp_path, command, fmt):
    suffix = ".json" if fmt == "json" else ".csv"
    target = tmp_path / f"out{suffix}"
    printed = invoke(command, *COMMANDS[command], "--format", fmt)
    written = invoke(command, *COMMANDS[command], "--format", fmt, "-o", target)
    assert printed.exit_code == 0 and written.exit_code == 0, written.output
    assert target.read_bytes() == printed.stdout_bytes
    assert f"Wrote {target}" in written.stderr


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_o_csv_is_the_exact_csv_whatever_is_printed(tmp_path, command):
    target = tmp_path / "rows.csv"
    result = invoke(command, *COMMANDS[command], "-o", target)
    assert result.exit_code == 0, result.output
    assert (
        target.read_bytes() == invoke(command, *COMMANDS[command], "--format", "csv").stdout_bytes
    )
    assert not result.stdout.startswith("scenario,")  # the table, as without -o


def test_o_xlsx_writes_a_workbook(tmp_path):
    target = tmp_path / "out.XLSX"
    assert invoke("run", LETTER, "-o", target).exit_code == 0
    assert zipfile.is_zipfile(target)


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("out.txt", "a workbook (.xlsx), the CSV rows (.csv) or the JSON rows (.json)"),
        ("out", "a workbook (.xlsx), the CSV rows (.csv) or the JSON rows (.json)"),
        ("-", "--format csv, excel-csv or json"),
        ("", "the file name is empty"),
        ("name.xlsx/", "names a folder, not a file"),
    ],
)
def test_o_wrong_usage_is_exit_2(tmp_path, command, name, says):
    result = invoke(command, *COMMANDS[command], "-o", name)
    assert result.exit_code == 2, result.output
    assert says in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_o_never_writes_over_an_input(tmp_path, scenario_file):
    actuals = tmp_path / "actuals.csv"
    actuals.write_text("date,commitment,funder,amount\n2015-02-01,a,VenJ,10.00\n")
    before = actuals.read_bytes()
    text = small().replace("[funders", f'actuals = "{actuals}"\n[funders', 1)
    result = invoke("run", scenario_file(text), "-o", actuals)
    assert result.exit_code == 1
    assert f"{actuals}: is an input of this scenario" in result.stderr
    assert actuals.read_bytes() == before


# --- lock files of spreadsheet programs ----------------------------------------------------


@pytest.mark.parametrize("lock", ["~$budget.xlsx", "~$dget.xlsx", ".~lock.budget.xlsx#"])
def test_a_target_open_in_a_spreadsheet_program_is_refused(tmp_path, lock):
    target = tmp_path / "budget.xlsx"
    target.write_bytes(b"old")
    (tmp_path / lock).write_bytes(b"")
    result = invoke("run", LETTER, "-o", target)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{target}: is it open in a spreadsheet program? ({lock} is beside it) "
        "(hint: close it there and try again, or choose another output file)\n"
    )
    assert target.read_bytes() == b"old"


def test_a_lock_of_another_file_does_not_matter(tmp_path):
    (tmp_path / ".~lock.other.xlsx#").write_bytes(b"")
    assert invoke("run", LETTER, "-o", tmp_path / "budget.xlsx").exit_code == 0


# --- standard input -------------------------------------------------------------------------


def test_scenario_from_standard_input(tmp_path, monkeypatch):
    text = LETTER.read_text(encoding="utf-8")
    from_file = invoke("run", LETTER, "--format", "json")
    from_stdin = invoke("run", "-", "--format", "json", input=text)
    assert from_stdin.exit_code == 0
    assert from_stdin.stdout == from_file.stdout


def test_paths_in_standard_input_are_relative_to_the_working_folder(
    tmp_path, scenario_file, monkeypatch
):
    (tmp_path / "base").mkdir()
    write_file(tmp_path / "base", small(), "base.toml")
    monkeypatch.chdir(tmp_path)
    child = '[scenario]\nextends = "base/base.toml"\nname = "child"\n'
    result = invoke("run", "-", "--format", "csv", input=child)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].startswith("child,a,R,VenJ,annual,commitment,2015,")


def test_problems_in_standard_input_are_named_stdin():
    result = invoke("validate", "-", input=small(amount="1.001"))
    assert result.exit_code == 1
    assert result.stderr.startswith("<stdin>: commitment 'a', field 'amount': ")


@pytest.mark.parametrize("command", ["compare", "validate"])
def test_standard_input_is_read_once_only(command):
    result = invoke(command, "-", "-", input=small())
    assert result.exit_code == 2
    assert "standard input (-) can be read only once" in result.stderr


# --- CSV for spreadsheet users --------------------------------------------------------------


def test_excel_csv_bom_semicolons_decimal_comma_and_no_formulas(scenario_file):
    text = small(id="=cmd|calc", amount="1234.50").replace('name = "Small"', 'name = "-2+3"')
    result = invoke("run", scenario_file(text), "--format", "excel-csv")
    assert result.exit_code == 0, result.output
    data = result.stdout_bytes
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == (
        "scenario;commitment;recipient;funder;kind;basis;year;year_label;currency;amount;"
        "amount_cents"
    )
    assert lines[1] == "'-2+3;'=cmd|calc;R;VenJ;annual;commitment;2015;2015;EUR;1234,50;123450"
    assert lines[-1] == ""


def test_excel_csv_keeps_negative_amounts_numbers(tmp_path):
    import pandas as pd

    from budget.render.csvtext import frame_csv

    frame = pd.DataFrame(
        {"who": ["@SUM(A1)", "\tx", "plain", "+1"], "amount": ["-12.50", "0.00", "7.00", "-1"]}
    )
    assert frame_csv(frame, "excel-csv") == (
        "\ufeffwho;amount\r\n'@SUM(A1);-12,50\r\n'\tx;0,00\r\nplain;7,00\r\n'+1;-1\r\n"
    )


def test_a_carriage_return_in_a_text_field_is_quoted(scenario_file):
    text = small().replace('name = "Small"', 'name = "Plan\\rB"')
    for fmt in ("csv", "excel-csv"):
        result = invoke("run", scenario_file(text), "--format", fmt)
        assert result.exit_code == 0, result.output
        body = result.stdout_bytes.decode("utf-8-sig")
        assert '"Plan\rB"' in body
        rows = list(
            csv.reader(io.StringIO(body, newline=""), delimiter=";" if "excel" in fmt else ",")
        )
        assert len(rows) == 1 + 2 * 2  # header, two years on two bases
        assert all(row[0] == "Plan\rB" for row in rows[1:])


def test_simulation_csv_in_excel_flavour(tmp_path):
    result = invoke("simulate", UNCERTAIN, "--draws", "20", "--seed", "3", "--format", "excel-csv")
    assert result.exit_code == 0
    lines = result.stdout_bytes.decode("utf-8-sig").split("\r\n")
    assert lines[0].startswith("scenario;level;commitment;")
    plain = invoke("simulate", UNCERTAIN, "--draws", "20", "--seed", "3", "--format", "csv")
    first = next(csv.reader(io.StringIO(plain.stdout.splitlines()[1])))
    assert lines[1].split(";") == [v.replace(".", ",") if v[:1].isdigit() else v for v in first]


# --- exit statuses --------------------------------------------------------------------------


def test_strict_run_exits_3_on_a_breach(scenario_file):
    path = scenario_file(small(extra='[[limits]]\nfunder = "VenJ"\nmax = "1000.00"\n'))
    assert invoke("run", path).exit_code == 0
    result = invoke("run", path, "--strict")
    assert result.exit_code == 3
    assert "is above the ceiling" in result.stderr
    fine = scenario_file(small(extra='[[limits]]\nfunder = "VenJ"\nmax = "1234.50"\n'), "ok.toml")
    assert invoke("run", fine, "--strict").exit_code == 0


def test_strict_actuals_exits_3_on_a_breach(scenario_file):
    text = f'[scenario]\nextends = "{REALISED}"\nname = "strict"\n'
    path = scenario_file(text + '[[limits]]\nfunder = "VenJ"\nmax = "1.00"\n', "r.toml")
    assert invoke("actuals", path).exit_code == 0
    result = invoke("actuals", path, "--strict")
    assert result.exit_code == 3
    assert "is above the ceiling" in result.stderr


def test_an_internal_error_is_exit_70_and_one_line(monkeypatch):
    def broken(scenario):
        raise ZeroDivisionError("oops")

    monkeypatch.setattr(budget.cli.run, "project", broken)
    monkeypatch.delenv("BUDGET_DEBUG", raising=False)
    result = invoke("run", LETTER)
    assert result.exit_code == 70
    assert result.stderr == (
        "budget: internal error: ZeroDivisionError: oops (this is a bug; please report it "
        "with the command you ran; run it again with --debug for details)\n"
    )
    debug = CliRunner().invoke(cli, ["--debug", "run", str(LETTER)])
    assert isinstance(debug.exception, ZeroDivisionError)
    monkeypatch.setenv("BUDGET_DEBUG", "1")
    assert isinstance(invoke("run", LETTER).exception, ZeroDivisionError)


@pytest.mark.slow  # six Python processes; in-process, the statuses are checked above
def test_the_console_script_exit_statuses(tmp_path):
    def status(*args: object, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", "from budget.cli.group import main; main()", *map(str, args)],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=child_env(),
            check=False,
        )

    assert status("run", LETTER).returncode == 0
    assert status("validate", "-", stdin="x").returncode == 1
    assert status("run", "--nope").returncode == 2
    assert status("run", LETTER, "-o", "x.txt").returncode == 2
    checked = status("check", UNCERTAIN, "--examples", "50")
    assert checked.returncode == 3, checked.stdout
    assert status("--help").returncode == 0


def test_ctrl_c_is_130(monkeypatch, capsys):
    def interrupted(**kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(budget.cli.group.cli, "main", interrupted)
    monkeypatch.setattr(budget.cli.group.signal, "signal", lambda *args: None)  # keep SIGTERM as is
    with pytest.raises(SystemExit) as stopped:
        budget.cli.group.main()
    assert stopped.value.code == 130
    assert "budget: interrupted" in capsys.readouterr().err


def test_help_documents_the_exit_statuses():
    text = invoke("--help").stdout
    for line in ("1   invalid input", "2   wrong usage", "3   a breach found by check", "70  an"):
        assert line in text


# --- rough edges ----------------------------------------------------------------------------


def test_indexation_above_1_without_percent_is_an_error(scenario_file):
    result = invoke("validate", scenario_file(small(extra='indexation = "2"')))
    assert result.exit_code == 1
    assert "field 'indexation': '2' is a rate above 100% a year" in result.stderr
    assert "did you mean 2%?" in result.stderr
    for fine in ('"150%"', '"2%"', '"0.02"', '"1"'):
        ok = invoke("validate", scenario_file(small(extra=f"indexation = {fine}")))
        assert ok.exit_code == 0, (fine, ok.output)


def test_indexation_150_percent_is_applied(scenario_file):
    result = invoke("run", scenario_file(small(extra='indexation = "150%"')), "--format", "csv")
    amounts = [line.split(",")[-1] for line in result.stdout.splitlines()[1:]]
    # 1,234.50 in 2015, then 2.5 times that: 3,086.25.
    assert amounts == ["123450", "308625", "123450", "308625"]


GRANT = """
[scenario]
name = "G"
[funders.BZ]
name = "BZ"
[recipients.R]
name = "R"
[[commitments]]
id = "g"
kind = "grant"
recipient = "R"
funders = { BZ = "1" }
total = "1000.00"
start = 2015-01-01
end = 2017-01-01
"""


def test_allocation_with_advance_is_an_error(scenario_file):
    both = scenario_file(GRANT + 'allocation = "months"\nadvance = "0.8"\n')
    result = invoke("validate", both)
    assert result.exit_code == 1
    assert "commitment 'g', field 'allocation': is set together with advance" in result.stderr
    assert "the advance share is paid in the first fiscal year" in result.stderr
    for fine in ('advance = "0.8"\n', 'allocation = "months"\n'):
        assert invoke("validate", scenario_file(GRANT + fine)).exit_code == 0


def test_an_advance_may_replace_an_inherited_allocation(scenario_file):
    scenario_file(GRANT + 'allocation = "months"\n', "base.toml")
    child = '[scenario]\nextends = "base.toml"\n[[commitments]]\nid = "g"\nadvance = "0.8"\n'
    result = invoke("run", scenario_file(child), "--format", "csv")
    assert result.exit_code == 0, result.output
    cash = [line.rsplit(",", 1)[1] for line in result.stdout.splitlines() if ",cash," in line]
    # 80% of 1,000.00 in the first year; the rest in the year after the period's last.
    assert cash == ["80000", "0", "20000"]


def test_check_reports_examples_and_shrinking_steps_apart(tmp_path):
    result = invoke("check", UNCERTAIN, "--examples", "10")
    assert result.exit_code == 3
    (line,) = [x for x in result.stdout.splitlines() if x.startswith("Found inputs")]
    searched = int(line.split("after searching ")[1].split(" example")[0])
    assert 1 <= searched <= 10
    assert "(of at most 10; --examples)" in line
    assert " step" in line.split("smallest in ")[1]


def test_simulate_without_uncertain_inputs_says_so(scenario_file):
    result = invoke("simulate", scenario_file(small()), "--draws", "5", "--seed", "1")
    assert result.exit_code == 0
    assert "Note: Small has no uncertain inputs: every draw is the same projection" in (
        result.stderr
    )
    uncertain = invoke("simulate", UNCERTAIN, "--draws", "5", "--seed", "1")
    assert "no uncertain inputs" not in uncertain.stderr


# --- budget init ----------------------------------------------------------------------------


def test_init_writes_a_starter_that_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("init")
    assert result.exit_code == 0
    starter = tmp_path / "scenario.toml"
    text = starter.read_text(encoding="utf-8")
    for kind in ("top_up", "annual", "grant"):
        assert f'kind = "{kind}"' in text
    assert "[[limits]]" in text and "assumptions = [" in text and text.count("\n#") > 5
    run = invoke("run", "scenario.toml", "--format", "json")
    assert run.exit_code == 0, run.output
    assert {r["kind"] for r in json.loads(run.stdout)} == {"top_up", "annual", "grant"}
    assert invoke("check", "scenario.toml").exit_code == 0


def test_init_never_overwrites(tmp_path):
    target = tmp_path / "mine.toml"
    target.write_text("keep", encoding="utf-8")
    result = invoke("init", target)
    assert result.exit_code == 1
    assert "already exists; refusing to overwrite it" in result.stderr
    assert target.read_text(encoding="utf-8") == "keep"


def test_init_to_standard_output():
    result = invoke("init", "-")
    assert result.exit_code == 0
    starter = resources.files("budget").joinpath("data", "starter.toml")
    assert result.stdout == starter.read_text(encoding="utf-8")
