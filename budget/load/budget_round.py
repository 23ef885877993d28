"""The budget round in scenario files: budget lines, versions and their mutations.

`[funders.X] chapter`, the commitments' budget-line fields (budget.core.lines.LINE_FIELDS),
`[scenario] version` and `stage`, and per file `[[mutations]]` and `[[cash_shifts]]`.
Every change a file makes (a commitment it states or removes, a funder or recipient it
states, a cash shift) belongs to exactly one of its mutations; a file without
[[mutations]] is one unnamed mutation. `stepwise` builds the scenario after each mutation
of a version in turn, so that each mutation's effect is the difference it makes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from pathlib import Path
from typing import Any

from budget.core.errors import Problem, excerpt, listing
from budget.core.fields import FieldReader
from budget.core.lines import BudgetLine, CashShift, Mutation, MutationType, Stage
from budget.core.model import column_of_field
from budget.load.common import Draft
from budget.load.files import Loaded, LoadedFile, load_files
from budget.load.inherit import Entry, RowEntry, merge
from budget.load.read import STDIN, STDIN_SHOWN

SCENARIO_FIELDS = {
    "version": 'the version of the budget, e.g. "1e suppletoire begroting 2015"',
    "stage": 'which document it is: "draft", "adopted", "supplementary" or "final"',
    "budget_year": "the budget year T of budget tables and budget round, e.g. 2015",
}
FUNDER_FIELDS = {"chapter": 'its budget chapter, e.g. "VI"'}
LINE_NAMES = ("article", "article_part", "instrument", "scheme", "legally_committed")
STAGES = tuple(s.value for s in Stage)
TYPES = tuple(t.value for t in MutationType)
MUTATION_FIELDS = ("id", "reason", "type", "kind", "changes")
SHIFT_FIELDS = ("commitment", "from", "to", "amount", "mutation")


def read_budget_round(draft: Draft) -> None:
    """The parse stage's reader (budget.load.parse.READERS): fills draft.budget_round with
    the Scenario fields version, stage, budget_lines, mutations and cash_shifts."""
    head = draft.head
    found: dict[str, Any] = draft.budget_round
    found["version"] = head.text("version") or ""
    stage = head.choice("stage", STAGES, "")
    found["stage"] = stage or ""
    found["budget_year"] = head.year("budget_year")
    for key, entry in draft.merged.funders.items():
        chapter = FieldReader(entry.raw, entry.file_of, entry.where, draft.problems).text("chapter")
        if chapter and key in draft.funders:
            draft.funders[key] = dataclasses.replace(draft.funders[key], chapter=chapter)
    found["budget_lines"] = _lines(draft)
    files = draft.merged.loaded
    shifts: list[CashShift] = []
    mutations: tuple[Mutation, ...] = ()
    ids = draft.merged.commitments.keys()  # every commitment read is one of these
    for index, file in enumerate(files):
        own, own_shifts = read_file_round(file, ids, draft.problems, extends=index > 0)
        shifts.extend(own_shifts)
        if index == len(files) - 1 and index > 0:
            mutations = own
    found["mutations"] = mutations
    found["cash_shifts"] = tuple(shifts)


def _lines(draft: Draft) -> dict[str, BudgetLine]:
    lines: dict[str, BudgetLine] = {}
    entries = draft.merged.commitments
    merged = draft.merged
    names = merged.fields.union(*(table.columns for table in merged.tables))
    if names.isdisjoint(LINE_NAMES):  # no commitment can have a budget line field
        return lines  # (the usual large register or file: no pass over its entries)
    # Register rows of a table without budget line columns have none: skipped by table,
    # not row by row (a register of 100,000 rows has no such columns, usually); tables of
    # a TOML file likewise when none of them has a budget line field.
    lined: dict[int, bool] = {}
    plain: list[Any] = []  # the raw tables of the entries that are not register rows
    last = None
    for each in entries.values():
        if type(each) is not RowEntry:
            plain.append(each.raw)
        elif each.table is not last:
            last = each.table
            if id(last) not in lined:
                lined[id(last)] = any(n in last.columns for n in LINE_NAMES)
    plain_lined = bool(plain) and not set().union(*plain).isdisjoint(LINE_NAMES)
    if not plain_lined and not any(lined.values()):
        return lines
    for cid in column_of_field(draft.commitments, "id"):
        entry = entries.get(cid)
        if entry is None:
            continue
        if not (lined[id(entry.table)] if type(entry) is RowEntry else plain_lined):
            continue
        raw = entry.raw
        if raw.keys().isdisjoint(LINE_NAMES) or all(raw.get(n) is None for n in LINE_NAMES):
            continue
        reader = FieldReader(raw, entry.file_of, entry.where, draft.problems)
        lines[cid] = BudgetLine(
            article=reader.text("article") or "",
            article_part=reader.text("article_part") or "",
            instrument=reader.text("instrument") or "",
            scheme=reader.text("scheme") or "",
            legally_committed=reader.date("legally_committed"),
        )
    return lines


def file_changes(file: LoadedFile) -> dict[str, str]:
    """What a file changes: commitment ids and funder or recipient keys -> what they are."""
    changes: dict[str, str] = {}
    items = file.raw.get("commitments", [])
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            changes[item["id"]] = "commitment"
    if file.register is not None and file.register.table is not None:
        for cid in file.register.table.columns.get("id") or []:
            if isinstance(cid, str):
                changes[cid] = "commitment"
    head = file.raw.get("scenario", {})
    remove = head.get("remove", []) if isinstance(head, dict) else []
    for cid in remove if isinstance(remove, list) else []:
        if isinstance(cid, str):
            changes[cid] = "commitment"
    for section in ("funders", "recipients"):
        table = file.raw.get(section, {})
        for key in table if isinstance(table, dict) else {}:
            changes.setdefault(key, section[:-1])
    # An index update: the [indices.NAME] series a file states (issue 23, item 4).
    indices = file.raw.get("indices", {})
    for key in indices if isinstance(indices, dict) else {}:
        changes.setdefault(key, "index")
    return changes


def read_file_round(
    file: LoadedFile, ids: Collection[str], problems: list[Problem], *, extends: bool
) -> tuple[tuple[Mutation, ...], list[CashShift]]:
    """One file's [[mutations]] and [[cash_shifts]], checked: every change the file makes
    is owned by exactly one mutation, and every mutation names something it changes."""
    shown = file.shown
    raw_mutations = _tables(file, "mutations", problems)
    raw_shifts = _tables(file, "cash_shifts", problems)
    mutations: list[Mutation] = []
    for i, item in enumerate(raw_mutations, 1):
        mutation = _mutation(shown, i, item, problems)
        if mutation is not None:
            if any(m.id == mutation.id for m in mutations):
                problems.append(Problem(shown, f"mutation {mutation.id!r}", "the id is used twice"))
                continue
            mutations.append(mutation)
    shifts = [
        s
        for i, item in enumerate(raw_shifts, 1)
        if (s := _shift(shown, i, item, ids, problems, bool(raw_mutations))) is not None
    ]
    if not raw_mutations:
        if not extends:
            return (), shifts
        unnamed = Mutation("", "", MutationType.POLICY, "", tuple(file_changes(file)))
        return (unnamed,), shifts
    if not extends:
        problems.append(
            Problem(
                shown,
                "[[mutations]]",
                "lists mutations, but the file extends no version",
                'mutations are changes to the version a file extends: add extends = "..."',
            )
        )
        return (), shifts
    changes = file_changes(file)
    owner: dict[str, str] = {}
    by_id = {m.id for m in mutations}
    for shift in shifts:
        if shift.mutation not in by_id:
            problems.append(
                Problem(
                    shown,
                    f"cash shift of {shift.commitment!r}, field 'mutation'",
                    f"{excerpt(shift.mutation)} is not a mutation of this file",
                    "mutations here are " + (listing(by_id) or "none"),
                )
            )
    shifted = {s.mutation for s in shifts}
    for mutation in mutations:
        where = f"mutation {mutation.id!r}, field 'changes'"
        for change in mutation.changes:
            if change not in changes:
                problems.append(
                    Problem(
                        shown,
                        where,
                        f"{excerpt(change)} is not changed by this file",
                        "name commitment ids and funder or recipient keys that this file "
                        "states: " + (listing(changes) or "none"),
                    )
                )
            elif change in owner:
                problems.append(
                    Problem(
                        shown,
                        where,
                        f"{excerpt(change)} is owned by mutation {owner[change]!r} too",
                        "every change belongs to exactly one mutation",
                    )
                )
            else:
                owner[change] = mutation.id
        if not mutation.changes and mutation.id not in shifted:
            problems.append(
                Problem(
                    shown,
                    where,
                    "names nothing that the file changes",
                    "list the commitment ids or funder or recipient keys it changes, "
                    "or name it in a [[cash_shifts]] mutation",
                )
            )
    mutations = [_indexation_kind(m, changes) for m in mutations]
    for change, what in changes.items():
        if change not in owner:
            problems.append(
                Problem(
                    shown,
                    f"{what} {change!r}",
                    "is changed by this file, but no mutation owns the change",
                    f"add {change!r} to the changes of one [[mutations]]",
                )
            )
    return tuple(mutations), shifts


INDEXATION = "indexation"


def _indexation_kind(mutation: Mutation, changes: dict[str, str]) -> Mutation:
    """A mutation that owns an index series and names no kind is of kind "indexation"."""
    if mutation.kind or not any(changes.get(c) == "index" for c in mutation.changes):
        return mutation
    return dataclasses.replace(mutation, kind=INDEXATION)


def _tables(file: LoadedFile, section: str, problems: list[Problem]) -> list[dict[str, Any]]:
    items = file.raw.get(section, [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        problems.append(
            Problem(
                file.shown, f"[[{section}]]", "must be a list of tables", f"write [[{section}]]"
            )
        )
        return []
    return items


def _reader(shown: str, where: str, raw: dict[str, Any], problems: list[Problem]) -> FieldReader:
    return FieldReader(raw, lambda _: shown, lambda f: f"{where}, field {f!r}", problems)


def _unknown(reader: FieldReader, allowed: tuple[str, ...], what: str) -> None:
    for key in reader.raw:
        if key not in allowed:
            reader.error(key, "is not a field here", f"{what} takes " + ", ".join(allowed))


def _mutation(shown: str, i: int, raw: dict[str, Any], problems: list[Problem]) -> Mutation | None:
    label = raw.get("id") if isinstance(raw.get("id"), str) else f"#{i}"
    reader = _reader(shown, f"mutation {label!r}", raw, problems)
    before = len(problems)
    _unknown(reader, MUTATION_FIELDS, "a mutation")
    mid = _required_text(reader, "id", 'name the mutation, e.g. id = "eu-sin"')
    reason = _required_text(reader, "reason", 'say why, e.g. reason = "EU subsidy awarded"')
    if not reader.has("type"):
        reader.error("type", "is missing", 'use "policy" or "technical"')
    kind = reader.choice("type", TYPES, "")
    changes = raw.get("changes", [])
    if not isinstance(changes, list) or not all(isinstance(c, str) for c in changes):
        reader.error("changes", "must be a list of ids and keys", 'e.g. changes = ["eu-sin"]')
        changes = []
    if len(problems) > before or not mid or not reason or not kind:
        return None
    return Mutation(mid, reason, MutationType(kind), reader.text("kind") or "", tuple(changes))


def _required_text(reader: FieldReader, name: str, hint: str) -> str | None:
    """A text field that must be given and not empty (else a problem with `hint`)."""
    if not reader.has(name):
        reader.error(name, "is missing", hint)
        return None
    text = reader.text(name)
    if text == "":
        reader.error(name, "is empty", hint)
        return None
    return text


def _shift(
    shown: str,
    i: int,
    raw: dict[str, Any],
    ids: Collection[str],
    problems: list[Problem],
    named: bool,
) -> CashShift | None:
    label = raw.get("commitment") if isinstance(raw.get("commitment"), str) else f"#{i}"
    reader = _reader(shown, f"cash shift {i} of {label!r}", raw, problems)
    before = len(problems)
    _unknown(reader, SHIFT_FIELDS, "a cash shift")
    cid = _required_text(reader, "commitment", "the id of the commitment whose cash moves")
    if cid is not None and cid not in ids:
        reader.error("commitment", f"{excerpt(cid)} is not a commitment", listing(ids))
    first = reader.year("from", required=True)
    second = reader.year("to", required=True)
    if first is not None and first == second:
        reader.error("to", f"is {second}, the year it moves from", "give another year")
    amount = reader.amount("amount", required=True)
    if amount is not None and amount <= 0:
        reader.error("amount", "must be more than 0", "a shift moves cash; swap from and to")
    hint = "the id of the [[mutations]] entry that owns this shift"
    mutation = (
        _required_text(reader, "mutation", hint) if named else reader.text("mutation")
    ) or ""
    if len(problems) > before or cid is None or first is None or second is None:
        return None
    assert amount is not None
    return CashShift(cid, first, second, amount, mutation, shown)


def extends_path(path: str) -> Path | None:
    """The file that the scenario file at `path` extends, resolved (None: none)."""
    loaded = load_files(Path(path), path)
    if len(loaded.files) < 2:
        return None
    head = loaded.files[-1].raw.get("scenario", {})
    base = head.get("extends") if isinstance(head, dict) else None
    return (Path(path).parent / base).resolve() if isinstance(base, str) else None


def stepwise(path: str, mutations: tuple[Mutation, ...]) -> list[Loaded]:
    """The version at `path` after each of its first k mutations, k = 1 .. n - 1, as files
    to merge and build: the last file keeps only the entries the first k mutations own."""
    shown = STDIN_SHOWN if Path(path) == STDIN else path
    loaded = load_files(Path(path), shown)
    last = loaded.files[-1]
    steps: list[Loaded] = []
    for k in range(1, len(mutations)):
        owned = {c for m in mutations[:k] for c in m.changes}
        ids = {m.id for m in mutations[:k]}
        steps.append(Loaded((*loaded.files[:-1], _only(last, owned, ids)), loaded.problems))
    return steps


def _only(file: LoadedFile, owned: set[str], mutations: set[str]) -> LoadedFile:
    raw = dict(file.raw)
    raw.pop("mutations", None)
    items = raw.get("commitments", [])
    if isinstance(items, list):
        raw["commitments"] = [i for i in items if isinstance(i, dict) and i.get("id") in owned]
    for section in ("funders", "recipients", "indices"):
        table = raw.get(section)
        if isinstance(table, dict):
            raw[section] = {k: v for k, v in table.items() if k in owned}
    head = dict(raw.get("scenario", {}))
    if isinstance(head.get("remove"), list):
        head["remove"] = [r for r in head["remove"] if r in owned]
    register = file.register
    ids = set(register.table.columns.get("id") or []) if register and register.table else set()
    if register is not None and not owned & ids:
        head.pop("register", None)
        register = None
    raw["scenario"] = head
    shifts = raw.get("cash_shifts", [])
    if isinstance(shifts, list):
        raw["cash_shifts"] = [
            s for s in shifts if isinstance(s, dict) and s.get("mutation") in mutations
        ]
    return LoadedFile(file.shown, raw, register)


__all__ = ["Entry", "merge", "read_budget_round", "stepwise"]
