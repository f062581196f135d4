"""Read a file in a second process while this one stores what it reads.

    rows = read_ahead(lambda progress, emit, announce, tell: read_cards(progress), label="words.tsv",
                      progress=storing, finish=lambda: warnings)
    if rows is None:                   # forking is not safe or not useful here: read in this process
        ...
    for row in rows: ...               # what the reader made, as plain tuples, in order
    rows.result                        # what finish() returned in the child, once the rows are all read
    (or: produce passes each row to emit(row), and announce(value) first: rows.announced() is value;
     tell(value) passes a value to rows.told(value), called here once the rows emitted before it are)

A large text import is CPU-bound in two halves of about the same size: parsing the rows into cards
(Python) and writing them (SQLite). A forked child runs the first while this process runs the
second, on the other core. What the child makes passes through a pipe, pickled a batch at a time,
so memory stays flat: the pipe holds a batch or two and the child waits while it is full. The child
never touches the database; it reads the file, sends its rows, its progress and at the end what
`finish()` returns, or the DeckError it met, then exits. Stopping early (an error while storing, a
cancel) kills it.

Used only where forking is safe and worth it: os.fork exists, there are two CPUs or more, and the
caller is the process's only thread (`quiz import`; the app imports in a worker thread and reads in
its own process). QUIZ_READ_AHEAD=0 turns it off.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import select
import signal
import threading
from collections.abc import Callable, Iterable, Iterator

from quiz.formats.problems import DeckError, Problem

_NOTHING = object()
BATCH = 1000  # rows a message (about 200 KB of a text import's)
PIPE_BYTES = 1 << 20
_ENV = "QUIZ_READ_AHEAD"


def read_ahead(produce: Callable[..., Iterable | None], *, label: str,
               progress: Callable[[int, int], None] | None = None,
               finish: Callable[[], object] = lambda: None) -> ReadAhead | None:
    """`produce(progress, emit, announce, tell)` run in a child process: the rows it returns, or passes
    to `emit(row)` one by one, are yielded here; `announce(value)`, before its first row, gives
    `ReadAhead.announced()` its value; `tell(value)` calls `ReadAhead.told(value)` here, after the rows
    emitted before it are yielded. None when it cannot be run there (then the caller reads itself).
    `label` names the file in an error."""
    if not _worth_it():
        return None
    try:
        return ReadAhead(produce, label, progress, finish)
    except OSError:  # no process or pipe to be had (a process limit, no memory): read here
        return None


def _worth_it() -> bool:
    from quiz.study.head_start import second_core

    if os.environ.get(_ENV) == "0" or not second_core():
        return False
    # Forked with other threads running, the child could inherit a lock one of them held (the
    # allocator's, SQLite's) and never get it: only from a process of one thread (the CLI).
    if threading.current_thread() is not threading.main_thread() or threading.active_count() > 1:
        return False
    return signal.getsignal(signal.SIGCHLD) != signal.SIG_IGN  # (else the child is reaped unseen: its pid reusable)


class ReadAhead:
    """The rows a forked child reads, as an iterator (once), and a context manager that stops the
    child however the caller ends (the iterator does on its own once started). See the module doc."""

    def __init__(self, produce, label: str, progress, finish):
        self.result: object = None
        self.announcement: object = _NOTHING
        # Work to do while the child has nothing ready: called while it has not and idle() says there
        # is more to do (a step at a time, each short: rows that come meanwhile wait for its end).
        self.idle: Callable[[], bool] | None = None
        self.told: Callable[[list], None] = lambda values: None  # what the child tells, a batch at a time
        self._label, self._progress = label, progress
        read, write = os.pipe()
        self._pid: int | None = None
        self._pipe = os.fdopen(read, "rb")
        try:
            _widen(write)
            # Ctrl+C held back across the fork: in the child it would unwind the caller's stack (and
            # close the caller's database) before _child could take over; the caller gets it after,
            # with the child's pid known, so that it is stopped.
            interrupt = {signal.SIGINT}
            signal.pthread_sigmask(signal.SIG_BLOCK, interrupt)
            try:
                pid = os.fork()
                if pid == 0:  # the child: read, send, exit (never returns)
                    _child(read, write, produce, finish)
                self._pid = pid
            finally:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, interrupt)
        except BaseException:
            self.close()
            raise
        finally:
            os.close(write)

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __iter__(self) -> Iterator[tuple]:
        try:
            while True:
                kind, payload = self._message()
                if kind == "rows":
                    yield from payload
                elif self._handle(kind, payload) == "end":
                    return
        finally:
            self.close()

    def announced(self) -> object:
        """What the child announced before its first row (produce's `announce`), read now. Raises
        what the child met before it, as iterating would."""
        while self.announcement is _NOTHING:
            kind, payload = self._message()
            if (kind == "rows" and payload) or kind == "end":  # (the producer announces first)
                raise RuntimeError(f"read-ahead: {kind} before the announcement")
            if kind != "rows":
                self._handle(kind, payload)
        return self.announcement

    def _handle(self, kind: str, payload) -> str:
        """A message that is not rows: progress passed on, the announcement or the result kept, what
        the child met raised."""
        if kind == "progress":
            if self._progress is not None:
                self._progress(*payload)
        elif kind == "announce":
            self.announcement = payload
        elif kind == "told":
            self.told(payload)
        elif kind == "end":
            self.result = payload
        elif kind == "problems":
            raise DeckError(payload)
        else:  # "error": an exception the child could not help
            raise payload
        return kind

    def _message(self) -> tuple[str, object]:
        idle = self.idle
        if idle is not None:
            # (poll sees the pipe, not what the reader holds: a message already read in is only read
            # after the step)
            ready = select.poll()
            ready.register(self._pipe, select.POLLIN)
            while not ready.poll(0) and idle():
                pass
        try:
            return pickle.load(self._pipe)
        except Exception:  # cut short, or what the child sent cannot be made here
            raise DeckError([Problem(self._label, 0, "", "could not be read to the end "
                                                         "(the process reading it stopped)")]) from None

    def close(self) -> None:
        """Stop the child if it is still reading, and reap it (once; again does nothing)."""
        pid, self._pid = self._pid, None
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):  # (gone already)
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):  # reaped already (SIGCHLD ignored)
                os.waitpid(pid, 0)
        self._pipe.close()


def _widen(fd: int) -> None:
    """Let the pipe hold a few batches (64 KiB by default: less than one), so the child reads on while
    this process writes a batch; bounded all the same (Linux's default limit is 1 MiB)."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass  # the default size: slower, not wrong


def _child(read: int, fd: int, produce, finish) -> None:
    status = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops this process when it stops
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        os.close(read)
        gc.disable()  # (a short-lived process: what it makes is sent and dropped)
        with os.fdopen(fd, "wb") as pipe:
            def send(kind: str, payload) -> None:
                pickle.dump((kind, payload), pipe, protocol=pickle.HIGHEST_PROTOCOL)

            batch: list[tuple] = []
            told: list = []

            def flush() -> None:  # the rows so far, then what was told after them
                send("rows", batch)
                batch.clear()
                if told:
                    send("told", told)
                    told.clear()

            def progress(done: int, total: int) -> None:
                flush()  # the rows read so far first: the parent reports progress as it stores
                send("progress", (done, total))

            def emit(row) -> None:
                batch.append(tuple(row))
                if len(batch) >= BATCH:
                    flush()

            def announce(value) -> None:
                flush()
                send("announce", value)

            try:
                rows = produce(progress, emit, announce, told.append)
                for row in rows if rows is not None else ():
                    emit(row)
                flush()
                send("end", finish())
            except DeckError as error:
                flush()  # the rows before it, as reading here would have given them
                send("problems", error.problems)
            except Exception as error:
                flush()
                try:
                    send("error", error)
                except Exception:
                    send("error", RuntimeError(f"{type(error).__name__}: {error}"))
    except BaseException:
        status = 1
    finally:
        os._exit(status)
