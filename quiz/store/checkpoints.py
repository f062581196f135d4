"""WAL checkpoints off the answer path.

SQLite's automatic checkpoint runs inside the commit that takes the WAL past 1,000 pages: about one
answer in 200 would wait 10 to 50 ms while the WAL is copied into the database file. Instead the
engine's connection never checkpoints by itself (wal_autocheckpoint = 0), and after every `every`
answers a background thread with its own connection runs a PASSIVE checkpoint, which never blocks
a reader or a writer; the answer that triggered it has already been committed.

The WAL is as durable as the database file, so a checkpoint left undone (the process killed) loses
nothing: the next process, or the last connection to close, carries it out.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from pathlib import Path


class Checkpointer:
    def __init__(self, path: Path, every: int = 100):
        self.path = path
        self.every = every
        self._pending = 0
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None

    def committed(self) -> None:
        """Call after each commit; every `every` commits the thread is woken."""
        self._pending += 1
        if self._pending < self.every:
            return
        self._pending = 0
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="quiz-wal-checkpoint", daemon=True)
            self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        conn = sqlite3.connect(self.path, timeout=10.0)
        try:
            while True:
                self._wake.wait()
                self._wake.clear()
                if self._stopping:
                    return
                # Busy or gone: the next round, or the last connection to close, does it.
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        finally:
            conn.close()

    def close(self) -> None:
        if self._thread is not None:
            self._stopping = True
            self._wake.set()
            self._thread.join(timeout=10)
            self._thread = None
