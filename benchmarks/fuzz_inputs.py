"""The long fuzz run of issue 13: many generated hostile files through every command.

    PYTHONPATH=. python benchmarks/fuzz_inputs.py --files 10000 [--seed 1] [--keep DIR]

Each file (tests/fuzz_files.py: numbers beyond limits, wrong shapes, files that are not
regular, values too long to quote, control characters, amounts beyond workbooks, many
funders and deep nesting, keys with white space, damaged lines) goes through `validate`,
`run`, `run -o`, `simulate` (-o) and `compare` (-o) in-process. Prints the number of
internal errors (by class and command, with the first few in full), the files per second,
the peak memory (max RSS) and the slowest file, which is kept (with every file that gave
an internal error) in --keep. A file that takes longer than --timeout seconds counts as
a hang.
"""

from __future__ import annotations

import argparse
import collections
import multiprocessing
import random
import resource
import signal
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fuzz_files import hostile_file, prepare_folder, run_commands


class Hang(BaseException):
    """A file took longer than the timeout."""


def on_alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang


def run_files(seed: int, numbers: range, timeout: int, keep: Path) -> dict[str, Any]:
    """Run the files `numbers` (each generated from its own seeded stream); the counts."""
    signal.signal(signal.SIGALRM, on_alarm)
    errors: collections.Counter[tuple[str, str]] = collections.Counter()
    first: list[str] = []
    made: collections.Counter[str] = collections.Counter()
    slowest: tuple[float, int, tuple[str, ...]] = (0.0, -1, ("",))
    durations = []
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        prepare_folder(folder)
        for number in numbers:
            hostile = hostile_file(random.Random(f"{seed}-{number}"))
            made.update(hostile.classes)
            path = folder / "scenario.toml"
            path.write_text(hostile.text, encoding="utf-8")
            began = time.perf_counter()
            signal.alarm(timeout)
            try:
                findings = run_commands(folder, path)
                hang = False
            except Hang:
                findings, hang = [], True
            finally:
                signal.alarm(0)
            took = time.perf_counter() - began
            durations.append(took)
            if took > slowest[0] and number != numbers[0]:  # the first one pays the imports
                slowest = (took, number, hostile.classes)
            if hang:
                errors[("hang", "+".join(hostile.classes))] += 1
            for finding in findings:
                errors[(finding.command, "+".join(hostile.classes))] += 1
                if len(first) < 10:
                    first.append(
                        f"file {number} {hostile.classes}: {finding.command}: "
                        f"{finding.detail[:300]}"
                    )
            if findings or hang:
                (keep / f"error-{number}.toml").write_text(hostile.text, encoding="utf-8")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "errors": errors,
        "first": first,
        "made": made,
        "slowest": slowest,
        "durations": durations,
        "peak": peak,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    parser.add_argument("--timeout", type=int, default=120)
    parser.add_argument("--keep", type=Path, default=Path("fuzz-findings"))
    args = parser.parse_args()
    args.keep.mkdir(exist_ok=True)
    start = time.perf_counter()
    step = 250
    chunks = [range(n, min(n + step, args.files)) for n in range(0, args.files, step)]
    work = [(args.seed, chunk, args.timeout, args.keep) for chunk in chunks]
    errors: collections.Counter[tuple[str, str]] = collections.Counter()
    made: collections.Counter[str] = collections.Counter()
    first: list[str] = []
    durations: list[float] = []
    slowest: tuple[float, int, tuple[str, ...]] = (0.0, -1, ("",))
    peak = 0.0
    with multiprocessing.get_context("fork").Pool(args.jobs, maxtasksperchild=4) as pool:
        for done in (
            pool.starmap(run_files, work, chunksize=1)
            if args.jobs > 1
            else (run_files(*w) for w in work)
        ):
            errors.update(done["errors"])
            made.update(done["made"])
            first += done["first"][: max(0, 10 - len(first))]
            durations += done["durations"]
            slowest = max(slowest, done["slowest"])
            peak = max(peak, done["peak"])
    elapsed = time.perf_counter() - start
    durations.sort()
    number = slowest[1]
    (args.keep / "slowest.toml").write_text(
        hostile_file(random.Random(f"{args.seed}-{number}")).text, encoding="utf-8"
    )
    print(
        f"files: {args.files} (seed {args.seed}, {args.jobs} processes) in {elapsed:.0f} s, "
        f"{args.files / elapsed:.1f} files/s"
    )
    print("classes made: " + ", ".join(f"{c} {n}" for c, n in sorted(made.items())))
    print(f"internal errors: {sum(errors.values())} (in {len(errors)} command/class pairs)")
    for (command, classes), count in errors.most_common(30):
        print(f"  {count:5d}  {command}  [{classes}]")
    for line in first:
        print(f"  {line}")
    print(f"peak memory (max RSS of a worker process): {peak:.0f} MiB")
    print(
        f"time per file: median {durations[len(durations) // 2] * 1000:.0f} ms, "
        f"p99 {durations[int(len(durations) * 0.99)] * 1000:.0f} ms"
    )
    print(
        f"slowest file: #{number} {slowest[2]} {slowest[0]:.2f} s "
        f"(kept as {args.keep / 'slowest.toml'})"
    )


if __name__ == "__main__":
    main()
