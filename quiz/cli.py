"""The `quiz` command line: a thin layer over the core.

Imports inside commands are deferred so that `quiz --help` loads nothing but click.
"""

from __future__ import annotations

import json
import sys

import click

from quiz import __version__

LANG = click.Choice(["en", "id"])


class QuizError(click.ClickException):
    """A one-line error for the user; never a traceback."""

    def show(self, file=None) -> None:
        click.echo(f"quiz: {self.format_message()}", err=True)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="quiz")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Study facts in the terminal: generated questions, spaced repetition, honest scores."""
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


def _load(deck: str):
    from quiz.bundled import load
    from quiz.formats.problems import DeckError

    try:
        return load(deck)
    except DeckError as error:
        raise QuizError(str(error)) from None


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
def generate(deck: str, lang: str, seed: int, kinds: tuple[str, ...], difficulty: str, as_json: bool) -> None:
    """Print the questions generated from DECK (a bundled deck id or a path)."""
    from quiz.questions.generator import generate as generate_questions

    model = _load(deck)
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


def run() -> None:
    """Console entry point: no traceback ever reaches the user."""
    try:
        main(standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
