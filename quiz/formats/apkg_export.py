"""Write any deck as an Anki package (.apkg, with genanki), for Anki on a desktop or a phone.

    write_apkg(deck, "deck.apkg", timestamp=updated_at)

- A card deck gives its notes back: a card of an Anki note type keeps that type where the model
  still holds what the note was (Basic, Basic (and reversed card) when both directions are there,
  Basic (type in the answer), Cloze when the deletions can be found again from the card's text,
  quiz.questions.cloze), with its tags and its deck (`Chemistry::Elements`). Anything else is a
  Basic note, its explanation under the answer.
- A fact deck gives the questions quiz generates from it (seed 0): a flashcard, type-in or cloze
  question as a Basic note (the answer, then the explanation and the sources on the back); a
  multiple-choice, select-all or true/false question as a note whose front lists the options and
  whose back gives the answer and why.

Ids are stable, so exporting again and importing into Anki updates the notes instead of adding
copies: a note keeps the guid it came from Anki with, else its guid is derived from the deck id and
the card's (or question's) id; note type and deck ids are derived from the deck id. Notes are
stamped with `timestamp` (the deck's last change), so an unchanged deck gives the same bytes and a
changed one a newer note that Anki's "update if newer" takes.

Deck text is untrusted: every field is HTML-escaped (and `{`, `}` and `[sound:` too, which Anki
would read as template, cloze or media syntax), new lines become `<br>`.

Media: given the deck's media folder, a card's pictures and sounds go back into the package, and
their placeholders (`[image: NAME]`, `[audio: NAME]`) back into `<img src="NAME">` and
`[sound:NAME]`, for the names the card lists (Card.media) whose file is in that folder; any other
placeholder stays text.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import os
import sqlite3
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

from quiz.formats.anki_notes import QUIZ_NOTE_TYPE
from quiz.model import Card, Deck
from quiz.paths import output_target, usual_file_mode, write_into

_CSS = ".card { font-family: sans-serif; font-size: 20px; text-align: center; }\n" \
       ".quiz-explain { font-size: 16px; color: #555; }\n"
_ANSWER = "{{FrontSide}}\n\n<hr id=answer>\n\n"
_EXTRA = "{{#Extra}}<br><br><div class=quiz-explain>{{Extra}}</div>{{/Extra}}"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the zip's own timestamps: fixed, so the same deck gives the same bytes


def stable_id(*parts: str) -> int:
    """A note type or deck id from names: in [2**30, 2**31), as genanki suggests, the same every time."""
    digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return (1 << 30) + int.from_bytes(digest, "big") % (1 << 30)


def escape(text: str) -> str:
    """Plain text as an Anki field: nothing in it is markup, template, cloze or media syntax."""
    out = html.escape(text, quote=False).replace("{", "&#123;").replace("}", "&#125;")
    out = out.replace("[sound:", "&#91;sound:")
    return out.replace("\r\n", "\n").replace("\n", "<br>")


def _tag(tag: str) -> str:
    """Anki tags are single words: spaces become underscores."""
    return "_".join(tag.split())


class _Models:
    """The note types, made on first use; ids from the deck id and the type's name."""

    def __init__(self, deck_id: str):
        import genanki

        self.genanki = genanki
        self.deck_id = deck_id
        self._made: dict[str, object] = {}

    def _model(self, name: str, fields: list[str], templates: list[tuple[str, str, str]], cloze: bool = False):
        if name not in self._made:
            g = self.genanki
            self._made[name] = g.Model(
                stable_id(self.deck_id, "model", name), f"{name}{QUIZ_NOTE_TYPE}", fields=[{"name": f} for f in fields],
                templates=[{"name": n, "qfmt": q, "afmt": a} for n, q, a in templates], css=_CSS,
                model_type=g.Model.CLOZE if cloze else g.Model.FRONT_BACK)
        return self._made[name]

    @property
    def basic(self):
        return self._model("Basic", ["Front", "Back", "Extra"],
                           [("Card 1", "{{Front}}", _ANSWER + "{{Back}}" + _EXTRA)])

    @property
    def reversed(self):
        return self._model("Basic (and reversed card)", ["Front", "Back"], [
            ("Card 1", "{{Front}}", _ANSWER + "{{Back}}"), ("Card 2", "{{Back}}", _ANSWER + "{{Front}}")])

    @property
    def type_in(self):
        return self._model("Basic (type in the answer)", ["Front", "Back", "Extra"], [
            ("Card 1", "{{Front}}\n\n{{type:Back}}", "{{Front}}\n\n<hr id=answer>\n\n{{type:Back}}" + _EXTRA)])

    @property
    def cloze(self):
        return self._model("Cloze", ["Text", "Back Extra"], [
            ("Cloze", "{{cloze:Text}}", "{{cloze:Text}}<br>\n{{Back Extra}}")], cloze=True)


