"""Writing an output file atomically, whatever happens meanwhile.

`write_atomically(target, write)` is the one way every output (workbooks, their overflow
CSV, exports) reaches the disk:

- `write` fills a temporary file beside the target, named `.NAME.budget-PID-RANDOM.tmp`
  (NAME shortened when long), which is then synced and renamed over the target; the old
  target stays intact until that rename, and a failure never leaves a half-written file.
- SIGTERM while writing is handled like Ctrl-C: the temporary file is removed and
  `Terminated` raised (the command line exits 143, 128 + SIGTERM).
- SIGKILL (or a power cut) cannot be handled: its temporary file stays. The next write
  into the same folder removes stale temporary files of this pattern, and only those
  whose process is gone or that are older than a day (STALE_SECONDS).
- A target that exists but is no regular file (a symlink to /dev/null, a device, a pipe,
  a socket) is refused; so are errors making the temporary file (a read-only folder, no
  space or inodes left, a name too long): InputError, one Problem each.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import stat
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import IO, Any

from budget.core.errors import InputError, Problem

STALE_SECONDS = 24 * 3600
NAME_KEPT = 100  # characters of the target's name kept in its temporary file's name
TEMPORARY = re.compile(r"^\..*\.budget-(\d+)-[0-9a-f]{8}\.tmp$")


class Terminated(BaseException):
    """SIGTERM arrived while writing (a BaseException, like KeyboardInterrupt)."""


def raise_terminated(signum: int, frame: FrameType | None) -> None:
    """A SIGTERM handler: raise Terminated where the program is."""
    raise Terminated


def temporary_name(target: Path) -> str:
    """`.NAME.budget-PID-RANDOM.tmp` beside `target`."""
    return f".{target.name[:NAME_KEPT]}.budget-{os.getpid()}-{secrets.token_hex(4)}.tmp"


def check_regular(target: Path, shown: str) -> None:
    """InputError when `target` exists (after symlinks) and is no regular file or folder,
    or cannot even be looked at (a name too long, a loop of symlinks)."""
    try:
        mode = os.stat(target).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return  # does not exist (or a dangling link): a new file is made
    except OSError as exc:
        raise _cannot(shown, exc, "cannot be written") from exc
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        raise InputError(
            [
                Problem(
                    shown,
                    "",
                    "is not a regular file (a device, a pipe or a socket); refusing to write it",
                    "name an ordinary file to write",
                )
            ]
        )


def remove_stale(folder: Path, now: float | None = None) -> list[Path]:
    """Remove temporary files of our pattern in `folder` whose process is gone or that are
    older than STALE_SECONDS; return what was removed. Nothing else is touched."""
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        found = TEMPORARY.match(entry.name)
        if not found:
            continue
        with contextlib.suppress(OSError):
            if not entry.is_file(follow_symlinks=False):
                continue
            old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_SECONDS
            if old or not _running(int(found.group(1))):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True  # ours: another write of this process may be under way
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # exists (another user's), or cannot tell: keep it
    return True


BUFFER = 2**20  # bytes written to the file at a time


def write_atomically(target: Path, write: Callable[[IO[bytes]], Any]) -> None:
    """Call `write` on a temporary file beside `target`, then rename it to `target`."""
    shown = str(target)
    check_regular(target, shown)
    remove_stale(target.parent)
    temporary = target.parent / temporary_name(target)
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise _cannot(shown, exc, "the temporary file beside it cannot be made") from exc
    try:
        # A buffer of 1 MiB: an export of 100,000 activities writes a few KB each, which
        # the default 8 KiB buffer would pass on in 40,000 system calls (issue 21).
        with _terminated_on_sigterm(), open(descriptor, "wb", buffering=BUFFER) as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
            os.chmod(temporary, 0o666 & ~_umask())
            os.replace(temporary, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if isinstance(exc, OSError):
            raise _cannot(shown, exc, "cannot be written") from exc
        raise


def _cannot(shown: str, exc: OSError, what: str) -> InputError:
    reason = exc.strerror or str(exc)
    hint = "check that the folder is writable and has space left, or choose another file"
    return InputError([Problem(shown, "", f"{what} ({reason})", hint)])


@contextlib.contextmanager
def _terminated_on_sigterm() -> Iterator[None]:
    """While the block runs, SIGTERM raises Terminated (so that the temporary file is
    removed), unless someone else already handles SIGTERM or this is not the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    if previous is not signal.SIG_DFL:
        yield
        return

    signal.signal(signal.SIGTERM, raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current
