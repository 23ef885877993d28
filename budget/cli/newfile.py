"""Writing a new file that must not exist yet (budget init): kept apart from
`budget.cli.outputs` so that `budget init` starts without pandas."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from budget.core.errors import Problem

STARTER = Path(__file__).parent.parent / "data" / "starter.toml"


def write_new_file(path: Path, text: str) -> Problem | None:
    """Write `text` to `path`, which must not exist yet; atomically (a temporary file beside
    it, linked to its name, which fails if the name was taken meanwhile). A problem when
    refused or not written, else None."""
    shown = str(path)
    if path.exists() or path.is_symlink():
        return Problem(shown, "", "already exists; refusing to overwrite it", "name a new file")
    if not path.parent.is_dir():
        return Problem(shown, "", f"the folder {str(path.parent)!r} does not exist")
    try:
        descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError as exc:
        return Problem(shown, "", f"cannot be written ({exc.strerror or exc})")
    temporary = Path(name)
    try:
        with open(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        umask = os.umask(0o022)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.link(temporary, path)
    except FileExistsError:
        return Problem(shown, "", "already exists; refusing to overwrite it", "name a new file")
    except OSError as exc:
        return Problem(shown, "", f"cannot be written ({exc.strerror or exc})")
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
    return None
