"""`quiz check` and `quiz generate` through click's runner and as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from quiz.cli import main


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_generate_json_has_the_documented_shape(mini_path):
    result = run("generate", str(mini_path), "--json", "--seed", "2")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["deck"] == "mini" and payload["lang"] == "en"
    required = {"id", "kind", "lang", "prompt", "choices", "answer", "answer_text", "accepted", "explanation",
                "sources", "facts"}
    for question in payload["questions"]:
        assert required <= question.keys()
        assert all(0 <= i < len(question["choices"]) for i in question["answer"])
        for source in question["sources"]:
            assert {"seed", "outlet", "title", "date"} <= source.keys()


def test_generate_is_byte_identical_for_a_seed(mini_path):
    first = run("generate", str(mini_path), "--json", "--seed", "9", "--lang", "id").output
    again = run("generate", str(mini_path), "--json", "--seed", "9", "--lang", "id").output
    other = run("generate", str(mini_path), "--json", "--seed", "10", "--lang", "id").output
    assert first == again
    assert first != other


def test_generate_filters_by_kind(mini_path):
    payload = json.loads(run("generate", str(mini_path), "--json", "--kind", "cloze", "--kind", "type_in").output)
    assert {q["kind"] for q in payload["questions"]} == {"cloze", "type_in"}


def test_readable_listing_marks_the_key(mini_path):
    output = run("generate", str(mini_path), "--kind", "mcq").output
    assert "* " in output and "source: Outlet One" in output
    assert output.rstrip().endswith("questions")


def test_check_reports_every_problem_and_exits_1(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("deck: {id: t, title: T}\nentities:\n  - {id: a, type: c}\n  - {id: b, name: B}\n")
    result = run("check", str(bad))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith(str(bad))]
    assert lines == [f"{bad}:3: entities[0].name: missing", f"{bad}:4: entities[1].type: missing"]


def test_check_ok_prints_a_one_line_summary(mini_path):
    result = run("check", str(mini_path))
    assert result.exit_code == 0
    assert result.output.splitlines()[-1].startswith(f"{mini_path}: ok: deck mini, 10 entities")


def test_check_lints_weak_relations_and_leaky_templates(tmp_path):
    deck = tmp_path / "lint.yaml"
    deck.write_text("""
deck: {id: t, title: T}
sources: [{id: s, outlet: O, title: T}, {id: unused, outlet: O, title: T}]
entities:
  - {id: a, type: c, name: Alpha}
  - {id: o, type: org, name: Omega}
relations:
  - {id: in, subject_type: c, value_type: entity, value_entity_type: org, label: in,
     templates: {en: {ask_value: "Is Alpha in Omega? Which org is {subject} in?"}}}
facts:
  - {id: f, subject: a, relation: in, value: o}
""")
    result = run("check", str(deck))
    assert result.exit_code == 0
    assert "fact f: warning: no source" in result.output
    assert "source unused: warning: cited by no fact" in result.output
    assert "cannot get 3 provably wrong options" in result.output
    assert "contains its answer 'Omega'" in result.output
    assert run("check", str(deck), "--strict").exit_code == 1


def test_unknown_deck_is_one_line_and_exit_1():
    result = CliRunner().invoke(main, ["generate", "no-such-deck"])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert "no such file or bundled deck" in result.output


def test_bundled_deck_works_from_any_directory(tmp_path):
    env = {**os.environ, "PYTHONPATH": ""}
    done = subprocess.run([sys.executable, "-m", "quiz", "generate", "russia-allies", "--json"],
                          cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["deck"] == "russia-allies"


def test_core_never_imports_textual_and_help_imports_nothing_heavy():
    code = (
        "import sys, quiz.cli, quiz.questions.generator, quiz.knowledge, quiz.lint, quiz.formats.yaml_deck\n"
        "import quiz.study.engine, quiz.study.plain, quiz.store.database, quiz.stats, quiz.settings, quiz.i18n\n"
        "from quiz.study.engine import Library\n"
        "import tempfile, os\n"
        "with Library.open(os.path.join(tempfile.mkdtemp(), 'q.db')) as library:\n"
        "    session = library.session('russia-allies')\n"
        "    shown = session.next()\n"
        "    if shown.question.kind == 'flashcard':\n"
        "        session.grade(shown, 3, 1000)\n"
        "    else:\n"
        "        session.answer(shown, [0] if shown.question.choices else 'x', 1000)\n"
        "print(','.join(m for m in ('textual', 'rich') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
    help_imports = (
        "import sys\nfrom quiz.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print('LOADED=' + ','.join(m for m in ('yaml', 'textual', 'sqlite_utils', 'fsrs', 'rapidfuzz')"
        " if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", help_imports], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().splitlines()[-1] == "LOADED="


def test_generate_reads_an_imported_deck_from_the_library_without_creating_one(tmp_path):
    package = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "anki" / "chemistry-modern.apkg"
    if not package.is_file():
        pytest.skip("shared fixtures not beside the checkout")
    db = tmp_path / "q.db"
    missing = CliRunner().invoke(main, ["--db", str(tmp_path / "none.db"), "generate", "chemistry"])
    assert missing.exit_code == 1 and "chemistry: no such file or bundled deck" in missing.output
    assert not (tmp_path / "none.db").exists()  # looking never creates a library
    assert CliRunner().invoke(main, ["--db", str(db), "import", str(package)]).exit_code == 0
    result = CliRunner().invoke(main, ["--db", str(db), "generate", "chemistry", "--kind", "mcq", "--json"])
    assert result.exit_code == 0, result.output
    questions = json.loads(result.output)["questions"]
    assert questions and {q["template"] for q in questions} == {"card.mcq"}
    assert all(len(q["choices"]) == 4 and q["choices"][q["answer"][0]] == q["answer_text"] for q in questions)
