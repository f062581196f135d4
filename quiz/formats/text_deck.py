"""Read CSV, TSV and TXT card files as Anki writes and reads them, and Quizlet exports.

Anki's text format: optional header lines first, each `#key:value`:

    #separator:tab        Comma, Semicolon, Tab, Space, Pipe, Colon (any case), or the character itself
    #html:true            fields are HTML (else plain text); without it, guessed from the first rows
    #tags:a b             tags added to every note
    #columns:Front;Back   column names (Front, Back, Text, Back Extra, Tags, ... map fields by name)
    #notetype:Cloze       the note type of every row     #notetype column:2  ... or a column naming it
    #deck:French::Verbs   the deck of every row          #deck column:3      ... or a column naming it
    #tags column:4        a column of space-separated tags
    #guid column:1        a column of Anki note guids (keeps card ids stable across tools)

then one note a record, RFC 4180 quoting (a quoted field may hold separators, `""` and new lines).
Other lines starting with `#` are comments. Without `#separator:` the separator is guessed from the
first lines. Files may be UTF-8 (with or without a BOM), UTF-16 (with a BOM, or plain ASCII-range
text), or else cp1252.

A note becomes cards as its note type says (see quiz.formats.anki_notes): a Basic note one card
(front, back), "Basic (and reversed card)" two, a Cloze note one per cloze number. Without a note
type, a row is Basic, or Cloze when its first field has `{{c1::...}}` deletions. Columns past the
note type's fields become the card's explanation; a column named Tags in `#columns:` is tags.

Card ids: from the guid column (the same ids as the Anki package the notes came from), else a
hash of the front, with -2, -3, ... for repeated fronts.

Reading streams: rows are parsed as they are read, so memory does not grow with the file
(`iter_text_rows`). An import takes the cards as a stream (`stream_text_deck`), their repeated ids
numbered by the store (quiz.store.cards), so that it holds nothing per card but each guid of a guid
column (a repeated guid's row is skipped); `read_text_deck` collects the cards into a Deck, numbering
repeats itself (ContentIds, a 6-byte hash an id): the reader of a whole file, for tests and tools.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple, TypeVar

from quiz.formats.anki_notes import (
    BASIC,
    CLOZE,
    STOCK,
    ContentIds,
    bulk_allocation,
    cloze_numbers,
    content_card_id,
    guid_card_id,
    slug,
    split_deck_name,
    split_tags,
    stock_cards,
    stock_kind,
)
from quiz.formats.html_text import html_to_text, is_html, one_line, placeholder, plain_to_text
from quiz.formats.problems import DeckError, Problem, no_cards
from quiz.model import Card, Deck, LocalText, imported_card

Made = TypeVar("Made")  # what iter_text_cards' `make` makes of a card: a Card, by default
SEPARATORS = {"comma": ",", "semicolon": ";", "tab": "\t", "space": " ", "pipe": "|", "colon": ":"}
_SNIFF_ORDER = ("\t", "|", ";", ":", ",", " ")  # Anki's order: least likely inside text first
_SNIFF_LINES = 20
_NOT_SEPARATING = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#\d{1,7}|#x[0-9a-fA-F]{1,6});|\{\{[^{}]*\}\}")
_HTML_SNIFF_ROWS = 5
MAX_FIELD_CHARS = 131_072  # the csv module's own limit: a longer field is refused
MAX_LINE_CHARS = 1 << 20  # a longer physical line is refused (before it is held in memory)
MAX_CARDS = 1_000_000
MAX_WARNINGS = 50
_CHUNK = 1 << 20


# -- encoding -----------------------------------------------------------------------------------
def detect_encoding(path: Path) -> str:
    """UTF-8 (BOM or not), UTF-16 (BOM, or the NUL pattern of ASCII text), else cp1252.

    A file that is valid UTF-8 throughout is UTF-8: the check streams the file once, in chunks.
    """
    with path.open("rb") as raw:
        head = raw.read(4096)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        if len(head) >= 4 and head.count(0) >= len(head) // 4:
            odd_nuls, even_nuls = head[1::2].count(0), head[0::2].count(0)
            if odd_nuls > 3 * even_nuls:
                return "utf-16-le"
            if even_nuls > 3 * odd_nuls:
                return "utf-16-be"
        decoder = codecs.getincrementaldecoder("utf-8")()
        chunk = head
        try:
            while chunk:
                decoder.decode(chunk)
                chunk = raw.read(_CHUNK)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def _open_text(path: Path, encoding: str | None, newline: str | None = "") -> tuple[io.TextIOWrapper, str]:
    encoding = encoding or detect_encoding(path)
    errors = "strict" if encoding.startswith("utf-8") else "replace"
    return io.TextIOWrapper(path.open("rb"), encoding=encoding, errors=errors, newline=newline), encoding


def parse_separator(value: str) -> str | None:
    """A separator from a header value or option: a name (Comma, Tab, ...) or one character."""
    name = value.strip().lower()
    if name in SEPARATORS:
        return SEPARATORS[name]
    if len(value) == 1 and value not in "\"\r\n":
        return value
    if len(name) == 1 and name != '"':
        return value.strip()
    return None


# -- the header ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TextHeader:
    """What a file's `#key:value` lines say. Column numbers are 1-based; 0 means none."""

    separator: str | None = None
    html: bool | None = None
    tags: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    notetype: str | None = None
    deck: str | None = None
    notetype_column: int = 0
    deck_column: int = 0
    tags_column: int = 0
    guid_column: int = 0

    def meta_columns(self) -> set[int]:
        return {c for c in (self.notetype_column, self.deck_column, self.tags_column, self.guid_column) if c}


