"""Anki notes to quiz cards: note types, card templates and cloze deletions, rendered as plain text.

Both importers use this: the package reader with the templates stored in the collection, the
text reader with Anki's stock note types (Basic, Basic (and reversed card), Basic (optional
reversed card), Basic (type in the answer), Cloze), chosen by the note type's name.

A card's front is its question side as text; its back is the answer: what follows
`<hr id=answer>` on the answer side (the stock templates repeat the question above it), the
typed answer for a type-in card, and the deleted text for a cloze (the whole sentence, with the
Back Extra field, becomes the card's explanation).

Card ids are stable across re-imports: the note's guid and the card's ordinal where there is a
guid, else a hash of the front (the same scheme as a YAML card without an id).
"""

from __future__ import annotations

import gc
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from quiz.formats.html_text import html_to_text, plain_to_text

BASIC, REVERSED, OPTIONAL_REVERSED, TYPE_IN, CLOZE = "basic", "reversed", "optional_reversed", "type_in", "cloze"
MAX_NESTING = 32  # deeper cloze or template nesting is read as text
MAX_CLOZE = 10_000  # cloze numbers above this are read as text
MAX_RENDERED_CHARS = 4_000_000  # one side of a card, as HTML, however its template repeats its fields


def _small_cache(maxsize: int, limit: int = 20_000):
    """lru_cache for texts up to `limit` characters; longer ones are computed each time, so a hostile
    file's megabyte fields cannot fill memory through a cache."""
    def decorate(function):
        cached = lru_cache(maxsize=maxsize)(function)

        def wrapper(text, *args):
            return cached(text, *args) if len(text) <= limit else function(text, *args)
        wrapper.__doc__, wrapper.__name__, wrapper.__wrapped__ = function.__doc__, function.__name__, function
        return wrapper
    return decorate


# -- ids ----------------------------------------------------------------------------------------
def guid_card_id(guid: str, ord: int) -> str:
    """The id of card `ord` of the note with this Anki guid: the same from a package or a text export."""
    return f"{guid_id_prefix(guid)}{ord}"


def guid_id_prefix(guid: str) -> str:
    """guid_card_id(guid, ord) without its ord: hashed once for all the cards of a note."""
    return f"anki-{hashlib.blake2b(guid.encode('utf-8', 'surrogatepass'), digest_size=8).hexdigest()}-"


def content_card_id(front: str) -> str:
    """The id of a card without a guid, from its front (as YAML cards without an id)."""
    return "card-" + hashlib.sha1(front.encode("utf-8", "surrogatepass")).hexdigest()[:12]


@contextmanager
def bulk_allocation() -> Iterator[None]:
    """Pause the cyclic garbage collector while a reader builds many small objects.

    The cards, texts and tuples an import makes hold no reference cycles, yet the collector
    would walk the growing heap again and again (a third of the time of a 100,000-card read).
    Reference counting still frees everything as usual; the previous state is restored after.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_sha1, _from_bytes = hashlib.sha1, int.from_bytes


class ContentIds:
    """Unique card ids from fronts: content_card_id(front), with -2, -3, ... for a repeated front.

    Keeps each id as its 6-byte digest in a set of ints (about 60 bytes a card) rather than the id
    string (about 115): what a reader streaming a large file holds per card.
    """

    def __init__(self) -> None:
        self.seen: set[int] = set()
        self._next: dict[int, int] = {}  # digests seen more than once -> the next suffix

    def add(self, front: str) -> str:
        digest = _sha1(front.encode("utf-8", "surrogatepass")).digest()[:6]
        key = _from_bytes(digest, "big")
        if key not in self.seen:
            self.seen.add(key)
            return "card-" + digest.hex()
        # A content id never ends in -N, so the repeats of one front are the only ids that can clash.
        n = self._next.get(key, 2)
        self._next[key] = n + 1
        return f"card-{key:012x}-{n}"


def slug(name: str, fallback: str = "imported") -> str:
    """A deck id from a name: lowercase ASCII letters, digits and '-', at most 64 characters."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")[:64].rstrip("-")
    return text or fallback


