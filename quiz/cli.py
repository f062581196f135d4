"""The `quiz` command line: a thin layer over the core.

Imports inside commands are deferred so that `quiz --help` loads nothing but click.
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager

import click

from quiz import __version__

LANG = click.Choice(["en", "id"])


class QuizError(click.ClickException):
    """A one-line error for the user; never a traceback."""

    def show(self, file=None) -> None:
        click.echo(f"quiz: {self.format_message()}", err=True)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="quiz")
@click.option("--db", "db_path", metavar="PATH", envvar="QUIZ_DB",
              help="The progress database (default: quiz.db in your data folder; or set QUIZ_DB).")
@click.pass_context
def main(ctx: click.Context, db_path: str | None) -> None:
    """Study facts in the terminal: generated questions, spaced repetition, honest scores."""
    ctx.obj = {"db": db_path}
    if ctx.invoked_subcommand is None:
        _run_app(db_path)


def _run_app(db_path: str | None, **study) -> None:
    """The full-screen app; Textual is imported only here."""
    head_start = None
    if study.get("deck"):  # another process draws the first question while Textual loads here
        from quiz.study.head_start import begin

        head_start = begin(db_path, study["deck"], study.get("lang"), study.get("limit"), study.get("practice", False),
                           study.get("topic"))
    try:
        from quiz.tui.app import QuizApp

        app = QuizApp(db_path=db_path, head_start=head_start, **study)
        app.run()
    finally:
        if head_start is not None:
            head_start.cancel()  # (unless the app took its question: the app quit first)
    if app.start_error is not None:
        raise QuizError(app.start_error)
    if app.return_code:  # (Textual has shown what went wrong)
        raise SystemExit(app.return_code)


def _load_or_stored(ctx: click.Context, deck: str):
    """A deck file or bundled deck; else a deck in the learner's library (an imported one), if there is
    a library: a file is never created just to look."""
    from quiz.bundled import load
    from quiz.formats.problems import DeckError
    from quiz.paths import db_path

    try:
        return load(deck)
    except DeckError as error:
        not_found = QuizError(str(error))
    path, _default = db_path(ctx.obj.get("db") if ctx.obj else None)
    if not path.is_file():
        raise not_found
    from quiz.study.engine import UnknownDeck

    library = _library(ctx)
    with _store_errors(library):
        try:
            return library.deck_model(library.resolve(deck))
        except (DeckError, UnknownDeck):
            raise not_found from None


@main.command()
@click.argument("path")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def check(path: str, strict: bool) -> None:
    """Validate a deck (a file or a bundled deck id) and lint its content."""
    from quiz.bundled import resolve_deck_path
    from quiz.formats.problems import DeckError
    from quiz.formats.yaml_deck import load_deck
    from quiz.lint import lint

    try:
        deck = load_deck(resolve_deck_path(path))
    except DeckError as error:
        for problem in error.problems:
            click.echo(str(problem))
        count = len(error.problems)
        click.echo(f"{count} problem{'s' if count != 1 else ''}", err=True)
        sys.exit(1)
    warnings = lint(deck)
    for warning in warnings:
        click.echo(str(warning))
    click.echo(
        f"{deck.path}: ok: deck {deck.id}, {len(deck.entities)} entities, {len(deck.relations)} relations, "
        f"{len(deck.facts)} facts, {len(deck.cards)} cards, {len(deck.sources)} sources; "
        f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}"
    )
    if strict and warnings:
        sys.exit(1)


@main.command()
@click.argument("deck")
@click.option("--lang", type=LANG, default="en", show_default=True, help="Question language.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for options and their order.")
@click.option("--kind", "kinds", multiple=True,
              type=click.Choice(["mcq", "mcq_not", "true_false", "multi_select", "type_in", "cloze", "flashcard"]),
              help="Only this kind of question (repeatable).")
@click.option("--difficulty", type=click.Choice(["mixed", "near", "far"]), default="mixed", show_default=True,
              help="near: options like the answer; far: obviously different.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def generate(ctx: click.Context, deck: str, lang: str, seed: int, kinds: tuple[str, ...], difficulty: str,
             as_json: bool) -> None:
    """Print the questions generated from DECK (a bundled deck id, a path, or a deck you imported)."""
    from quiz.questions.generator import generate as generate_questions

    model = _load_or_stored(ctx, deck)
    questions = generate_questions(model, lang=lang, seed=seed, kinds=kinds or None, difficulty=difficulty)
    if as_json:
        payload = {"deck": model.id, "lang": lang, "questions": [q.to_dict() for q in questions]}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=1))
        return
    for number, question in enumerate(questions, 1):
        click.echo(_listing(number, question))
    click.echo(f"{len(questions)} questions")


def _listing(number: int, question) -> str:
    lines = [f"{number}. [{question.kind}] {question.prompt}"]
    for i, choice in enumerate(question.choices):
        mark = "*" if i in question.answer else " "
        lines.append(f"   {mark} {i + 1}) {choice}")
    if not question.choices or question.kind == "multi_select":
        lines.append(f"   answer: {question.answer_text}")
    if question.explanation:
        lines.append(f"   why: {question.explanation}")
    for source in question.sources:
        date = f", {source['date']}" if source.get("date") else ""
        lines.append(f"   source: {source['outlet']}, “{source['title']}”{date} [{source.get('seed') or ''}]")
    lines.append(f"   id: {question.id}")
    return "\n".join(lines) + "\n"


def _library(ctx: click.Context, *, sync_bundled: bool = True):
    """The learner's library, or a one-line error (bad database, bad settings). sync_bundled=False:
    the decks quiz ships are not registered or brought up to date (the next command that shows
    them does it)."""
    from quiz.config import ConfigError, load_config
    from quiz.store.database import StoreError
    from quiz.study.engine import Library

    try:
        return Library.open(ctx.obj.get("db") if ctx.obj else None, config=load_config(), sync_bundled=sync_bundled)
    except (StoreError, ConfigError) as error:
        raise QuizError(str(error)) from None


@contextmanager
def _store_errors(library):
    """SQLite trouble after opening (a file damaged under us, a full disk) as one line, never a traceback."""
    import sqlite3

    from quiz.store.database import describe

    try:
        yield
    except sqlite3.Error as error:
        raise QuizError(f"{library.path}: {describe(error)}") from None
    finally:
        library.close()


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def decks(ctx: click.Context, as_json: bool) -> None:
    """List your decks with their counts: new, learning, due now, in review, suspended, retired."""
    library = _library(ctx)
    with _store_errors(library):
        summaries = library.decks()
        if as_json:
            click.echo(json.dumps([d.to_dict() for d in summaries], ensure_ascii=False, indent=1))
            return
        for problem in library.problems:
            click.echo(f"quiz: warning: {problem}", err=True)
        if not summaries:
            click.echo("No decks yet: quiz study PATH adds a deck file.")
            return
        width = max(len(d.deck) for d in summaries)
        for d in summaries:
            click.echo(f"{d.deck:<{width}}  {d.title_in('en')}")
            click.echo(f"{'':<{width}}  new {d.new}, learning {d.learning}, due {d.due}, review {d.review}, "
                       f"suspended {d.suspended}, retired {d.retired}, total {d.total}")


@main.command()
@click.argument("deck")
@click.argument("question_ids", nargs=-1, metavar="[QUESTION_ID]...")
@click.pass_context
def unsuspend(ctx: click.Context, deck: str, question_ids: tuple[str, ...]) -> None:
    """Bring back a deck's suspended questions (`s` in a session, or leeches): those given by id
    (as `quiz generate` lists them), or all of them."""
    from quiz.study.engine import UnknownDeck

    library = _library(ctx)
    with _store_errors(library):
        try:
            count = library.unsuspend(deck, question_ids or None)
        except UnknownDeck as error:
            raise QuizError(str(error)) from None
        except KeyError as error:
            raise QuizError(error.args[0]) from None
        click.echo(f"{deck}: {count} question{'' if count == 1 else 's'} unsuspended.")


@main.command()
@click.argument("deck")
@click.option("--plain", is_flag=True, help="Plain text on standard input and output (screen readers, pipes).")
@click.option("--lang", type=LANG, default="en",
              help="Question (and interface) language.  [default: the saved one (Settings, Ctrl+L), else en]")
@click.option("--limit", type=click.IntRange(min=1),
              help="At most this many new and due questions (learning steps already begun come on top).")
@click.option("--cram", is_flag=True, help="Practice ahead of schedule, weakest first; the schedule is unchanged.")
@click.option("--topic", help="Only questions on this topic.")
@click.pass_context
def study(ctx: click.Context, deck: str, plain: bool, lang: str, limit: int | None, cram: bool,
          topic: str | None) -> None:
    """Study DECK (a deck name, a bundled deck id or a deck file)."""
    if not plain:
        _run_app(ctx.obj.get("db") if ctx.obj else None, deck=deck, lang=lang_given(ctx, lang), limit=limit,
                 practice=cram, topic=topic)
        return
    from quiz.formats.problems import DeckError
    from quiz.study.engine import UnknownDeck
    from quiz.study.plain import run_plain

    library = _library(ctx)
    with _store_errors(library):
        for problem in library.problems:
            click.echo(f"quiz: warning: {problem}", err=True)
        try:
            name = library.resolve(deck)
        except (DeckError, UnknownDeck) as error:
            raise QuizError(str(error)) from None
        if lang_given(ctx, lang) is None:  # as in the app: the language the learner chose last
            from quiz.settings import LANGUAGES, load_settings

            saved = load_settings().language
            lang = saved if saved in LANGUAGES else lang
        session = library.session(name, lang=lang, limit=limit, cram=cram, topic=topic)
        _utf8_streams()
        run_plain(session)


def lang_given(ctx: click.Context, lang: str) -> str | None:
    """--lang if the learner gave it; else None, so the app uses the saved setting."""
    source = ctx.get_parameter_source("lang")
    return lang if source is not None and source.name != "DEFAULT" else None


def _utf8_streams() -> None:
    """Answers may be typed in any script, and ✔/✘ must not crash a terminal that cannot show them."""
    for stream in (sys.stdin, sys.stdout):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")


@main.command()
@click.argument("deck", required=False)
@click.option("--days", type=click.IntRange(min=1, max=36500), default=365, show_default=True,
              help="Days of history: the calendar (by_day in --json) and the text's answer days.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def stats(ctx: click.Context, deck: str | None, days: int, as_json: bool) -> None:
    """Scores: answers, accuracy, streak, what is due, true retention, topics, calibration, per deck."""
    from quiz.stats import report
    from quiz.study.engine import UnknownDeck

    library = _library(ctx)
    with _store_errors(library):
        try:
            scores = report(library, deck, days)
        except UnknownDeck as error:
            raise QuizError(str(error)) from None
        if as_json:
            click.echo(json.dumps(scores, ensure_ascii=False, indent=1))
            return
        click.echo(f"{_answers(scores['reviews'])}, {scores['correct']} right ({_percent(scores['accuracy'])}); "
                   f"{scores['reviews_today']} today; streak {scores['streak_days']} "
                   f"day{'s' if scores['streak_days'] != 1 else ''}; {scores['due']} due now, "
                   f"{scores['due_today']} due today")
        for row in scores["decks"]:
            click.echo(f"  {row['deck']}: {_answers(row['reviews'])}, {row['correct']} right "
                       f"({_percent(row['accuracy'])}), {row['due']} due now, {row['due_today']} due today")
        active = [day for day in scores["by_day"] if day["reviews"]]
        click.echo(f"last {days} day{'s' if days != 1 else ''}: {_answers(sum(d['reviews'] for d in active))} on "
                   f"{len(active)} day{'s' if len(active) != 1 else ''}")
        week = [day["due"] for day in scores["forecast"][:7]]
        click.echo(f"due in the next {len(week)} days: {sum(week)} (by day, from today: "
                   f"{', '.join(map(str, week))})")
        counts = scores["counts"]
        click.echo("items: " + ", ".join(f"{name} {counts[name]}" for name in counts))
        month = scores["true_retention"]["month"]
        click.echo(f"true retention, last 30 days: young {_percent(month['young']['retention'])}, "
                   f"mature {_percent(month['mature']['retention'])}")
        calibration = scores["calibration"]
        if calibration["reviews"]:
            click.echo(f"calibration: {_answers(calibration['reviews'])}, log loss {calibration['log_loss']:.3f}, "
                       f"RMSE (bins) {calibration['rmse_bins']:.3f}")
        for topic in scores["topics"][:3]:
            click.echo(f"weak topic: {topic['topic']} ({_percent(topic['accuracy'])} of {topic['reviews']})")


@main.command()
@click.argument("deck", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def optimize(ctx: click.Context, deck: str | None, as_json: bool) -> None:
    """Fit FSRS to your own answers (every deck, or DECK); the new weights are kept only if they predict better."""
    from quiz.optimize import optimize as fit
    from quiz.study.engine import UnknownDeck

    library = _library(ctx)
    with _store_errors(library):
        try:
            names = [deck] if deck else [d.deck for d in library.decks()]
            reports = [fit(library, name) for name in names]
        except UnknownDeck as error:
            raise QuizError(str(error)) from None
        if as_json:
            click.echo(json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=1))
            return
        for result in reports:
            click.echo(result.summary())


_SEPARATOR_ESCAPES = {"\\t": "\t", "\\n": "\n", "\\r\\n": "\r\n"}


def _separator(value: str | None) -> str | None:
    """A separator as typed: `\\t` and `\\n` stand for a tab and a new line."""
    return _SEPARATOR_ESCAPES.get(value, value) if value is not None else None


@main.command("import")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--deck", "deck_name", metavar="NAME",
              help="The deck's name (default: the file's own deck). A deck of that name already there becomes "
                   "this file's cards: the ones the file lacks are retired (their history kept).")
@click.option("--format", "fmt", type=click.Choice(["anki", "text", "quizlet", "yaml"]),
              help="The file's kind (default: from its name; a zip is an Anki package; a .txt laid out as "
                   "Quizlet's custom export is one).")
@click.option("--separator", metavar="S", help="Text files: the field separator (tab, comma, ';', ...); Quizlet: "
                                               "between term and definition. \\t is a tab.")
@click.option("--card-separator", metavar="S", help="Quizlet: between cards (default: a new line). \\n is a new line.")
@click.option("--dry-run", is_flag=True, help="Show what would be added, updated and left alone; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def import_(ctx: click.Context, paths: tuple[str, ...], deck_name: str | None, fmt: str | None,
            separator: str | None, card_separator: str | None, dry_run: bool, as_json: bool) -> None:
    """Import deck files: Anki packages (.apkg, .colpkg) with their review history, Anki text exports
    (.csv, .tsv, .txt), Quizlet exports (--format quizlet) and quiz's YAML decks.

    Each file is imported whole or not at all; importing it again changes nothing, and a newer
    version updates changed cards and keeps their progress."""
    from pathlib import Path

    from quiz.formats.problems import DeckError
    from quiz.formats.readers import detect_format
    from quiz.study.importing import import_deck

    if deck_name is not None and len(paths) > 1:
        raise QuizError("--deck takes one file: each file would replace the cards of the one before")
    for path in paths:
        if Path(path).is_dir():
            raise QuizError(f"{path}: a folder: give the deck files in it (quiz import {path}/*)")
        if not Path(path).is_file():
            raise QuizError(f"{path}: no such file")
    # An import needs none of the bundled decks (a third of a second on a new database).
    library = _library(ctx, sync_bundled=False)
    reports = []
    with _store_errors(library):
        for path in paths:
            kind = fmt or detect_format(path)
            options = {}
            if kind == "text" and separator is not None:
                options["separator"] = _separator(separator)
            elif kind == "quizlet":
                options = {"term_sep": _separator(separator), "card_sep": _separator(card_separator)}
            progress = _ProgressLine(path, sys.stderr)
            try:
                with progress:  # (cleared however the import ends, before anything else is said)
                    report = import_deck(library, path, deck_name=deck_name, dry_run=dry_run, format=fmt,
                                         progress=progress or None, **options)
            except DeckError as error:
                if as_json and reports:
                    click.echo(json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=1))
                raise QuizError(str(error)) from None
            except KeyboardInterrupt as interrupt:  # (say what was kept, rather than click's bare "Aborted!")
                before = len(reports) + getattr(interrupt, "committed", False)
                done = f" ({before} file{'s' if before != 1 else ''} imported)" if before else ""
                what = "imported, its media may be missing" if getattr(interrupt, "committed", False) else \
                    "nothing imported from it"
                # (the progress line was cleared: the message takes its place; else after the ^C)
                click.echo(f"{'' if progress.cleared else chr(10)}quiz: {path}: interrupted: {what}{done}", err=True)
                sys.exit(130)
            reports.append(report)
            if not as_json:
                for warning in report.warnings:
                    click.echo(f"quiz: {warning}", err=True)  # (each says "warning:" itself)
                click.echo(report.summary())
        if as_json:
            click.echo(json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=1))


@main.command()
@click.argument("deck")
@click.option("--format", "fmt", type=click.Choice(["yaml", "csv", "apkg"]),
              help="yaml: quiz's deck format (imports back as the same deck); csv: tab-separated with Anki's "
                   "headers, for Anki; apkg: an Anki package (notes, or a fact deck's generated questions). "
                   "Default: from the output file's name.")
@click.option("-o", "--output", metavar="FILE", required=True, help="The file to write ('-' for standard output).")
@click.option("--lang", type=LANG, default="en", show_default=True, help="csv, apkg: the language of the cards.")
@click.pass_context
def export(ctx: click.Context, deck: str, fmt: str | None, output: str, lang: str) -> None:
    """Export DECK (a deck name, a bundled deck id or a deck file) as YAML, or as CSV or .apkg for Anki."""
    from pathlib import Path

    from quiz.formats.problems import DeckError
    from quiz.study.engine import UnknownDeck

    if fmt is None:
        suffix = Path(output).suffix.lower()
        fmt = "yaml" if suffix in (".yaml", ".yml") else "csv" if suffix in (".csv", ".tsv", ".txt") else \
            "apkg" if suffix == ".apkg" else None
        if fmt is None:
            raise QuizError(f"{output}: say --format yaml, csv or apkg (or name the file .yaml, .csv or .apkg)")
    if fmt == "apkg" and output == "-":
        raise QuizError("an .apkg is a zip file: give a file name with -o, not '-'")
    library = _library(ctx)
    with _store_errors(library):
        try:
            name = library.resolve(deck)
            model = library.deck_model(name)
        except (DeckError, UnknownDeck) as error:
            raise QuizError(str(error)) from None
        if fmt == "yaml":
            from quiz.formats.yaml_export import deck_to_yaml

            text = deck_to_yaml(model)
        elif fmt == "apkg":
            import time

            from quiz.formats.apkg_export import write_apkg

            # Notes stamped with the deck's last change: the same deck gives the same file, a changed
            # one newer notes, which Anki's "update if newer" takes.
            row = library.db.conn.execute("SELECT updated_at FROM decks WHERE name = ?", (name,)).fetchone()
            stamp = row[0] / 1000 if row and row[0] else time.time()
            import copy
            from dataclasses import replace

            from quiz.study.importing import media_folder

            # A card goes suspended as the learner has it here (suspended in the app, or a leech), not
            # as the file it came from had it. (A copy: the library keeps its model.)
            suspended = library.suspended_cards(name) if model.cards else set()
            model = copy.copy(model)
            model.cards = [card if card.suspended == (card.id in suspended) else
                           replace(card, suspended=card.id in suspended) for card in model.cards]

            try:
                count = write_apkg(model, Path(output), lang=lang, timestamp=stamp,
                                   media_dir=media_folder(library, name))
            except OSError as error:
                raise QuizError(f"{output}: cannot write: {error.strerror or error}") from None
            click.echo(f"{output}: exported deck {name} (apkg, {count} notes)", err=True)
            return
        else:
            from quiz.formats.text_export import deck_to_csv

            text = deck_to_csv(model, lang)
    if output == "-":
        click.echo(text, nl=False)
        return
    _write_atomically(Path(output), text)
    click.echo(f"{output}: exported deck {name} ({fmt})", err=True)


class _ProgressLine:
    """An import's progress on a terminal's line, `file: 42%`, written over as it goes, cleared when
    the import ends (a large file takes seconds: the terminal shows it is working). Off (false, and
    writing nothing) when the stream is not a terminal: a log or a pipe gets the summary alone."""

    def __init__(self, path: str, stream):
        from pathlib import Path

        name = Path(path).name  # (the name alone: a long path would wrap, and \r would not go back over it)
        self.name = name if len(name) <= 40 else name[:39] + "…"
        self.stream, self.shown, self.cleared = stream, -1, False
        self.on = stream.isatty()

    def __bool__(self) -> bool:
        return self.on

    def __call__(self, done: int, total: int, stage: str) -> None:
        percent = done * 100 // max(total, 1)
        if percent != self.shown:
            self.shown = percent
            self.stream.write(f"\r{self.name}: {percent}%")
            self.stream.flush()

    def __enter__(self) -> _ProgressLine:
        return self

    def __exit__(self, *exc) -> None:
        self.clear()

    def clear(self) -> None:
        """Clear the line, if anything is on it (`cleared` says it was)."""
        if self.shown >= 0:
            self.stream.write("\r" + " " * (len(self.name) + 8) + "\r")  # (8: ": 100%" and a ^C echoed after it)
            self.stream.flush()
            self.shown, self.cleared = -1, True


def _write_atomically(path, text: str) -> None:
    """Write the whole file or nothing: a temporary file beside it, then renamed over it (through a
    symlink, the file it names; /dev/stdout, a device or a pipe is written into)."""
    import os
    import tempfile

    from quiz.paths import usual_file_mode, write_output

    def replace(real) -> None:
        handle, temporary = tempfile.mkstemp(prefix=f".{real.name}.", dir=real.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
                file.write(text)
            usual_file_mode(temporary, real)
            os.replace(temporary, real)
        except BaseException:
            os.unlink(temporary)
            raise

    try:
        write_output(path, text.encode("utf-8"), replace=replace)
    except OSError as error:
        raise QuizError(f"{path}: cannot write: {error.strerror or error}") from None


def _answers(count: int) -> str:
    return f"{count} answer{'' if count == 1 else 's'}"


def _percent(ratio: float | None) -> str:
    return "-" if ratio is None else f"{round(100 * ratio)}%"


def run() -> None:
    """Console entry point: no traceback ever reaches the user."""
    try:
        main(standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