_COLUMN_KEYS = {"notetype column": "notetype_column", "deck column": "deck_column",
                "tags column": "tags_column", "guid column": "guid_column"}


class TextRow(NamedTuple):  # one per record: a tuple is the cheapest to make
    line: int  # 1-based line on which the record starts
    fields: list[str]


class TextFile:
    """An open text export: its header, its separator, and its rows, read as they are needed.

    Use as a context manager, or call close(). Raises DeckError for a file that cannot be read.
    """

    def __init__(self, path: str | Path, *, separator: str | None = None, encoding: str | None = None):
        self.path = Path(path)
        self.name = str(path)
        forced = None
        if separator is not None:
            forced = parse_separator(separator)
            if forced is None:
                raise DeckError([Problem(self.name, 0, "", f"unknown separator {separator!r}")])
        try:
            self._file, self.encoding = _open_text(self.path, encoding)
        except (OSError, LookupError) as error:
            raise DeckError([Problem(self.name, 0, "", f"cannot read: {_reason(error)}")]) from None
        self.line_no = 0  # physical lines given out so far (header included)
        self._read_count = 0  # physical lines read from the file, some of them held in _pending
        self._record_line = 0
        self._at_record_start = True
        self._pending: list[str] = []
        try:
            self.header = self._read_header()
            self._buffer_sample()
        except BaseException:
            self.close()
            raise
        sep = forced or self.header.separator or self._sniff()
        self.separator = sep
        self.header = replace(self.header, columns=self._parse_columns(sep))

    def __enter__(self) -> TextFile:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._file.close()

    def size(self) -> int:
        """The file's size in bytes."""
        try:
            return self.path.stat().st_size
        except OSError:
            return 0

    def position(self) -> int:
        """About how many bytes have been read (the reader reads ahead)."""
        try:
            return self._file.buffer.tell()
        except (OSError, ValueError):
            return 0

    def error(self, line: int, where: str, message: str) -> DeckError:
        return DeckError([Problem(self.name, line, one_line(where, 80), one_line(message))])

    # -- physical lines --
    def _readline(self) -> str:
        try:
            line = self._file.readline(MAX_LINE_CHARS + 1)
        except UnicodeDecodeError:  # a file that changed under us after the encoding check
            raise self.error(self._read_count + 1, "", f"not {self.encoding} text") from None
        except OSError as error:
            raise self.error(self._read_count + 1, "", f"cannot read: {_reason(error)}") from None
        if line:
            self._read_count += 1
            if len(line) > MAX_LINE_CHARS:
                raise self.error(self._read_count, "", f"line longer than {MAX_LINE_CHARS} characters")
        return line

    def _read_header(self) -> TextHeader:
        values: dict[str, object] = {}
        raw_columns = None
        first = True
        while True:
            line = self._readline()
            if not line:
                break
            self.line_no += 1
            text = line.rstrip("\r\n")
            if first and text.startswith("\ufeff"):  # a BOM the encoding given did not take off
                text, line = text[1:], line[1:]
            if first and text.startswith("tags:"):  # Anki's older header
                values["tags"] = split_tags(text[5:])
            elif text.startswith("#"):
                key, colon, value = text[1:].partition(":")
                key = key.strip().lower()
                if colon and key:
                    if key == "columns":
                        raw_columns = value
                    else:
                        self._header_value(key, value, values)
            else:
                self._pending.append(line)
                self.line_no -= 1  # given out again by _lines()
                break
            first = False
        self._raw_columns = raw_columns
        return TextHeader(**values)

    def _header_value(self, key: str, value: str, values: dict) -> None:
        where = f"#{key}"
        if key == "separator":
            sep = parse_separator(value)
            if sep is None:
                raise self.error(self.line_no, where, f"unknown separator {value.strip()!r} (use Comma, Semicolon, "
                                                      "Tab, Space, Pipe, Colon or a single character)")
            values["separator"] = sep
        elif key == "html":
            flag = value.strip().lower()
            if flag not in ("true", "false"):
                raise self.error(self.line_no, where, f"expected true or false, got {value.strip()!r}")
            values["html"] = flag == "true"
        elif key == "tags":
            values["tags"] = split_tags(value)
        elif key in ("notetype", "deck"):
            text = plain_to_text(value)
            values[key] = text or None
        elif key in _COLUMN_KEYS:
            number = value.strip()
            if not number.isdigit() or not 1 <= int(number) <= 10_000:
                raise self.error(self.line_no, where, f"expected a column number (1, 2, ...), got {value.strip()!r}")
            values[_COLUMN_KEYS[key]] = int(number)
        # any other key is a comment, as in Anki

    def _parse_columns(self, sep: str) -> tuple[str, ...]:
        if self._raw_columns is None:
            return ()
        try:
            row = next(csv.reader([self._raw_columns], delimiter=sep), [])
        except csv.Error:
            row = self._raw_columns.split(sep)
        return tuple(plain_to_text(name) for name in row)

    def _buffer_sample(self) -> None:
        """Read the first data lines ahead, to guess the separator."""
        while len(self._pending) < _SNIFF_LINES:
            line = self._readline()
            if not line:
                break
            self._pending.append(line)

    def _sniff(self) -> str:
        """The separator the first lines agree on: present on the most lines, the same number of times.

        Ties go to Anki's order (tab, pipe, semicolon, colon, comma). A space only when every line
        (two at least) has the same one or two. What is inside `{{...}}` (cloze deletions, template fields) or
        ends an HTML entity (`&amp;`) does not count.
        """
        sample = [_NOT_SEPARATING.sub("", line) for line in self._pending if line.strip() and not line.startswith("#")]
        best, best_score = "\t", (0, 0)
        for sep in _SNIFF_ORDER:
            counts = [line.count(sep) for line in sample]
            with_sep = sum(1 for c in counts if c)
            if not with_sep:
                continue
            same = sum(1 for c in counts if c == counts[0]) if counts[0] else 0
            if sep == " " and (same < len(counts) or len(counts) < 2 or counts[0] > 2):
                continue  # words in a sentence, not columns
            score = (with_sep + same, with_sep)
            if score > best_score:
                best, best_score = sep, score
        return best

    def _lines(self) -> Iterator[str]:
        """Physical lines for the csv reader; lines starting with '#' where a record would start are comments."""
        pending, self._pending = self._pending, []
        for line in itertools.chain(pending, self._unread_lines()):
            self.line_no += 1
            if self._at_record_start:
                if line[:1] == "#":
                    continue
                self._record_line = self.line_no
                self._at_record_start = False
            yield line

    def _unread_lines(self) -> Iterator[str]:
        readline, limit = self._file.readline, MAX_LINE_CHARS + 1  # _readline, inlined: it runs for every line
        while True:
            try:
                line = readline(limit)
            except UnicodeDecodeError:  # a file that changed under us after the encoding check
                raise self.error(self._read_count + 1, "", f"not {self.encoding} text") from None
            except OSError as error:
                raise self.error(self._read_count + 1, "", f"cannot read: {_reason(error)}") from None
            if not line:
                return
            self._read_count += 1
            if len(line) > MAX_LINE_CHARS:
                raise self.error(self._read_count, "", f"line longer than {MAX_LINE_CHARS} characters")
            yield line

    def rows(self) -> Iterator[TextRow]:
        """The records after the header, each with the line it starts on. Blank records are left out."""
        reader = csv.reader(self._lines(), delimiter=self.separator, strict=True)
        try:
            for fields in reader:
                self._at_record_start = True
                if fields and any(fields):
                    yield TextRow(self._record_line, fields)
        except csv.Error as error:
            raise self.error(self._record_line, "", _csv_message(str(error), self._record_line,
                                                                 self.line_no)) from None