@_small_cache(4096)
def split_deck_name(name: str) -> tuple[str, ...]:
    """`Chemistry::Elements` (or Anki's internal `Chemistry\\x1fElements`) as ("Chemistry", "Elements")."""
    parts = (plain_to_text(part) for part in re.split(r"::|\x1f", name))
    return tuple(part for part in parts if part)


@_small_cache(4096)
def split_tags(tags: str) -> tuple[str, ...]:
    """Anki's space-separated tags, cleaned, without repeats."""
    return tuple(dict.fromkeys(tag for tag in (plain_to_text(t) for t in tags.split()) if tag))


# -- cloze deletions ----------------------------------------------------------------------------
_CLOZE_TOKEN = re.compile(r"\{\{c(\d{1,9})::|\}\}")


@dataclass(slots=True)
class _Cloze:
    number: int
    body: list  # of str | _Cloze: the deleted text, then (after the first "::") the hint
    hint: list | None = None


@_small_cache(4096)
def _parse_cloze(text: str) -> tuple:
    """The text as a tree of strings and deletions. `{{c1::a {{c2::b}}}}` nests; stray braces are text."""
    root: list = []
    stack: list[tuple[_Cloze, list]] = []  # open deletions and the list they sit in
    target = root
    pos = 0
    for match in _CLOZE_TOKEN.finditer(text):
        if match.start() > pos:
            _add_text(stack, target, text[pos:match.start()])
        pos = match.end()
        if match[1] is not None:
            number = int(match[1])
            if number < 1 or number > MAX_CLOZE or len(stack) >= MAX_NESTING:
                _add_text(stack, target, match[0])
                continue
            cloze = _Cloze(number, [])
            target.append(cloze)
            stack.append((cloze, target))
            target = cloze.body
        elif stack:
            _, target = stack.pop()
        else:
            _add_text(stack, target, match[0])
    if pos < len(text):
        _add_text(stack, target, text[pos:])
    while stack:  # unclosed: Anki shows these as typed
        cloze, parent = stack.pop()
        parent.pop()  # the deletion is its parent's last item: all that followed went inside it
        parent.append(f"{{{{c{cloze.number}::")
        parent.extend(cloze.body)
        if cloze.hint is not None:
            parent.append("::")
            parent.extend(cloze.hint)
    return tuple(root)


def _add_text(stack: list, target: list, text: str) -> None:
    """Text inside a deletion: its first '::' starts the hint."""
    if stack:
        cloze = stack[-1][0]
        if cloze.hint is None and target is cloze.body and "::" in text:
            body, _, hint = text.partition("::")
            if body:
                target.append(body)
            cloze.hint = [hint] if hint else []
            return
        if cloze.hint is not None and target is cloze.body:
            cloze.hint.append(text)
            return
    target.append(text)


def cloze_numbers(text: str) -> list[int]:
    """The distinct cloze numbers in a field, ascending: one card each."""
    found: set[int] = set()

    def walk(nodes) -> None:
        for node in nodes:
            if isinstance(node, _Cloze):
                found.add(node.number)
                walk(node.body)
    if "{{c" in text:
        walk(_parse_cloze(text))
    return sorted(found)


def render_cloze(text: str, number: int, question: bool) -> str:
    """A cloze field for card `number`: its deletions hidden (`[...]` or `[hint]`) on the question side."""
    if "{{c" not in text:
        return text
    return _render_cloze_nodes(_parse_cloze(text), number, question)


def _render_cloze_nodes(nodes, number: int, question: bool) -> str:
    out = []
    for node in nodes:
        if node.__class__ is str:
            out.append(node)
        elif node.number == number and question:
            out.append(f"[{''.join(_flat(node.hint))}]" if node.hint else "[...]")
        else:
            out.append(_render_cloze_nodes(node.body, number, question))
    return "".join(out)


