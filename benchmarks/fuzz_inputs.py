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
import random
import resource
import signal
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fuzz_files import hostile_file, prepare_folder, run_commands


class Hang(BaseException):
    """A file took longer than the timeout."""


def on_alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=int, default=120)
    parser.add_argument("--keep", type=Path, default=Path("fuzz-findings"))
    args = parser.parse_args()
    args.keep.mkdir(exist_ok=True)
    rng = random.Random(args.seed)
    signal.signal(signal.SIGALRM, on_alarm)
    errors: collections.Counter[tuple[str, str]] = collections.Counter()
    first: list[str] = []
    made: collections.Counter[str] = collections.Counter()
    slowest = (0.0, -1, ("",))
    durations = []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        prepare_folder(folder)
        for number in range(args.files):
            hostile = hostile_file(rng)
            made.update(hostile.classes)
            path = folder / "scenario.toml"
            path.write_text(hostile.text, encoding="utf-8")
            began = time.perf_counter()
            signal.alarm(args.timeout)
            try:
                findings = run_commands(folder, path)
                hang = False
            except Hang:
                findings, hang = [], True
            finally:
                signal.alarm(0)
            took = time.perf_counter() - began
            durations.append(took)
            if took > slowest[0]:
                slowest = (took, number, hostile.classes)
                (args.keep / "slowest.toml").write_text(hostile.text, encoding="utf-8")
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
                (args.keep / f"error-{number}.toml").write_text(hostile.text, encoding="utf-8")
            if (number + 1) % 500 == 0:
                print(
                    f"  {number + 1} files, {sum(errors.values())} internal errors, "
                    f"{time.perf_counter() - start:.0f} s",
                    file=sys.stderr,
                    flush=True,
                )
    elapsed = time.perf_counter() - start
    durations.sort()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"files: {args.files} (seed {args.seed}) in {elapsed:.0f} s, "
        f"{args.files / elapsed:.1f} files/s"
    )
    print("classes made: " + ", ".join(f"{c} {n}" for c, n in sorted(made.items())))
    print(f"internal errors: {sum(errors.values())} (in {len(errors)} command/class pairs)")
    for (command, classes), count in errors.most_common(20):
        print(f"  {count:5d}  {command}  [{classes}]")
    for line in first:
        print(f"  {line}")
    print(f"peak memory (max RSS): {peak:.0f} MiB")
    print(
        f"time per file: median {durations[len(durations) // 2] * 1000:.0f} ms, "
        f"p99 {durations[int(len(durations) * 0.99)] * 1000:.0f} ms"
    )
    print(
        f"slowest file: #{slowest[1]} {slowest[2]} {slowest[0]:.2f} s "
        f"(kept as {args.keep / 'slowest.toml'})"
    )


if __name__ == "__main__":
    main()