def _csv_message(message: str, start: int, end: int) -> str:
    if "unexpected end of data" in message:
        return f"a quoted field starting on line {start} is never closed"
    if "expected after" in message:
        return (f"bad quoting on line {end}: a quote ends a quoted field before the separator "
                '(write "" for a quote inside a quoted field)')
    if "field larger than field limit" in message:
        return f"a field is longer than {MAX_FIELD_CHARS} characters"
    return f"cannot read the record: {message}"


def _reason(error: BaseException) -> str:
    return one_line(getattr(error, "strerror", None) or str(error) or type(error).__name__)


def iter_text_rows(path: str | Path, *, separator: str | None = None,
                   encoding: str | None = None) -> Iterator[TextRow]:
    """Stream a text export's records (after its header). Raises DeckError."""
    with TextFile(path, separator=separator, encoding=encoding) as text_file:
        yield from text_file.rows()


# -- cards --------------------------------------------------------------------------------------
class _Warnings:
    def __init__(self, file: str, sink: list[str] | None):
        self.file, self.sink, self.count = file, sink, 0

    def add(self, line: int, message: str) -> None:
        self.count += 1
        if self.sink is not None and self.count <= MAX_WARNINGS:
            self.sink.append(str(Problem(self.file, line, "", message, severity="warning")))

    def finish(self) -> None:
        if self.sink is not None and self.count > MAX_WARNINGS:
            self.sink.append(str(Problem(self.file, 0, "", f"{self.count - MAX_WARNINGS} more rows skipped",
                                         severity="warning")))