def cloze_answers(text: str, number: int) -> list[str]:
    """The text of each deletion numbered `number` (HTML, as in the field)."""
    if "{{c" not in text:
        return []
    return ["".join(_flat(node.body)) for node in _deletions(_parse_cloze(text), number)]


def _deletions(nodes, number: int) -> Iterator[_Cloze]:
    """The deletions numbered `number`, in order; not those inside one (its text already holds them)."""
    for node in nodes:
        if node.__class__ is not str:
            if node.number == number:
                yield node
            else:
                yield from _deletions(node.body, number)


def _flat(nodes) -> Iterator[str]:
    for node in nodes or ():
        if isinstance(node, _Cloze):
            yield from _flat(node.body)
        else:
            yield node


# -- templates ----------------------------------------------------------------------------------
_TEMPLATE_TOKEN = re.compile(r"\{\{([^{}]*)\}\}")  # no braces inside: linear however many "{{" there are
_HR_ANSWER = re.compile(r"""<hr\b[^<>]*\bid\s*=\s*["']?answer\b["']?[^<>]*>""", re.I)
_FURIGANA = re.compile(r" ?([^ >\[\]]{1,50}?)\[([^\[\]]{1,100})\]")
_EMPTY_HTML = re.compile(r"^(?:\s|&nbsp;|<br\s*/?>|</?div>|</?p>)*$", re.I)


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    filters: tuple[str, ...]  # outermost first, lowercased, options dropped: {{text:Cloze:Text}} is ("text", "cloze")


@dataclass(frozen=True, slots=True)
class _Section:
    name: str
    negated: bool
    body: tuple


@_small_cache(256, limit=200_000)
def parse_template(source: str) -> tuple:
    """A card template as a tree of text, field references and `{{#F}}`/`{{^F}}` sections."""
    root: list = []
    stack: list[tuple[str, bool, list]] = []
    target = root
    pos = 0
    for match in _TEMPLATE_TOKEN.finditer(source):
        if match.start() > pos:
            target.append(source[pos:match.start()])
        pos = match.end()
        token = match[1].strip()
        if token[:1] in "#^" and len(stack) < MAX_NESTING:
            stack.append((token[1:].strip(), token[0] == "^", target))
            target = []
        elif token[:1] == "/":
            if stack and stack[-1][0] == token[1:].strip():
                name, negated, parent = stack.pop()
                parent.append(_Section(name, negated, tuple(target)))
                target = parent
        elif token and token[:1] not in "!=":
            *filters, name = token.split(":")
            target.append(_Field(name.strip(), tuple(f.strip().split(" ", 1)[0].lower() for f in filters)))
    if pos < len(source):
        target.append(source[pos:])
    while stack:  # an unclosed section runs to the end
        name, negated, parent = stack.pop()
        parent.append(_Section(name, negated, tuple(target)))
        target = parent
    return tuple(root)


@lru_cache(maxsize=64)
def _cloze_only(source: str) -> str | None:
    """The field a cloze question template shows when it is only `{{cloze:Field}}` (the stock one), else None."""
    nodes = parse_template(source) if len(source) < 100_000 else ()
    if len(nodes) == 1 and isinstance(nodes[0], _Field) and nodes[0].filters == ("cloze",) and \
            nodes[0].name not in _SPECIAL_FIELDS:
        return nodes[0].name
    return None


def _nonempty(value: str | None) -> bool:
    return bool(value) and not _EMPTY_HTML.match(value)


@dataclass(slots=True)
class _Context:
    fields: dict[str, str]
    number: int  # card ordinal + 1, the cloze number
    question: bool
    front_side: str = ""
    budget: int = MAX_RENDERED_CHARS  # characters the side may still take


class TemplateTooLarge(ValueError):
    """A card side over MAX_RENDERED_CHARS: a template repeating a large field many times."""


