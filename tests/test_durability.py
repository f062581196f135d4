"""Nothing lost: a real `quiz study --plain` killed again and again, and two processes on one database."""

from __future__ import annotations

import contextlib
import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from quiz.config import StudyConfig
from quiz.store.items import read_schedule
from quiz.store.reviews import entries
from quiz.study.engine import Library

ROOT = Path(__file__).resolve().parent.parent
MINI = str(ROOT / "tests" / "data" / "mini.yaml")
# The kill test studies the bundled deck, as a learner would; the concurrency test the small one.
BUNDLED = "russia-allies" if (ROOT / "decks" / "russia-allies.yaml").exists() else MINI
PROMPTS = ("Your answer", "Press Enter", "How well")


@pytest.fixture
def env(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("[study]\nnew_per_day = 1000\n")
    return {**os.environ, "QUIZ_CONFIG": str(config), "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1",
            "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def quiz(db: Path, env: dict, deck: str, lang: str = "en") -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "quiz", "--db", str(db), "study", deck, "--plain", "--lang", lang],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)


def reply(prompt: str, rng: random.Random) -> bytes:
    if prompt.startswith("Press Enter"):
        return b"\n"
    if prompt.startswith("How well"):
        return f"{rng.randint(1, 4)}\n".encode()
    if "type it" in prompt:
        return rng.choice([b"2002\n", b"Kazakhstan\n", b"?\n", "Bélarus\n".encode()])
    return f"{rng.randint(1, 2)}\n".encode()


def acknowledged(lines: list[str]) -> int:
    return sum(line.startswith(("✔", "✘")) for line in lines)


def check_database(db: Path) -> None:
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with Library.open(db, config=StudyConfig(), sync_bundled=False) as library:
        conn = library.db.conn
        for summary in library.decks():
            scheduling = library.scheduling(library._stored(summary.deck))
            items = conn.execute("SELECT items.id FROM items JOIN decks ON decks.id = items.deck WHERE name = ?",
                                 (summary.deck,)).fetchall()
            for (item,) in items:
                assert scheduling.replay(item, entries(conn, item)).card_fields() == \
                    read_schedule(conn, item).card_fields()


def test_killing_a_study_session_at_any_moment_loses_no_acknowledged_answer(tmp_path, env):
    db = tmp_path / "quiz.db"
    rng = random.Random(20240621)
    acks = 0
    for kills in range(1, 15):
        process = quiz(db, env, BUNDLED)
        lines: queue.Queue[str | None] = queue.Queue()

        def pump(stream=process.stdout, sink=lines):
            for raw in stream:
                sink.put(raw.decode("utf-8", "replace").rstrip("\n"))
            sink.put(None)

        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        seen: list[str] = []
        answers_before_kill = rng.randint(1, 8)
        answered = 0
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=10)
            except queue.Empty:
                break
            if line is None:
                break
            seen.append(line)
            if line.startswith(PROMPTS):
                if answered >= answers_before_kill:
                    break
                process.stdin.write(reply(line, rng))
                process.stdin.flush()
                answered += 1
                if answered >= answers_before_kill and rng.random() < 0.6:
                    time.sleep(rng.random() * 0.004)  # kill while the answer is being committed, or not
                    break
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        reader.join(timeout=10)
        while (line := lines.get_nowait() if not lines.empty() else None) is not None:
            seen.append(line)  # what reached the pipe before the kill was printed after its commit
        acks += acknowledged(seen)
        logged = sqlite3.connect(db).execute("SELECT count(*) FROM reviews").fetchone()[0]
        # Every acknowledged answer is in the log; at most one per kill was committed but not yet shown.
        assert acks <= logged <= acks + kills
    assert acks >= 10, "the sessions should have answered something"
    check_database(db)


def test_two_processes_studying_one_database_both_work(tmp_path, env):
    db = tmp_path / "quiz.db"
    # Create the database first, so that both processes find it (creating it at once works too, but
    # this test is about studying).
    Library.open(db, config=StudyConfig(), sync_bundled=False).close()
    rng = random.Random(1)
    lines = [reply("Your answer (a number", rng) for _ in range(300)]
    processes = [quiz(db, env, MINI, lang) for lang in ("en", "id")]  # the language tells their answers apart
    out_lines: list[list[bytes]] = [[], []]
    errors_out: list[bytes] = [b"", b""]
    readers = []
    for index, process in enumerate(processes):
        def read(index=index, process=process):
            for line in process.stdout:
                out_lines[index].append(line)
            errors_out[index] = process.stderr.read()
        thread = threading.Thread(target=read)
        thread.start()
        readers.append(thread)

    def acks_of(index: int) -> int:
        return sum(line.startswith(("✔".encode(), "✘".encode())) for line in list(out_lines[index]))

    # Feed the two a few answers at a time, in turn, and wait for each to acknowledge one before the
    # other goes on: their sessions interleave whatever the machine's load, so both really share the
    # file at once (a process that finished before the other started would prove nothing).
    for start in range(0, len(lines), 5):
        for index, process in enumerate(processes):
            before = acks_of(index)
            try:
                process.stdin.write(b"".join(lines[start:start + 5]))
                process.stdin.flush()
            except BrokenPipeError:
                continue  # that session is over: its queue ran out
            deadline = time.monotonic() + 20
            while acks_of(index) == before and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.005)
    for process in processes:
        with contextlib.suppress(BrokenPipeError):
            process.stdin.close()
        process.wait(timeout=120)
    for thread in readers:
        thread.join(timeout=30)
    outputs = [(b"".join(out_lines[i]), errors_out[i]) for i in range(2)]
    acks = 0
    for (stdout, stderr), process in zip(outputs, processes, strict=True):
        text, errors = stdout.decode(), stderr.decode()
        assert process.returncode == 0, errors
        assert "locked" not in errors and "Traceback" not in errors, errors
        assert "Session over:" in text
        acks += acknowledged(text.splitlines())
    assert acks >= 200
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == acks
    span = "SELECT min(at), max(at) FROM reviews WHERE lang = ?"
    (en_first, en_last), (id_first, id_last) = (conn.execute(span, (lang,)).fetchone() for lang in ("en", "id"))
    assert en_first < id_last and id_first < en_last, "the two sessions did not overlap in time"
    conn.close()
    check_database(db)