def iter_text_cards(path: str | Path, *, separator: str | None = None, html: bool | None = None,
                    notetype: str | None = None, deck: str | None = None, encoding: str | None = None,
                    warnings: list[str] | None = None,
                    progress: Callable[[int, int], None] | None = None, unique_ids: bool = True,
                    note_count: list[int] | None = None,
                    make: Callable[..., Made] = imported_card) -> Iterator[Made]:
    """Stream the cards of an Anki text export (or any CSV/TSV of front, back).

    Options override the file's header. Rows that make no card (an empty front or back) are
    skipped, with a line appended to `warnings`. `progress(bytes read, file size)` is called every
    few thousand rows. Raises DeckError.

    `unique_ids=False`: a card without a guid has its front's content id as it is, repeats too (the
    store numbers them: quiz.store.cards), so nothing is kept per card. `note_count`, a list of one
    number, counts the rows that made cards (notes). `make` makes each card from imported_card's
    arguments (a store writing rows makes its row directly: quiz.store.cards.imported_card_row).
    """
    with TextFile(path, separator=separator, encoding=encoding) as text_file:
        header = text_file.header
        notes = _Warnings(text_file.name, warnings)
        rows = text_file.rows()
        first = list(itertools.islice(rows, _HTML_SNIFF_ROWS))
        if html is None:
            html = header.html
        if html is None:
            html = any(is_html(field) for row in first for field in row.fields)
        text: Callable[[str], str] = _plain
        shown: list[str] = []  # the media files the row's fields show (an HTML export's <img>, [sound:])
        if html:
            hook = _media_hook(shown)

            def text(field: str) -> str:
                return html_to_text(field, hook)
        labels = [label.lower() for label in header.columns]
        tags_column = header.tags_column or (labels.index("tags") + 1 if "tags" in labels else 0)
        guid_col, type_col, deck_col = header.guid_column, header.notetype_column, header.deck_column
        meta = header.meta_columns() | ({tags_column} if tags_column else set())
        meta_indexes = sorted((c - 1 for c in meta), reverse=True)
        default_type = notetype or header.notetype or ""
        default_deck = split_deck_name(deck or header.deck or "")
        mapping = [] if type_col else _field_order(header.columns, meta, default_type)
        kinds: dict[str, str | None] = {}
        row_tags: dict[str, tuple[str, ...]] = {}  # a tags field -> the card's tags: few distinct ones recur
        guids: set[str] = set()
        content_id = ContentIds().add if unique_ids else content_card_id
        tally = note_count if note_count is not None else [0]
        count = 0
        size = text_file.size() if progress is not None else 0
        for number, (line, fields) in enumerate(itertools.chain(first, rows)):
            if progress is not None and number % 5000 == 0:
                progress(min(text_file.position(), size), size)
            width = len(fields)
            guid = fields[guid_col - 1] if 0 < guid_col <= width else ""
            type_name = plain_to_text(fields[type_col - 1]) if 0 < type_col <= width else ""
            type_name = type_name or default_type
            if mapping:
                values = [fields[i] if i < width else "" for i in mapping]
            elif meta_indexes:
                values = list(fields)
                for index in meta_indexes:
                    if index < width:
                        del values[index]
            else:
                values = fields
            kind = kinds.get(type_name, "")
            if kind == "":
                kind = kinds[type_name] = stock_kind(type_name)
            if kind is None:
                kind = CLOZE if values and "{{c" in values[0] and cloze_numbers(values[0]) else BASIC
            shown.clear()
            rendered = stock_cards(kind, values, text)
            if not rendered:
                notes.add(line, "no card: " + ("no cloze deletion" if kind == CLOZE else
                                                   "the front or the back is empty"))
                continue
            if guid:
                if guid in guids:
                    notes.add(line, "skipped: the same guid as an earlier row")
                    continue
                guids.add(guid)
            deck_path = (split_deck_name(fields[deck_col - 1]) or default_deck) if 0 < deck_col <= width else \
                default_deck
            if 0 < tags_column <= width:
                field = fields[tags_column - 1]
                tags = row_tags.get(field)
                if tags is None:
                    tags = tuple(dict.fromkeys(header.tags + split_tags(field)))  # (a tag in both once)
                    if len(row_tags) < 10_000:
                        row_tags[field] = tags
            else:
                tags = header.tags
            note_type = type_name or STOCK[kind].name
            shown_guid = (plain_to_text(guid) or None) if guid else None
            media = tuple(dict.fromkeys(shown)) if shown else ()
            tally[0] += 1
            for card_ord, front, back, explain in rendered:
                count += 1
                if count > MAX_CARDS:
                    raise text_file.error(line, "", f"more than {MAX_CARDS} cards")
                yield make(guid_card_id(guid, card_ord) if guid else content_id(front), front, back, explain,
                           tags, shown_guid, card_ord, deck_path, note_type, media=media)
        notes.finish()