def _render(nodes, ctx: _Context) -> str:
    out = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
            ctx.budget -= len(node)
        elif isinstance(node, _Field):
            value = _field_value(node, ctx)
            ctx.budget -= len(value)
            if ctx.budget < 0:
                raise TemplateTooLarge(f"a card side longer than {MAX_RENDERED_CHARS} characters")
            out.append(value)
        elif _nonempty(ctx.fields.get(node.name)) != node.negated:
            out.append(_render(node.body, ctx))
    return "".join(out)


def _field_value(node: _Field, ctx: _Context) -> str:
    if node.name == "FrontSide" and not node.filters:
        return ctx.front_side
    value = ctx.fields.get(node.name, "")
    filters = node.filters
    if not filters:
        return value
    if "type" in filters:
        if ctx.question:
            return ""
        if "cloze" in filters:
            return ", ".join(cloze_answers(value, ctx.number))
        return value
    for name in reversed(filters):  # innermost first
        if name == "cloze":
            value = render_cloze(value, ctx.number, ctx.question)
        elif name == "kanji":
            value = _FURIGANA.sub(r"\1", value)
        elif name == "kana":
            value = _FURIGANA.sub(r"\2", value)
        elif name == "furigana":
            value = _FURIGANA.sub(r"\1(\2)", value)
    return value


@_small_cache(256, limit=200_000)
def template_fields(source: str, filter_name: str | None = None) -> tuple[str, ...]:
    """The fields a template shows, in order; with `filter_name`, only those shown through that filter."""
    names: list[str] = []

    def walk(nodes) -> None:
        for node in nodes:
            if isinstance(node, _Field):
                if filter_name is None or filter_name in node.filters:
                    names.append(node.name)
            elif isinstance(node, _Section):
                walk(node.body)
    walk(parse_template(source))
    return tuple(dict.fromkeys(names))


# -- note types ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Template:
    name: str
    question: str  # Anki's qfmt
    answer: str  # Anki's afmt


@dataclass(frozen=True, slots=True)
class NoteType:
    name: str
    fields: tuple[str, ...]
    templates: tuple[Template, ...]
    cloze: bool = False


_ANSWER = "{{FrontSide}}\n\n<hr id=answer>\n\n"
_SPECIAL_FIELDS = frozenset({"FrontSide", "Tags", "Type", "Deck", "Subdeck", "Card", "CardFlag", "CardID"})
STOCK = {
    BASIC: NoteType("Basic", ("Front", "Back"), (Template("Card 1", "{{Front}}", _ANSWER + "{{Back}}"),)),
    REVERSED: NoteType("Basic (and reversed card)", ("Front", "Back"), (
        Template("Card 1", "{{Front}}", _ANSWER + "{{Back}}"),
        Template("Card 2", "{{Back}}", _ANSWER + "{{Front}}"),
    )),
    OPTIONAL_REVERSED: NoteType("Basic (optional reversed card)", ("Front", "Back", "Add Reverse"), (
        Template("Card 1", "{{Front}}", _ANSWER + "{{Back}}"),
        Template("Card 2", "{{#Add Reverse}}{{Back}}{{/Add Reverse}}", _ANSWER + "{{Front}}"),
    )),
    TYPE_IN: NoteType("Basic (type in the answer)", ("Front", "Back"), (
        Template("Card 1", "{{Front}}\n\n{{type:Back}}", "{{Front}}\n\n<hr id=answer>\n\n{{type:Back}}"),
    )),
    CLOZE: NoteType("Cloze", ("Text", "Back Extra"), (
        Template("Cloze", "{{cloze:Text}}", "{{cloze:Text}}<br>\n{{Back Extra}}"),
    ), cloze=True),
}


# What quiz's .apkg export adds to a note type's name: in Anki, its templates are quiz's, not the
# stock ones; read back into quiz, the card's note type is the one it was exported from.
QUIZ_NOTE_TYPE = " (quiz)"


