"""budget explain: how each amount of one commitment was computed, step by step."""

from __future__ import annotations

from typing import Any

import click

from budget.cli.common import count_pending, fail, load_or_fail, pending_option, scenario_argument
from budget.cli.outputs import emit, show
from budget.core.model import Scenario
from budget.load import read_scenario
from budget.render.explain import EXPLANATION
from budget.render.formats import laid_out


class DashedIds(click.Command):
    """A command whose argument may begin with one dash (a commitment id "-1"): a token
    such as "-1" that is no option is an argument; an unknown "--word" is still an error
    (a mistyped option), with click's message and close matches."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        known = {name for p in self.get_params(ctx) for name in p.opts + p.secondary_opts}
        for arg in args:
            if arg == "--":
                break
            name = arg.split("=", 1)[0]
            if name.startswith("--") and name not in known:
                close = [n for n in sorted(known) if n.startswith("--")]
                raise click.NoSuchOption(name, possibilities=close, ctx=ctx)
        return super().parse_args(ctx, args)


@click.command(cls=DashedIds, context_settings={"ignore_unknown_options": True})
@scenario_argument()
@click.argument("commitment")
@click.option(
    "--year", type=int, help="Explain only this fiscal year (named after the year it ends in)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice([f.value for f in EXPLANATION]),
    default="table",
    show_default=True,
    help="table: a worked calculation; json: the same inputs, steps and results as data.",
)
@click.option(
    "--actuals",
    "files",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="An actuals file; repeat for more (default: the scenario's actuals). With actuals, "
    "the table and the JSON also show how each forecast figure was reached, rule by rule.",
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The date up to which the actuals are complete (default: the scenario's as_of, "
    "else the latest booking).",
)
@pending_option()
def explain(
    scenario: str,
    commitment: str,
    year: int | None,
    fmt: str,
    files: tuple[str, ...] = (),
    as_of: Any = None,
    pending: str = "none",
) -> None:
    """Explain how each amount of COMMITMENT in SCENARIO was computed, step by step.

    For every fiscal year of the commitment (or only --year): each input with the file and
    field it came from, marked when it is an assumption or the central value of an
    uncertain input; the working (a top-up's shortfall and caps; an annual amount's
    indexation and rounding; a grant's days or months per year, exact shares and leftover
    cents, advance and settlement); the result on the commitment and cash basis; and how
    it is split over the funders (exact parts, rounded down, the leftover cents). With
    actuals (--actuals FILE, or the scenario's), the table ends with each forecast figure
    and the rule that gave it, worked with the figures (the JSON with its "forecast" rows).

    COMMITMENT may begin with a dash (budget explain my.toml -1); a word after -- is
    always COMMITMENT (budget explain my.toml -- --year).

    \b
        budget explain scenarios/letter-2014.toml bz-tdh-ecpat
        budget explain scenarios/letter-2014.toml sin-top-up --year 2015 --format json
        budget explain scenarios/letter-2014-realised.toml bz-tdh-ecpat
    """
    # imported here: start-up time
    from budget.reports.explain import explain as explain_commitment

    loaded, notes = pending_view(load_for(scenario, commitment), commitment, pending)
    explanation, problems = explain_commitment(loaded, commitment, year)
    if explanation is None:
        fail(problems)
    found = explanation

    def pending_notes() -> None:
        for note in notes:  # pending commitments left out (issue 23)
            click.echo(note, err=True)

    if not (files or loaded.actuals) or fmt not in ("table", "json"):
        show(laid_out(EXPLANATION, lambda: found), fmt)
        pending_notes()
        return
    # the whole scenario: the actuals files book on every commitment
    whole = load_or_fail(scenario)
    steps, complete = _forecast_working(whole, commitment, list(files) or None, as_of, year)
    if fmt == "json":
        # imported here: start-up time
        from budget.render.explain import explanation_json, forecast_rows

        emit(explanation_json(found, forecast_rows(found, steps, complete)), fmt)
        pending_notes()
        return
    from budget.render.realisation_text import forecast_working_text

    show(laid_out(EXPLANATION, lambda: found), fmt)
    pending_notes()
    click.echo("")
    click.echo(forecast_working_text(steps, commitment, complete))


def _forecast_working(
    scenario: Any, commitment: str, files: list[str] | None, as_of: Any, year: int | None
) -> tuple[list[Any], str | None]:
    """The forecast of one commitment against the actuals, rule by rule (`ForecastStep`s),
    and the date the actuals are complete up to."""
    # imported here: start-up time
    from budget.cli.forecast import realise_or_fail
    from budget.engine.realised import actuals_frame
    from budget.reports.explain.forecast import forecast_steps

    realised = realise_or_fail(scenario, files, as_of.date() if as_of else None)
    steps = forecast_steps(scenario, realised, actuals_frame(scenario, files), commitment)
    if year is not None:
        steps = [s for s in steps if s.year == year]
    return steps, realised.attrs.get("as_of")


def pending_view(scenario: Scenario, commitment: str, mode: str) -> tuple[Scenario, list[str]]:
    """The scenario as --pending counts it, and its notes (issue 23). Under none, a pending
    commitment that is itself explained stays in, counted as decided, and a note says so:
    the others are left out as in every output."""
    import dataclasses

    from budget.engine.pending import with_pending

    counted, notes = count_pending(scenario, mode)
    mine = [c for c in scenario.commitments if c.id == commitment]
    if mode != "none" or not mine or mine[0].pending is None or not mine[0].pending.p:
        return counted, notes
    kept = {c.id for c in counted.commitments}
    decided = {c.id: c for c in with_pending(scenario, "all").commitments}
    commitments = tuple(
        decided[c.id] if c.id == commitment else c
        for c in scenario.commitments
        if c.id in kept or c.id == commitment
    )
    notes.append(
        f"note: {commitment!r} is pending: its working is shown as decided (--pending none "
        "leaves it out of every total; --pending expected counts it at p)"
    )
    return dataclasses.replace(counted, commitments=commitments), notes


def load_for(path: str, commitment: str) -> Scenario:
    """The scenario with only the commitments that explaining `commitment` reads (issue 21:
    one commitment of a 100,000-row register is explained without checking and building
    the others): the commitment itself, and for a top-up that derives its shortfall every
    commitment to its recipient (`budget.reports.explain.build.affecting`). The files are
    read and merged whole. Problems of the commitments left out are not reported (validate
    lists them). A commitment that is not there, and standard input (read once), get the
    whole load, so that messages are those of any command."""
    from budget.kinds import KINDS  # imported here, as the command's other modules

    if path == "-":
        return load_or_fail(path)
    found, problems = read_scenario(path, only=lambda cid, _: cid == commitment)
    if found is None:
        fail(problems)
    mine = [c for c in found.commitments if c.id == commitment]
    if not mine:
        return load_or_fail(path)  # no such commitment: worded with the scenario's ids
    if not KINDS[mine[0].kind].derives_shortfall(mine[0].spec):
        return found
    recipient = mine[0].recipient
    found, problems = read_scenario(path, only=lambda cid, to: cid == commitment or to == recipient)
    if found is None:
        fail(problems)
    return found