def _media_hook(shown: list[str]) -> Callable[[str, str], str]:
    """html_to_text's media hook for a text export: the placeholder a package's card shows, and the
    file's name noted in `shown` (the file itself is the deck's, from its package, if it came)."""
    from urllib.parse import unquote

    from quiz.formats.anki_package import not_a_file, safe_media_name

    def media(kind: str, src: str) -> str:
        outside = not_a_file(kind, src)
        if outside is not None:
            return outside
        name = safe_media_name(unquote(src))
        if name:
            shown.append(name)
        return placeholder(kind, name)
    return media


def _plain(text: str) -> str:
    """plain_to_text, with the common case (nothing to clean) first: it runs on every field."""
    return text.strip() if text.isprintable() else plain_to_text(text)


def _field_order(columns: tuple[str, ...], meta: set[int], notetype: str | None) -> list[int]:
    """0-based column indexes in note-field order when `#columns:` names the stock fields, else []."""
    if not columns:
        return []
    kind = stock_kind(notetype)
    wanted = STOCK[kind].fields if kind else ("Front", "Back")
    by_name = {name.lower(): i for i, name in enumerate(columns) if i + 1 not in meta}
    if not by_name or not any(field.lower() in by_name for field in wanted):
        return []
    order = [by_name[field.lower()] for field in wanted if field.lower() in by_name]
    rest = [i for i in sorted(by_name.values()) if i not in order]
    return order + rest


