"""The engine's commands: quiz decks, quiz study --plain, quiz stats, and --db / QUIZ_DB."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from quiz.cli import main

ROOT = Path(__file__).resolve().parent.parent
MINI = str(ROOT / "tests" / "data" / "mini.yaml")


@pytest.fixture
def runner(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.delenv("QUIZ_DB", raising=False)
    return CliRunner()


def invoke(runner, *args, input=None):
    return runner.invoke(main, list(args), input=input, catch_exceptions=False)


def test_study_without_plain_opens_the_app_on_that_deck(runner, tmp_path, monkeypatch):
    from quiz.tui.app import QuizApp

    opened = []
    monkeypatch.setattr(QuizApp, "run", lambda self: opened.append((self.db_path, self.start, self.lang)))
    result = invoke(runner, "--db", str(tmp_path / "q.db"), "study", MINI, "--limit", "5", "--lang", "id")
    assert result.exit_code == 0, result.output
    assert opened == [(str(tmp_path / "q.db"), (MINI, 5, False, None), "id")]
    invoke(runner, "--db", str(tmp_path / "q.db"), "study", MINI, "--cram", "--topic", "CSTO")
    assert opened[-1][1] == (MINI, None, True, "CSTO")
    invoke(runner, "--db", str(tmp_path / "q.db"))
    assert opened[-1][1] == (None, None, False, None)  # `quiz` alone opens the app on the home screen


def test_study_that_cannot_start_says_why_on_the_command_line_and_exits_1(runner, tmp_path, monkeypatch):
    from quiz.tui.app import QuizApp

    def run(self):
        self.start_error = "no deck named 'nope' (decks: russia-allies; or give a deck file)"

    monkeypatch.setattr(QuizApp, "run", run)
    result = invoke(runner, "--db", str(tmp_path / "q.db"), "study", "nope")
    assert result.exit_code == 1
    assert result.output == "quiz: no deck named 'nope' (decks: russia-allies; or give a deck file)\n"


def test_study_plain_then_decks_and_stats(runner, tmp_path):
    db = str(tmp_path / "q.db")
    result = invoke(runner, "--db", db, "study", MINI, "--plain", "--limit", "3", input="1\n2\n?\n")
    assert result.exit_code == 0, result.output
    marks = [line for line in result.output.splitlines() if line.startswith(("✔", "✘"))]
    assert len(marks) == 3
    assert "Session over: 3 answered" in result.output

    decks = json.loads(invoke(runner, "--db", db, "decks", "--json").output)
    (mini,) = [d for d in decks if d["deck"] == "mini"]
    assert {"deck", "title", "new", "learning", "due", "review", "suspended", "total"} <= set(mini)
    assert mini["learning"] + mini["review"] == 3 and mini["total"] == mini["new"] + 3

    text = invoke(runner, "--db", db, "decks").output
    assert "mini" in text and f"new {mini['new']}, learning {mini['learning']}, due {mini['due']}," in text

    stats = json.loads(invoke(runner, "--db", db, "stats", "--json").output)
    assert {"reviews", "correct", "accuracy", "streak_days", "decks"} <= set(stats)
    assert stats["reviews"] == 3 and stats["streak_days"] == 1
    (row,) = [d for d in stats["decks"] if d["deck"] == "mini"]
    assert {"deck", "reviews", "correct", "accuracy", "due"} <= set(row) and row["reviews"] == 3
    assert json.loads(invoke(runner, "--db", db, "stats", "mini", "--json").output)["reviews"] == 3
    assert "3 answers" in invoke(runner, "--db", db, "stats").output


def test_quiz_db_environment_variable_chooses_the_database(runner, tmp_path, monkeypatch):
    db = tmp_path / "env.db"
    monkeypatch.setenv("QUIZ_DB", str(db))
    assert invoke(runner, "study", MINI, "--plain", input="1\n").exit_code == 0
    assert db.exists()


def test_a_bad_database_is_one_clear_line_and_left_untouched(runner, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not a database\n")
    for args in (["decks"], ["stats"], ["study", MINI, "--plain"]):
        result = runner.invoke(main, ["--db", str(path), *args], input="1\n")
        assert result.exit_code == 1
        (line,) = result.output.strip().splitlines()
        assert line.startswith("quiz: ") and "not a quiz database" in line
    assert path.read_text() == "not a database\n"


def test_unknown_deck_and_broken_settings_are_one_line_errors(runner, tmp_path):
    db = str(tmp_path / "q.db")
    result = runner.invoke(main, ["--db", db, "study", "no-such-deck", "--plain"])
    assert result.exit_code == 1 and "no deck named 'no-such-deck'" in result.output
    result = runner.invoke(main, ["--db", db, "stats", "no-such-deck"])
    assert result.exit_code == 1 and result.output.count("\n") == 1
    bad = tmp_path / "bad.toml"
    bad.write_text("[study]\nnew_per_day = 'many'\n")
    result = runner.invoke(main, ["--db", db, "decks"], env={"QUIZ_CONFIG": str(bad)})
    assert result.exit_code == 1 and "new_per_day" in result.output and result.output.count("\n") == 1


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
                         capture_output=True, text=True, cwd=ROOT, check=True).stdout
    return set(out.split())


def test_the_core_never_imports_textual():
    """Every module outside quiz.tui, the importers, exporters, scores and optimizer included."""
    core = sorted(
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in (ROOT / "quiz").rglob("*.py")
        if "tui" not in path.relative_to(ROOT).parts and path.name != "__main__.py"
    )
    assert {"quiz.study.engine", "quiz.stats", "quiz.optimize", "quiz.formats.apkg_export"} <= set(core)
    loaded = _modules_after("import importlib\n" + "\n".join(f"importlib.import_module({name!r})" for name in core))
    assert set(core) <= loaded  # all of them imported: none failed or was skipped
    assert not {name for name in loaded if name == "textual" or name.startswith("textual.")}


def test_quiz_help_loads_no_heavy_module():
    loaded = _modules_after("from quiz.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass")
    assert not loaded & {"fsrs", "sqlite_utils", "rapidfuzz", "sqlite3", "platformdirs", "yaml"}


def test_unsuspend_brings_back_a_deck_s_suspended_questions(runner, tmp_path):
    from quiz.study.engine import Library

    db = tmp_path / "q.db"
    invoke(runner, "--db", str(db), "study", MINI, "--plain", "--limit", "2", input="/suspend\n/suspend\n")
    with Library.open(db, sync_bundled=False) as library:
        suspended = [qid for (qid,) in library.db.conn.execute("SELECT qid FROM items WHERE status = 'suspended'")]
    assert len(suspended) == 2
    result = invoke(runner, "--db", str(db), "unsuspend", "mini", suspended[0])
    assert result.exit_code == 0 and result.output == "mini: 1 question unsuspended.\n"
    assert invoke(runner, "--db", str(db), "unsuspend", "mini").output == "mini: 1 question unsuspended.\n"
    assert invoke(runner, "--db", str(db), "unsuspend", "mini").output == "mini: 0 questions unsuspended.\n"
    failed = invoke(runner, "--db", str(db), "unsuspend", "nope")
    assert failed.exit_code == 1 and "no deck named 'nope'" in failed.output
    failed = invoke(runner, "--db", str(db), "unsuspend", "mini", "bogus-id")
    assert failed.exit_code == 1 and failed.output == "quiz: no question 'bogus-id' in deck 'mini'\n"


def test_stats_text_counts_one_answer_in_the_singular(runner, tmp_path):
    db = str(tmp_path / "q.db")
    invoke(runner, "--db", db, "study", MINI, "--plain", "--limit", "1", input="1\n")
    text = invoke(runner, "--db", db, "stats").output
    assert text.startswith("1 answer, ") and "mini: 1 answer, " in text
    assert "last 365 days: 1 answer on 1 day\n" in text
    assert "last 1 day: 1 answer on 1 day\n" in invoke(runner, "--db", db, "stats", "--days", "1").output
    forecast = json.loads(invoke(runner, "--db", db, "stats", "--json").output)["forecast"][:7]
    assert (f"due in the next 7 days: {sum(d['due'] for d in forecast)} (by day, from today: "
            f"{', '.join(str(d['due']) for d in forecast)})") in text


def test_plain_study_asks_in_the_saved_language_unless_lang_is_given(runner, tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text('[interface]\nlanguage = "id"\n', encoding="utf-8")
    monkeypatch.setenv("QUIZ_CONFIG", str(config))
    db = str(tmp_path / "q.db")
    saved = invoke(runner, "--db", db, "study", MINI, "--plain", "--limit", "1", input="?\n").output
    given = invoke(runner, "--db", db, "study", MINI, "--plain", "--limit", "1", "--lang", "en", input="?\n").output
    assert "anggota" in saved and "member" not in saved
    assert "member" in given and "anggota" not in given


def test_studying_a_file_to_import_says_to_import_it(runner, tmp_path):
    db = str(tmp_path / "q.db")
    (tmp_path / "words.csv").write_text("front,back\nhouse,rumah\n", encoding="utf-8")
    (tmp_path / "deck.apkg").write_bytes(b"PK\x03\x04 a zip, or so it says")
    for name, what in (("words.csv", "a text (CSV/TSV) deck"), ("deck.apkg", "an Anki package")):
        path = str(tmp_path / name)
        result = runner.invoke(main, ["--db", db, "study", path, "--plain"])
        assert result.exit_code == 1
        assert result.output == f"quiz: {path}: {what}: import it first (quiz import {path}), then study the deck " \
                                "it makes\n"
