"""A head start for `quiz study DECK`: the first question is drawn in another process while this one
starts the interface.

Start-up is CPU-bound: importing Textual and starting the app take ~200 ms, and building the
session's first question (open the database, plan the queue, load the deck's model and its
Knowledge) another ~100 ms on a large deck. In one process they add up, threads or not (the GIL).
On a machine with a second core, `begin()` forks before Textual is imported; the child builds the
session exactly as the app would and sends back its first question, planned at a time it also sends.
The app shows that question as soon as it is up, then builds its own session, planned at that same
time, which asks the same question (the draw is deterministic); an answer given before it is ready
waits for it (the study screen).

The child does all the opening's writes (a migration, the bundled decks' sync) and has exited before
the app opens the database: the two never write at once. Anything that goes wrong in the child is
not an error: no head start, and the app does the work itself, saying what is wrong as it always
does. Where there is no fork or one core, there is no head start.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import select
import signal
import threading
import time
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quiz.study.engine import Shown

PAYLOAD_VERSION = 1
WAIT_SECONDS = 30.0  # the child is killed after this: the app then opens the database itself


@dataclass(slots=True)
class FirstQuestion:
    """What the child sends: the session's first question and what the screen shows around it."""

    deck: str  # the deck's name, resolved
    lang: str
    planned_at: int  # ms: the time the session was planned and its question drawn
    title: str | dict  # the deck's title, as StoredDeck has it
    total: int  # questions planned
    shown: Shown


def enabled() -> bool:
    """Whether a head start can help here: fork, and a second core to run the child on."""
    return os.environ.get("QUIZ_HEAD_START", "1") != "0" and second_core()


def second_core() -> bool:
    """Whether a forked child can run beside this process: fork, and two CPUs this process may use
    (the head start, and quiz.study.read_ahead)."""
    if not hasattr(os, "fork"):
        return False
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return cores >= 2


def begin(db_path: str | None, deck: str, lang: str | None = None, limit: int | None = None,
          practice: bool = False, topic: str | None = None, settings_path: str | None = None) -> HeadStart | None:
    """Fork a child that draws `quiz study DECK`'s first question; None when there is no head start.
    Call before Textual is imported, with no other thread running."""
    if not enabled():
        return None
    try:
        read, write = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return None
    if pid == 0:  # the child: never returns
        code = 1
        try:
            os.close(read)
            _quiet()
            gc.disable()  # a short life: nothing to collect
            payload = first_question(db_path, deck, lang, limit, practice, topic, settings_path)
            with os.fdopen(write, "wb") as out:
                out.write(json.dumps(payload).encode())
            code = 0
        except BaseException:  # (the app does the work itself, and says what is wrong)
            pass
        finally:
            os._exit(code)  # no atexit handlers, no flushing the parent's buffers
    os.close(write)
    return HeadStart(pid, read)


def _quiet() -> None:
    """The child reads no keys and writes nothing to the terminal the app is drawing on; Ctrl+C is
    the app's to handle (the child's work is only ever a head start)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def first_question(db_path: str | None, deck: str, lang: str | None = None, limit: int | None = None,
                   practice: bool = False, topic: str | None = None, settings_path: str | None = None,
                   clock=None) -> dict | None:
    """Build the session as the app does (QuizApp.ensure_library, StudyScreen.open_session) and return
    its first question as JSON-ready data (`parse` reads it); None when there is nothing to ask.
    `clock`: as the app's (tests fix it)."""
    from quiz.settings import load_settings
    from quiz.study.engine import Library

    settings = load_settings(settings_path)
    library = Library.open(db_path, config=settings.study_config(problems=[]), clock=clock)
    try:
        name = library.resolve(deck)
        lang = lang or settings.language
        session = library.session(name, lang=lang, limit=limit, cram=practice, topic=topic)
        shown = session.next(now=session.planned_at)
        if shown is None:
            return None
        return {"version": PAYLOAD_VERSION, "deck": name, "lang": lang, "planned_at": session.planned_at,
                "title": session.deck.title, "total": session.total, "shown": asdict(shown)}
    finally:
        library.close()


class HeadStart:
    """The parent's side: the child's answer, once. `cancel()` may come from another thread while
    `result()` waits (the app quitting): the child is killed and `result()` returns None at once."""

    def __init__(self, pid: int, fd: int):
        self.pid = pid
        self.cancelled = False
        self._fd: int | None = fd
        self._result: FirstQuestion | None = None
        # The pid is signalled only while the child is unreaped: a zombie keeps its pid from reuse.
        self._lock = threading.Lock()
        self._reaped = False

    def result(self, timeout: float = WAIT_SECONDS) -> FirstQuestion | None:
        """Wait for the child to finish (it must have exited before the caller opens the database);
        its first question, or None if it had none, failed, took longer than `timeout` s or was
        cancelled."""
        with self._lock:
            fd, self._fd = self._fd, None
        if fd is None:
            return self._result
        data = bytearray()
        deadline = time.monotonic() + timeout
        try:
            while (left := deadline - time.monotonic()) > 0:
                ready, _, _ = select.select([fd], [], [], left)
                if not ready:
                    break
                chunk = os.read(fd, 1 << 16)
                if not chunk:  # the child is done writing (or was killed)
                    break
                data += chunk
            else:
                data.clear()
        finally:
            os.close(fd)
        exited = self._reap(deadline)
        if not exited or self.cancelled:
            return None
        self._result = parse(bytes(data))
        return self._result

    def cancel(self) -> None:
        """No longer wanted (the app is quitting): stop the child, and wait for it unless result() is."""
        self.cancelled = True
        self._kill()
        with self._lock:
            fd, self._fd = self._fd, None
        if fd is not None:  # nobody is waiting in result(): reap here
            os.close(fd)
            self._reap(time.monotonic())

    def _kill(self) -> None:
        with self._lock:
            if not self._reaped:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.pid, signal.SIGKILL)

    def _reap(self, deadline: float) -> bool:
        """Wait for the child's exit; kill it if it is still running at `deadline` (it may be writing
        to the database: a killed transaction is rolled back). Whether it exited with status 0."""
        while True:
            with self._lock:
                try:
                    pid, status = os.waitpid(self.pid, os.WNOHANG)
                except ChildProcessError:
                    self._reaped = True
                    return False
                if pid:
                    self._reaped = True
                    return os.waitstatus_to_exitcode(status) == 0
                if time.monotonic() >= deadline:
                    with contextlib.suppress(ProcessLookupError, ChildProcessError):
                        os.kill(self.pid, signal.SIGKILL)
                        os.waitpid(self.pid, 0)
                    self._reaped = True
                    return False
            time.sleep(0.001)


def parse(data: bytes | str) -> FirstQuestion | None:
    """The child's JSON as a FirstQuestion; None for nothing, or anything that is not one."""
    from quiz.questions.question import Question
    from quiz.study.engine import Shown

    if not data:
        return None
    try:
        payload = json.loads(data)
        if payload.get("version") != PAYLOAD_VERSION:
            return None
        shown = payload["shown"]
        return FirstQuestion(deck=payload["deck"], lang=payload["lang"], planned_at=int(payload["planned_at"]),
                             title=payload["title"], total=int(payload["total"]),
                             shown=Shown(**{**shown, "question": Question.from_dict(shown["question"])}))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def same_question(one: Shown, other: Shown) -> bool:
    """Whether two showings are the same question with the same options (one of them sent as JSON)."""

    def plain(shown: Shown) -> dict:
        return json.loads(json.dumps(asdict(shown)))
    return plain(one) == plain(other)