def deck_notes(deck: Deck, lang: str = "en",
               media: frozenset[str] = frozenset()) -> list[tuple[tuple[str, ...], object]]:
    """(deck path, genanki note) for every note the deck exports to, in deck order; `media`: the
    names of the media files that go into the package with them."""
    models = _Models(deck.id)
    title = tuple(part for part in deck.title.get(lang).replace("\n", " ").split("::") if part.strip()) or (deck.id,)
    out: list[tuple[tuple[str, ...], object]] = []
    by_guid: dict[str, list[Card]] = defaultdict(list)
    for card in deck.cards:
        if card.guid is not None:
            by_guid[card.guid].append(card)
    done: set[str] = set()
    for card in deck.cards:
        if card.guid is not None:
            if card.guid in done:
                continue
            done.add(card.guid)
            group = sorted(by_guid[card.guid], key=lambda c: c.ord)
        else:
            group = [card]
        path = group[0].deck_path or title
        out.extend((path, note) for note in _card_notes(models, deck, group, lang, media))
    if deck.facts:
        out.extend((title, note) for note in _question_notes(models, deck, lang))
    return out


def _card_notes(models: _Models, deck: Deck, group: list[Card], lang: str, media: frozenset[str] = frozenset()) -> list:
    """The notes a card group (a guid's cards) exports to, with the media among `media` put back."""
    notes = _card_notes_as_text(models, deck, group, lang)
    # Suspended cards go as suspended (Anki's queue -1): a note a card holds its card as its only one;
    # a note for the whole group (reversed, cloze) numbers its cards as the group's cards are numbered.
    if any(card.suspended for card in group):
        if len(notes) == len(group):
            for note, card in zip(notes, group, strict=True):
                for exported in note.cards:
                    exported.suspend = card.suspended
        else:
            suspended = {card.ord for card in group if card.suspended}
            for exported in notes[0].cards:
                exported.suspend = exported.ord in suspended
    names = [name for card in group for name in card.media if name in media]
    if names:
        for note in notes:
            note.fields = [_media_refs(text, names) for text in note.fields]
    return notes


def _media_refs(field: str, names: list[str]) -> str:
    """A field's placeholders of these media files as Anki's references to them."""
    from quiz.formats.html_text import media_kind, placeholder

    for name in names:
        if "[" not in name and "]" not in name:  # else [sound:NAME] could not hold it
            field = field.replace(escape(placeholder(media_kind(name), name)), f"[sound:{name}]")
        field = field.replace(escape(placeholder("image", name)), f'<img src="{html.escape(name, quote=True)}">')
    return field


def _card_notes_as_text(models: _Models, deck: Deck, group: list[Card], lang: str) -> list:
    from quiz.formats.anki_notes import CLOZE, OPTIONAL_REVERSED, REVERSED, TYPE_IN, stock_kind

    g = models.genanki
    first = group[0]
    kind = stock_kind(first.note_type)
    tags = list(dict.fromkeys(_tag(t) for t in first.tags if _tag(t)))
    guid = first.guid
    if kind == CLOZE and guid is not None:
        text = _cloze_field(group, lang)
        if text is not None:
            return [g.Note(models.cloze, [text[0], escape(text[1])], tags=tags, guid=guid)]
    if kind in (REVERSED, OPTIONAL_REVERSED) and len(group) == 2 and [c.ord for c in group] == [0, 1]:
        a, b = group
        if a.front == b.back and a.back == b.front:
            return [g.Note(models.reversed, [escape(a.front.get(lang)), escape(a.back.get(lang))], tags=tags,
                           guid=guid)]
    notes = []
    for card in group:
        # A note's one card keeps its guid; cards of a note that cannot be rebuilt become notes of their own.
        card_guid = g.guid_for(deck.id, card.id) if guid is None else guid if len(group) == 1 else f"{guid}#{card.ord}"
        model = models.type_in if kind == TYPE_IN and len(group) == 1 else models.basic
        explain = card.explain.get(lang) if card.explain else ""
        notes.append(g.Note(model, [escape(card.front.get(lang)), escape(card.back.get(lang)), escape(explain)],
                            tags=list(dict.fromkeys(_tag(t) for t in card.tags if _tag(t))), guid=card_guid))
    return notes