def read_text_deck(path: str | Path, *, deck_id: str | None = None, separator: str | None = None,
                   html: bool | None = None, notetype: str | None = None, deck: str | None = None,
                   encoding: str | None = None, progress: Callable[[int, int], None] | None = None) -> Deck:
    """Read an Anki text export (CSV/TSV/TXT) into a Deck. Raises DeckError.

    The deck id is `deck_id`, else the one deck every row names (its top level), else the
    file's name, slugged. `progress(bytes read, file size)` is called now and then.
    """
    warnings: list[str] = []
    with bulk_allocation():
        cards = list(iter_text_cards(path, separator=separator, html=html, notetype=notetype, deck=deck,
                                     encoding=encoding, warnings=warnings, progress=progress))
    return _deck(path, cards, deck_id, warnings)


def _deck(path: str | Path, cards: list[Card], deck_id: str | None, warnings: list[str]) -> Deck:
    if not cards:
        raise no_cards(path, warnings)
    roots = {card.deck_path[0] if card.deck_path else None for card in cards}
    return _header(path, roots.pop() if len(roots) == 1 else None, deck_id, warnings, cards)


def _deck_root(id, front, back, explain, tags, guid, ord, deck_path, note_type, media=()) -> str | None:
    """What stream_text_deck's first reading makes of a card: its top-level deck."""
    return deck_path[0] if deck_path else None


def _header(path: str | Path, root: str | None, deck_id: str | None, warnings: list[str],
            cards: list[Card] | None = None) -> Deck:
    title = root or Path(path).stem
    return Deck(id=slug(deck_id) if deck_id else slug(title), title=LocalText.of(plain_to_text(title) or "Imported"),
                cards=cards if cards is not None else [], path=str(path), warnings=warnings)


def stream_text_deck(path: str | Path, *, deck_id: str | None = None, separator: str | None = None,
                     html: bool | None = None, notetype: str | None = None, deck: str | None = None,
                     encoding: str | None = None,
                     make: Callable[..., Made] = imported_card) -> tuple[Deck, Callable[..., Iterator[Made]]]:
    """read_text_deck as a stream, for an import that stores each card as it is read: the deck
    without its cards, and `cards(progress=None, note_count=None)`, which reads them (as
    iter_text_cards does, with unique_ids=False and `make`; the deck's `warnings` filled as they are
    read). An empty stream is the caller's no_cards().

    The deck id and title need the deck every card names: when the file has a deck column, it is read
    once before, its cards made as far as their deck (as read_text_deck finds it: rows
    that make no card do not count). Raises DeckError."""
    with TextFile(path, separator=separator, encoding=encoding) as text_file:
        named = split_deck_name(deck or text_file.header.deck or "")
        default, column = (named[0] if named else None), text_file.header.deck_column - 1
        root = default
        if column >= 0:  # (with a deck_id too: the deck the rows name is still its title)
            # The rows' decks first (a tenth of making the cards): one root for all is the answer.
            roots: set[str | None] = set()
            for _, fields in text_file.rows():
                roots.add((split_deck_name(fields[column]) or named or (None,))[0] if column < len(fields)
                          else default)
                if len(roots) > 1:
                    break
            root = roots.pop() if len(roots) == 1 else None
    if column >= 0 and root is None and roots:
        # Several: only those of rows that make cards count, as read_text_deck finds them.
        cards_roots: set[str | None] = set()
        for deck_path in iter_text_cards(path, separator=separator, html=html, notetype=notetype, deck=deck,
                                         encoding=encoding, unique_ids=False, make=_deck_root):
            cards_roots.add(deck_path)
            if len(cards_roots) > 1:
                break
        root = cards_roots.pop() if len(cards_roots) == 1 else None
    header = _header(path, root, deck_id, [])

    def cards(progress: Callable[[int, int], None] | None = None,
              note_count: list[int] | None = None) -> Iterator[Made]:
        return iter_text_cards(path, separator=separator, html=html, notetype=notetype, deck=deck,
                               encoding=encoding, warnings=header.warnings, progress=progress, unique_ids=False,
                               note_count=note_count, make=make)
    return header, cards


