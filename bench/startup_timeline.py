"""Where `quiz study DECK`'s start-up goes: one process, each step timed, in the order it ran.

    python bench/startup_timeline.py --db X.db study synthetic-1

Runs the app as bench/tui_probe.py's `startup-quiz` does (headless, exits at the first question on
screen) with the engine's start-up steps wrapped: when each began (ms since this script started),
in which thread, and how long it took; then the process's CPU time at the first frame (equal to the
wall time: start-up is CPU-bound, so only less work makes it faster).

The head start (quiz.study.head_start: the first question drawn in a forked process while Textual
loads) is turned off here (QUIZ_HEAD_START=0): this times every step in the one process, as a
machine with one core runs them. bench_tui.py measures start-up with it.
"""

from __future__ import annotations

import functools
import importlib
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

START = time.perf_counter()
EVENTS: list[tuple[float, str, str]] = []
STEPS = [  # (module, class or None, function)
    ("quiz.tui.app", "QuizApp", "ensure_library"),
    ("quiz.study.engine", "Library", "session"),
    ("quiz.study.queue", None, "plan_study"),
    ("quiz.store.decks", None, "load_model"),
    ("quiz.knowledge", "Knowledge", "__init__"),
    ("quiz.study.engine", "StudySession", "next"),
]


def note(text: str) -> None:
    EVENTS.append((time.perf_counter() - START, threading.current_thread().name, text))


def timed(module: str, owner: str | None, name: str) -> None:
    namespace = importlib.import_module(module)
    target = getattr(namespace, owner) if owner else namespace
    function = getattr(target, name)

    @functools.wraps(function)  # Textual reads handlers' signatures
    def wrapper(*args, **kwargs):
        began = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            EVENTS.append((began - START, threading.current_thread().name,
                           f"{owner + '.' if owner else ''}{name}: {1000 * (time.perf_counter() - began):.1f} ms"))

    setattr(target, name, wrapper)
    if owner is None:  # rebind where it was imported by name
        for other in list(sys.modules.values()):
            if getattr(other, name, None) is function and other is not namespace:
                setattr(other, name, wrapper)


def main() -> None:
    os.environ["QUIZ_HEAD_START"] = "0"
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import tui_probe

    note("probe imported (asyncio and the probe's own imports)")
    import textual.app  # noqa: F401

    note("textual.app imported")
    import quiz.tui.screens.study  # noqa: F401

    note("quiz's app and study screen imported")
    for step in STEPS:
        timed(*step)
    painted = tui_probe._write

    def first_frame(out, **data):
        usage = resource.getrusage(resource.RUSAGE_SELF)
        note(f"FIRST QUESTION ON SCREEN; process CPU {1000 * (usage.ru_utime + usage.ru_stime):.0f} ms")
        painted(out, **data)

    tui_probe._write = first_frame
    with tempfile.TemporaryDirectory() as folder:
        sys.argv = ["tui_probe.py", "startup-quiz", "--out", str(Path(folder) / "r.json"), "--headless", "--",
                    *sys.argv[1:]]
        tui_probe.main()
    for at, thread, text in sorted(EVENTS):
        print(f"{1000 * at:8.1f} ms  {thread[:12]:12}  {text}")


if __name__ == "__main__":
    main()