def stock_kind(name: str | None) -> str | None:
    """Which stock note type a name stands for ("Basic (and reversed card)+" too), or None."""
    key = re.sub(r"[^a-z]", "", (name or "").lower())
    if not key:
        return None
    for prefix, kind in (("cloze", CLOZE), ("basicandreversed", REVERSED), ("basicoptionalreversed", OPTIONAL_REVERSED),
                         ("basictypeintheanswer", TYPE_IN), ("basic", BASIC)):
        if key.startswith(prefix):
            return kind
    return None


# -- cards --------------------------------------------------------------------------------------
class RenderedCard(NamedTuple):  # a tuple: made for every card imported, so made cheaply
    ord: int
    front: str
    back: str
    explain: str | None


@lru_cache(maxsize=64)
def _simple(template: Template) -> tuple[str, str] | None:
    """(question field, answer field) for a template that only shows one field on each side, as the stock
    Basic ones do ({{Front}}, then {{FrontSide}}<hr id=answer>{{Back}}): a card is then its two fields."""
    question = [n for n in parse_template(template.question) if not (isinstance(n, str) and not n.strip())]
    answer_source = template.answer
    split = _HR_ANSWER.search(answer_source)
    if not split:
        return None
    before = [n for n in parse_template(answer_source[:split.start()]) if not (isinstance(n, str) and not n.strip())]
    after = [n for n in parse_template(answer_source[split.end():]) if not (isinstance(n, str) and not n.strip())]
    if len(question) != 1 or len(after) != 1 or not isinstance(question[0], _Field) or \
            not isinstance(after[0], _Field) or question[0].filters or after[0].filters:
        return None
    if any(not (isinstance(n, _Field) and n.name == "FrontSide" and not n.filters) for n in before):
        return None
    return question[0].name, after[0].name


def simple_plan(note_type: NoteType) -> tuple[tuple[int, int] | None, ...]:
    """For each template: (question field index, answer field index) when render_card takes its simple path
    for it (the card is then its two fields, each stripped and converted), else None (render it in full).

    An index is the note field's position in the note's values (the last field of that name, as the fields
    dict render_card gets), or -1 for a field the note type lacks (shown as ""). Cloze types: all None.
    """
    if note_type.cloze:
        return tuple(None for _ in note_type.templates)
    positions = {name: i for i, name in enumerate(note_type.fields)}
    plan = []
    for template in note_type.templates:
        simple = _simple(template) if len(template.question) + len(template.answer) < 100_000 else None
        if simple is None or simple[0] in _SPECIAL_FIELDS or simple[1] in _SPECIAL_FIELDS:
            plan.append(None)
        else:
            plan.append((positions.get(simple[0], -1), positions.get(simple[1], -1)))
    return tuple(plan)