# -- Quizlet ------------------------------------------------------------------------------------
def iter_quizlet_pairs(path: str | Path, *, term_sep: str | None = None, card_sep: str | None = None,
                       encoding: str | None = None) -> Iterator[tuple[int, str, str | None]]:
    """Stream (line, term, definition) from a Quizlet export; definition None when a card has no separator.

    Quizlet writes term, separator, definition, card separator, with nothing escaped: a card is
    split at its first `term_sep`. Defaults: a tab if the file has one, else a comma; cards end at
    new lines if the file has several lines, else at ';'.
    """
    name = str(path)
    file_path = Path(path)
    try:
        handle, _ = _open_text(file_path, encoding, newline=None)
    except (OSError, LookupError) as error:
        raise DeckError([Problem(name, 0, "", f"cannot read: {_reason(error)}")]) from None
    with handle:
        try:
            sample = handle.read(_CHUNK)
        except (OSError, UnicodeDecodeError) as error:
            raise DeckError([Problem(name, 0, "", f"cannot read: {_reason(error)}")]) from None
        if card_sep is None:
            card_sep = "\n" if "\n" in sample.rstrip("\n") or ";" not in sample else ";"
        if term_sep is None:
            term_sep = "\t" if "\t" in sample else "," if "," in sample else " - "
        if not card_sep or not term_sep:
            raise DeckError([Problem(name, 0, "", "separators must not be empty")])
        line = 1
        buffer = sample
        while True:
            try:
                more = handle.read(_CHUNK)
            except (OSError, UnicodeDecodeError) as error:
                raise DeckError([Problem(name, line, "", f"cannot read: {_reason(error)}")]) from None
            if more:
                buffer += more
            parts = buffer.split(card_sep)
            buffer = parts.pop() if more else ""
            for part in parts:
                yield from _quizlet_card(part, term_sep, line)
                line += part.count("\n") + card_sep.count("\n")
            if len(buffer) > MAX_LINE_CHARS:
                raise DeckError([Problem(name, line, "", f"a card longer than {MAX_LINE_CHARS} characters")])
            if not more:
                break


def _quizlet_card(part: str, term_sep: str, line: int) -> Iterator[tuple[int, str, str | None]]:
    if not part.strip():
        return
    term, found, definition = part.partition(term_sep)
    yield line, term, definition if found else None


def read_quizlet(path: str | Path, *, term_sep: str | None = None, card_sep: str | None = None,
                 deck_id: str | None = None, encoding: str | None = None) -> Deck:
    """Read a Quizlet export (term, definition) into a Deck; custom separators as Quizlet's options."""
    name = str(path)
    warnings: list[str] = []
    notes = _Warnings(name, warnings)
    cards: list[Card] = []
    ids = ContentIds()
    pairs = iter_quizlet_pairs(path, term_sep=term_sep, card_sep=card_sep, encoding=encoding)
    for line, term, definition in pairs:
        if len(term) > MAX_FIELD_CHARS or len(definition or "") > MAX_FIELD_CHARS:
            raise DeckError([Problem(name, line, "", f"a field is longer than {MAX_FIELD_CHARS} characters")])
        front, back = plain_to_text(term), plain_to_text(definition or "")
        if definition is None:
            notes.add(line, "no card: no separator between term and definition")
            continue
        if not front or not back:
            notes.add(line, "no card: the term or the definition is empty")
            continue
        card_id = ids.add(front)
        if len(cards) >= MAX_CARDS:
            raise DeckError([Problem(name, line, "", f"more than {MAX_CARDS} cards")])
        cards.append(imported_card(card_id, front, back, None, (), None, 0, (), None))
    notes.finish()
    return _deck(path, cards, deck_id, warnings)