def _cloze_field(group: list[Card], lang: str) -> tuple[str, str] | None:
    """(the Text field as HTML, the Back Extra as text) rebuilt from a cloze note's cards, or None."""
    from quiz.questions.cloze import split_cloze

    sentence, extra, marks = None, None, []
    for card in group:
        explain = card.explain.get(lang) if card.explain else None
        cloze = split_cloze(card.front.get(lang), card.back.get(lang), explain)
        if cloze is None or (sentence is not None and (cloze.sentence, cloze.extra) != (sentence, extra)):
            return None
        sentence, extra = cloze.sentence, cloze.extra
        spans = zip(cloze.spans(), cloze.hints, strict=True)
        marks += [(start, end, card.ord + 1, hint) for (start, end), hint in spans]
    marks.sort()
    if any(a[1] > b[0] for a, b in itertools.pairwise(marks)):  # deletions inside one another: not kept
        return None
    out, at = [], 0
    for start, end, number, hint in marks:
        out.append(escape(sentence[at:start]))
        out.append(f"{{{{c{number}::{escape(sentence[start:end])}" + (f"::{escape(hint)}" if hint else "") + "}}")
        at = end
    out.append(escape(sentence[at:]))
    return "".join(out), extra or ""


def _question_notes(models: _Models, deck: Deck, lang: str) -> list:
    from quiz.i18n import ui
    from quiz.questions.generator import QuestionGenerator
    from quiz.questions.question import CHOICE_KINDS

    g = models.genanki
    notes = []
    for question in QuestionGenerator(deck, lang, seed=0).generate():
        if question.template.startswith("card."):
            continue  # the deck's own cards are exported as notes above
        front = escape(question.prompt)
        if question.kind in CHOICE_KINDS:
            letters = "ABCDEFGHIJ"
            front += "<br><br>" + "<br>".join(f"{letters[i]}. {escape(choice)}"
                                               for i, choice in enumerate(question.choices))
            back = ", ".join(f"{letters[i]}. {escape(question.choices[i])}" for i in question.answer)
        else:
            back = escape(question.answer_text)
        extra = []
        if question.explanation:
            extra.append(escape(question.explanation))
        for source in question.sources:
            cited = ", ".join(part for part in (source.get("outlet"), source.get("title"), source.get("date")) if part)
            extra.append(escape(f"{ui('study.source', lang)}: {cited}"))
        tags = [_tag(question.topic)] if _tag(question.topic) else []
        notes.append(g.Note(models.basic, [front, back, "<br>".join(extra)], tags=tags,
                            guid=g.guid_for(deck.id, question.id)))
    return notes


def write_apkg(deck: Deck, path: str | Path, *, lang: str = "en", timestamp: float = 0.0,
               media_dir: str | Path | None = None) -> int:
    """Write the deck as an .apkg at `path`, whole or not at all (a temporary file, then renamed).
    `media_dir`: the deck's media folder; the cards' files found there go into the package.

    Returns the number of notes written. Raises OSError when the file cannot be written.
    """
    import genanki

    path = Path(path)
    files = _media_files(deck, Path(media_dir)) if media_dir is not None else {}
    decks: dict[tuple[str, ...], genanki.Deck] = {}
    notes = deck_notes(deck, lang, frozenset(files))
    for deck_path, note in notes:
        if deck_path not in decks:
            name = "::".join(part.strip() for part in deck_path)
            decks[deck_path] = genanki.Deck(stable_id(deck.id, "deck", name), name)
        decks[deck_path].add_note(note)
    package = genanki.Package(list(decks.values()) or [genanki.Deck(stable_id(deck.id, "deck"), deck.id)])
    target, whole = output_target(path)  # (through a symlink; stdout, a device or a pipe written into, not replaced)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=target.parent if whole else None)
    os.close(handle)
    database = temporary + ".anki2"
    try:
        conn = sqlite3.connect(database)
        try:
            package.write_to_db(conn.cursor(), timestamp, itertools.count(int(timestamp * 1000)))
            conn.commit()
        finally:
            conn.close()
        # Anki's layout: the files as members "0", "1", ... and a "media" member naming them.
        names = sorted(files)
        listing = json.dumps({str(i): name for i, name in enumerate(names)}, ensure_ascii=False).encode()
        members = [("collection.anki2", Path(database).read_bytes()), ("media", listing)]
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in members:
                archive.writestr(zipfile.ZipInfo(name, _ZIP_TIME), data, zipfile.ZIP_DEFLATED)
            for i, name in enumerate(names):
                archive.writestr(zipfile.ZipInfo(str(i), _ZIP_TIME), files[name].read_bytes(), zipfile.ZIP_DEFLATED)
        if whole:
            usual_file_mode(temporary, target)
            os.replace(temporary, target)
        else:
            write_into(target, Path(temporary).read_bytes())
            Path(temporary).unlink()
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    finally:
        Path(database).unlink(missing_ok=True)
    return len(notes)


def _media_files(deck: Deck, folder: Path) -> dict[str, Path]:
    """The cards' media names whose file is in `folder` (itself, not a path out of it) -> the file."""
    try:
        folder = folder.resolve()
    except OSError:
        return {}
    found: dict[str, Path] = {}
    for card in deck.cards:
        for name in card.media:
            if name in found:
                continue
            file = (folder / name).resolve()
            if file.parent == folder and file.is_file():
                found[name] = file
    return found
