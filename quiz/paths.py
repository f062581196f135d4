"""Where quiz keeps its database and its settings.

The database lives in the user's data directory and the settings file in the user's config
directory (platformdirs: ~/.local/share/quiz and ~/.config/quiz on Linux). `--db PATH` or the
QUIZ_DB environment variable chooses another database; QUIZ_CONFIG another settings file.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

APP_NAME = "quiz"
DB_FILE = "quiz.db"
CONFIG_FILE = "config.toml"


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    return data_dir() / DB_FILE


def db_path(chosen: str | os.PathLike | None = None) -> tuple[Path, bool]:
    """The database to use, and whether it is the default one (whose folder quiz may create).

    `chosen` (from --db) wins over QUIZ_DB, which wins over the default.
    """
    if chosen:
        return Path(chosen).expanduser(), False
    if os.environ.get("QUIZ_DB"):
        return Path(os.environ["QUIZ_DB"]).expanduser(), False
    return default_db_path(), True


def config_path() -> Path:
    if os.environ.get("QUIZ_CONFIG"):
        return Path(os.environ["QUIZ_CONFIG"]).expanduser()
    return config_dir() / CONFIG_FILE


def usual_file_mode(temporary: str | Path, target: Path) -> None:
    """Give a temporary file about to replace `target` the mode `target` has, or a new file's (0o666
    less the umask): tempfile.mkstemp makes files only their owner can read."""
    import contextlib
    import stat

    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        umask = os.umask(0o022)  # (reading the umask means setting it: put straight back)
        os.umask(umask)
        mode = 0o666 & ~umask
    # A file system that keeps no modes (FAT, some network drives) refuses: the file is written all the same.
    with contextlib.suppress(OSError):
        os.chmod(temporary, mode)


def output_target(path: str | Path) -> tuple[Path | int, bool]:
    """Where writing to `path` goes, and whether to replace it whole.

    /dev/stdout, /dev/stderr, /dev/fd/N: that open file descriptor, as an int (written to, whatever
    it is: a terminal, a pipe, a file the shell opened with > or >>). A device or a pipe (a FIFO,
    /dev/null): the path as given, written into (False). Else the file, through symlinks to the one
    they name (the link stays a link), True: made beside it, then renamed over it."""
    import re
    import stat

    text = str(path)
    named = {"/dev/stdout": 1, "/dev/stderr": 2}.get(text)
    if named is None and (match := re.fullmatch(r"/(?:dev|proc/self)/fd/(\d+)", text)):
        named = int(match.group(1))
    if named is not None:
        return named, False
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return Path(path), False
    except FileNotFoundError:
        pass
    return Path(os.path.realpath(path)), True


def write_output(path: str | Path, data: bytes, *, replace: Callable[[Path], None]) -> None:
    """Write `data` where output_target says: into a file descriptor, a device or a pipe as it is;
    else by `replace(real path)`, which makes the file beside it and renames it over. Raises OSError."""
    target, whole = output_target(path)
    if whole:
        replace(target)
    else:
        write_into(target, data)


def write_into(target: Path | int, data: bytes) -> None:
    """Write `data` into a file descriptor, a device or a pipe (output_target's False). Raises OSError."""
    if isinstance(target, int):
        view = memoryview(data)
        while view:
            view = view[os.write(target, view):]
    else:
        with open(target, "wb") as out:
            out.write(data)