def render_card(note_type: NoteType, fields: dict[str, str], ord: int,
                text: Callable[[str], str] = html_to_text, memo: dict[str, str] | None = None) -> RenderedCard | None:
    """Card `ord` of a note (fields are HTML, as Anki stores them) as text; None when it would be empty.

    `text` turns HTML into text: html_to_text, or a caller's version that caches or collects media.
    `memo`: a dict kept for the cards of one note, rendered with the same `fields`: a cloze note's
    answer side, the same for each of its cards unless the template types a cloze, is rendered once.
    """
    if note_type.cloze:
        template = note_type.templates[0] if note_type.templates else STOCK[CLOZE].templates[0]
    elif 0 <= ord < len(note_type.templates):
        template = note_type.templates[ord]
        simple = _simple(template) if len(template.question) + len(template.answer) < 100_000 else None
        if simple is not None and simple[0] not in _SPECIAL_FIELDS and simple[1] not in _SPECIAL_FIELDS:
            front = text(fields.get(simple[0], "").strip())
            back = text(fields.get(simple[1], "").strip()) if front else ""
            return RenderedCard(ord, front, back, None) if front and back else None
    else:
        return None
    back = ""
    question_html = None
    if note_type.cloze:  # the deleted text first: a card whose number is not in the text is empty
        only = _cloze_only(template.question)
        if only is not None:  # the stock {{cloze:Text}}: the question side is that field, rendered directly
            value = fields.get(only, "")
            nodes = _parse_cloze(value) if "{{c" in value else (value,)
            answers = [text("".join(_flat(node.body))) for node in _deletions(nodes, ord + 1)]
            back = ", ".join(dict.fromkeys(a for a in answers if a))
            if not back:
                return None
            question_html = _render_cloze_nodes(nodes, ord + 1, True)
            if len(question_html) > MAX_RENDERED_CHARS:
                raise TemplateTooLarge(f"a card side longer than {MAX_RENDERED_CHARS} characters")
        else:
            names = template_fields(template.question, "cloze") or note_type.fields[:1]
            answers = (text(a) for name in names for a in cloze_answers(fields.get(name, ""), ord + 1))
            back = ", ".join(dict.fromkeys(a for a in answers if a))
            if not back:
                return None
    if question_html is None:
        question_html = _render(parse_template(template.question), _Context(fields, ord + 1, True))
    front = text(question_html.strip())
    if not front:
        return None
    answer_html = memo.get("answer") if memo is not None else None
    if answer_html is None:
        answer_html = _render(parse_template(template.answer), _Context(fields, ord + 1, False))
        split = _HR_ANSWER.search(answer_html)
        if split:
            answer_html = answer_html[split.end():]
        answer_html = answer_html.strip()  # stripped: the stock "...<hr id=answer>\n\n{{Back}}" is then the field
        if memo is not None and note_type.cloze and not template_fields(template.answer, "type"):
            memo["answer"] = answer_html  # only the cloze number differs between the cards, and only typing shows it
    answer = text(answer_html)
    if note_type.cloze:
        return RenderedCard(ord, front, back, answer if answer != back else None)
    typed = template_fields(template.question, "type")
    back = text(fields.get(typed[0], "")) if typed else ""
    if back:  # a type-in card: the typed answer is the back, the rest of the answer side explains it
        return RenderedCard(ord, front, back, answer if answer and answer != back else None)
    return RenderedCard(ord, front, answer, None) if answer else None


def stock_cards(kind: str, values: list[str], text) -> list[RenderedCard]:
    """The cards of a text-export note of a stock note type, from its field values in order.

    `text` turns one field into plain text (html_to_text, or plain_to_text for a plain export).
    Fields past the note type's become the explanation. Cards with an empty side are left out.
    """
    if kind == BASIC and len(values) == 2:  # the usual row: the general case below, in short
        front, back = text(values[0]), text(values[1])
        return [RenderedCard(0, front, back, None)] if front and back else []
    cards: list[RenderedCard] = []
    if kind == CLOZE:
        source = values[0] if values else ""
        extra = "\n".join(t for t in (text(v) for v in values[1:]) if t)
        for number in cloze_numbers(source):
            front = text(render_cloze(source, number, True))
            answers = (text(a) for a in cloze_answers(source, number))
            back = ", ".join(dict.fromkeys(a for a in answers if a))
            whole = "\n".join(t for t in (text(render_cloze(source, number, False)), extra) if t)
            if front and back:
                cards.append(RenderedCard(number - 1, front, back, whole or None))
        return cards
    front = text(values[0]) if values else ""
    back = text(values[1]) if len(values) > 1 else ""
    if not front or not back:
        return cards
    explain = None
    if len(values) > 2:
        if kind == OPTIONAL_REVERSED:
            reverse = bool(text(values[2]))
            extras = values[3:]
        else:
            reverse = kind == REVERSED
            extras = values[2:]
        explain = "\n".join(e for e in map(text, extras) if e) or None
    else:
        reverse = kind == REVERSED
    cards.append(RenderedCard(0, front, back, explain))
    if reverse:
        cards.append(RenderedCard(1, back, front, explain))
    return cards
