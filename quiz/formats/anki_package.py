"""Read Anki packages (.apkg, .colpkg) into the deck model, safely.

A package is a zip. Its `meta` member (a protobuf) says which collection inside is the content:
version 3 (current) is `collection.anki21b`, a zstd-compressed SQLite file of schema V18 (note
types, fields, templates and decks in their own tables), with a zstd-compressed protobuf media
list and zstd-compressed media members; versions 1 and 2 (legacy, or no `meta`) are
`collection.anki2` / `collection.anki21`, plain SQLite of schema V11 (note types and decks as
JSON in `col`), with a JSON media list. A current package also holds a dummy `collection.anki2`
telling old Anki versions to update: it is never read.

Media members are named 0, 1, 2, ...; the media list maps them to file names.

Every package is treated as hostile:
- the zip's entry count is read from its end record before anything else; members must have
  plain names (no `/`, `\\`, `..`, drive letters); declared and actual sizes are capped per
  member and in total, and so is the compression ratio (zip bombs); zstd is streamed with a
  byte cap and a window cap (zstd bombs);
- the collection is copied to a temporary file and opened read-only and immutable, with
  `trusted_schema=OFF`, an authorizer that allows reading only the tables read here, and a time
  limit; a file with views, triggers or virtual tables is refused; nothing from the file is run;
- every field is size-capped and `clean()`ed; media names are sanitised (never a member's path)
  and media are written only inside the directory the caller passes, through a staging folder
  removed on failure.
Each refusal is a one-line DeckError naming the file and the member or field.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import itertools
import json
import operator
import os
import re
import shutil
import sqlite3
import struct
import tempfile
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO
from urllib.parse import unquote

from quiz.formats.anki_notes import (
    QUIZ_NOTE_TYPE,
    ContentIds,
    NoteType,
    Template,
    TemplateTooLarge,
    bulk_allocation,
    guid_id_prefix,
    render_card,
    simple_plan,
    slug,
    split_deck_name,
    split_tags,
    template_fields,
)
from quiz.formats.html_text import clean, html_to_text, one_line, placeholder, plain_to_text
from quiz.formats.problems import DeckError, Problem
from quiz.model import Card, Deck, ImportedReview, LocalText, imported_card

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_COLLECTIONS = {1: "collection.anki2", 2: "collection.anki21", 3: "collection.anki21b"}
_CHUNK = 1 << 16
_SAFE_MEMBER = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,254}$")
_TABLES = frozenset({"col", "notes", "cards", "revlog", "notetypes", "fields", "templates", "decks"})
_IMAGE_OCCLUSION = 6  # StockNotetype.OriginalStockKind
_WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                               *(f"lpt{i}" for i in range(10))})
MAX_WARNINGS = 50


@dataclass(frozen=True, slots=True)
class Limits:
    """What a package may hold. Sizes are bytes (uncompressed unless said otherwise)."""

    max_package_bytes: int = 4 << 30  # the .apkg file itself
    max_members: int = 100_000  # zip entries (the collection, the lists, one per media file)
    max_collection_bytes: int = 2 << 30
    max_media_bytes: int = 200 << 20  # one media file
    max_total_bytes: int = 8 << 30  # everything decompressed, media included
    max_ratio: int = 1_000  # uncompressed / compressed, checked once a member passes ratio_floor
    ratio_floor: int = 4 << 20
    max_media_list_bytes: int = 64 << 20
    max_field_chars: int = 1_000_000  # one note field (HTML), and a template, deck or tag string
    max_cards: int = 1_000_000
    max_zstd_window: int = 1 << 27  # zstd's own default limit
    max_seconds: float = 600.0  # SQLite work on the collection


DEFAULT_LIMITS = Limits()


class _Refused(Exception):
    """A problem with the package: where (a member or field) and what."""

    def __init__(self, where: str, message: str):
        super().__init__(message)
        self.where, self.message = one_line(where, 120), one_line(message)


# -- protobuf (the few messages read here) ---------------------------------------------------------
def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def proto_fields(data: bytes) -> Iterator[tuple[int, int | bytes]]:
    """(field number, value) pairs of a protobuf message: ints for varints, bytes otherwise."""
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire in (1, 5):
            size = 8 if wire == 1 else 4
            if pos + size > len(data):
                raise ValueError("truncated field")
            value, pos = data[pos:pos + size], pos + size
        elif wire == 2:
            size, pos = _varint(data, pos)
            if pos + size > len(data):
                raise ValueError("truncated field")
            value, pos = data[pos:pos + size], pos + size
        else:
            raise ValueError(f"unsupported wire type {wire}")
        if number == 0:
            raise ValueError("field number 0")
        yield number, value


def _proto_int(data: bytes, number: int, default: int = 0) -> int:
    value = default
    for field, raw in proto_fields(data):
        if field == number and isinstance(raw, int):
            value = raw
    return value


def _proto_str(data: bytes, number: int) -> str:
    value = ""
    for field, raw in proto_fields(data):
        if field == number and isinstance(raw, bytes):
            value = raw.decode("utf-8", "replace")
    return value


# -- the zip ------------------------------------------------------------------------------------
def _zip_entry_count(handle: IO[bytes], size: int) -> int:
    """The entry count from the zip's end-of-central-directory record (zip64 too), read before parsing."""
    tail_size = min(size, 22 + 65_535 + 20)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or end + 22 > len(tail):
        raise _Refused("", "not a zip file (no end record)")
    count = struct.unpack_from("<H", tail, end + 10)[0]
    if count == 0xFFFF and end >= 20 and tail[end - 20:end - 16] == b"PK\x06\x07":
        offset = struct.unpack_from("<Q", tail, end - 12)[0]
        if offset + 56 > size:
            raise _Refused("", "not a valid zip file (bad zip64 record)")
        handle.seek(offset)
        record = handle.read(56)
        if record[:4] != b"PK\x06\x06":
            raise _Refused("", "not a valid zip file (bad zip64 record)")
        count = struct.unpack_from("<Q", record, 32)[0]
    return count


class _Budget:
    """Bytes decompressed so far, against the package's total cap."""

    def __init__(self, limit: int):
        self.limit, self.used = limit, 0

    def take(self, where: str, amount: int) -> None:
        self.used += amount
        if self.used > self.limit:
            raise _Refused(where, f"the package decompresses to more than {self.limit} bytes")


class _Counting:
    """A readable that counts the bytes read through it (the compressed side of a zstd stream)."""

    def __init__(self, raw: IO[bytes]):
        self.raw, self.count = raw, 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size if size >= 0 else _CHUNK)
        self.count += len(data)
        return data


class Package:
    """An open, checked package: its members by name and its format version."""

    def __init__(self, path: Path, limits: Limits):
        self.path, self.limits = path, limits
        self.budget = _Budget(limits.max_total_bytes)
        size = path.stat().st_size
        if size > limits.max_package_bytes:
            raise _Refused("", f"file too large ({size} bytes; the limit is {limits.max_package_bytes})")
        self._handle = path.open("rb")
        try:
            count = _zip_entry_count(self._handle, size)
            if count > limits.max_members:
                raise _Refused("", f"too many members ({count}; the limit is {limits.max_members})")
            self._handle.seek(0)
            self.zip = zipfile.ZipFile(self._handle)
            self.members = self._check_members()
        except BaseException:
            self._handle.close()
            raise

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.zip.close()
        self._handle.close()

    def _check_members(self) -> dict[str, zipfile.ZipInfo]:
        limits = self.limits
        infos = self.zip.infolist()
        if len(infos) > limits.max_members:
            raise _Refused("", f"too many members ({len(infos)}; the limit is {limits.max_members})")
        members: dict[str, zipfile.ZipInfo] = {}
        declared = 0
        for info in infos:
            name = info.filename
            where = f"member {name[:80]!r}"
            if not _SAFE_MEMBER.match(name) or name in (".", ".."):
                raise _Refused(where, "unsafe member name (a path, '..', a drive or an odd character)")
            if name in members:
                raise _Refused(where, "the package holds two members of this name")
            if info.flag_bits & 0x1:
                raise _Refused(where, "encrypted member")
            cap = limits.max_collection_bytes if name.startswith("collection") else max(
                limits.max_media_bytes, limits.max_media_list_bytes)
            if info.file_size > cap:
                raise _Refused(where, f"too large when decompressed ({info.file_size} bytes; the limit is {cap})")
            if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(info.compress_size, 1):
                raise _Refused(where, f"compression ratio above {limits.max_ratio}: a zip bomb")
            declared += info.file_size
            if declared > limits.max_total_bytes:
                raise _Refused(where, f"the package decompresses to more than {limits.max_total_bytes} bytes")
            members[name] = info
        return members

    # -- format --
    def version(self) -> int:
        """The package version: 1 or 2 (legacy, plain SQLite) or 3 (current, zstd)."""
        if "meta" in self.members:
            data = self.read("meta", 1 << 10, zstd=False)
            try:
                version = _proto_int(data, 1)
            except ValueError:
                raise _Refused("member 'meta'", "not a valid package description") from None
            if version not in _COLLECTIONS:
                raise _Refused("member 'meta'", f"package version {version} is not supported (made by a newer "
                                                "Anki? export again with \"Support older Anki versions\")")
            return version
        return 2 if "collection.anki21" in self.members else 1

    # -- reading members --
    def stream(self, name: str, out: IO[bytes], cap: int, *, zstd: bool) -> int:
        """Copy a member, decompressing zstd if asked, refusing more than `cap` bytes. Returns the size."""
        where = f"member {name!r}"
        info = self.members.get(name)
        if info is None:
            raise _Refused(where, "missing")
        written = 0
        try:
            with self.zip.open(info) as member:
                source: IO[bytes] = member
                counter = None
                if zstd:
                    head = member.read(4)
                    if head != ZSTD_MAGIC:
                        raise _Refused(where, "not zstd-compressed, as this package version requires")
                    counter = _Counting(_Prefixed(head, member))
                    source = _zstd_reader(counter, self.limits)
                while True:
                    chunk = source.read(_CHUNK)
                    if not chunk:
                        break
                    written += len(chunk)
                    if written > cap:
                        raise _Refused(where, f"too large when decompressed (more than {cap} bytes)")
                    if counter is not None and written > self.limits.ratio_floor and \
                            written > self.limits.max_ratio * max(counter.count, 1):
                        raise _Refused(where, f"compression ratio above {self.limits.max_ratio}: a zstd bomb")
                    self.budget.take(where, len(chunk))
                    out.write(chunk)
        except _Refused:
            raise
        except zipfile.BadZipFile as error:
            raise _Refused(where, f"corrupt: {error}") from None
        except OSError as error:
            if error.errno is None:  # bz2 and lzma say "invalid data" this way
                raise _Refused(where, f"corrupt: {error}") from None
            raise _Refused(where, f"cannot be copied: {error.strerror or error}") from None
        except Exception as error:  # whatever a decompressor (zlib, bz2, lzma, zstd) raises on bad data
            kind = "not valid zstd data" if type(error).__name__ == "ZstdError" else "corrupt"
            raise _Refused(where, f"{kind}: {error or type(error).__name__}") from None
        return written

    def read(self, name: str, cap: int, *, zstd: bool) -> bytes:
        buffer = io.BytesIO()
        self.stream(name, buffer, cap, zstd=zstd)
        return buffer.getvalue()


class _Prefixed:
    """A stream with a few bytes already read put back in front."""

    def __init__(self, head: bytes, rest: IO[bytes]):
        self.head, self.rest = head, rest

    def read(self, size: int = -1) -> bytes:
        if self.head:
            data, self.head = self.head, b""
            return data
        return self.rest.read(size)


def _zstd_reader(source, limits: Limits):
    try:
        import zstandard
    except ImportError:
        raise _Refused("", "this package is zstd-compressed: install the 'zstandard' package to read it") from None
    decompressor = zstandard.ZstdDecompressor(max_window_size=limits.max_zstd_window)
    return decompressor.stream_reader(source, read_size=_CHUNK, read_across_frames=True)


# -- media names --------------------------------------------------------------------------------
def not_a_file(kind: str, src: str) -> str | None:
    """The placeholder of media that is not a file a deck can have (inline data, a web address);
    None for a file's name."""
    if src.startswith("data:"):
        return placeholder(kind, "")
    if "://" in src:
        return placeholder(kind, src[:200])
    return None


def safe_media_name(name: str) -> str:
    """A media file name that is only a name: no directories, drive, control or reserved characters.

    "" when nothing usable is left (the caller then names the file by its index).
    """
    name = unicodedata.normalize("NFC", clean(name)).replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"^[A-Za-z]:", "", name)
    name = re.sub(r'[<>:"|?*\x00-\x1f\x7f]', "_", name).strip().lstrip(".").strip()
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if stem.split(".")[0].lower() in _WINDOWS_RESERVED:
        name = "_" + name
    encoded = name.encode("utf-8")
    if len(encoded) > 200:  # file systems allow 255 bytes; keep room for a "-2" suffix
        ext_part = ("." + ext)[:20] if dot else ""
        keep = 200 - len(ext_part.encode("utf-8"))
        name = encoded[:keep].decode("utf-8", "ignore").rstrip(". ") + ext_part
    return name


def _media_list(package: Package, version: int) -> dict[str, str]:
    """The package's media list: file name -> member name."""
    where = "member 'media'"
    if "media" not in package.members:
        return {}
    data = package.read("media", package.limits.max_media_list_bytes, zstd=version == 3)
    out: dict[str, str] = {}
    if version == 3:
        try:
            entries = (entry for number, entry in proto_fields(data) if number == 1 and isinstance(entry, bytes))
            for index, entry in enumerate(entries):
                name, member = "", str(index)
                for sub, value in proto_fields(entry):
                    if sub == 1 and isinstance(value, bytes):
                        name = value.decode("utf-8", "replace")
                    elif sub == 255 and isinstance(value, int):
                        member = str(value)
                if name and name not in out:
                    out[name] = member
        except ValueError:
            raise _Refused(where, "not a valid media list") from None
        return out
    try:
        table = json.loads(data.decode("utf-8")) if data.strip() else {}
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _Refused(where, "not a valid media list (JSON)") from None
    if not isinstance(table, dict):
        raise _Refused(where, "not a valid media list (JSON)")
    for member, name in table.items():
        if isinstance(name, str) and name and name not in out:
            out[name] = str(member)
    return out


# -- the collection -----------------------------------------------------------------------------
Revlog = tuple[int, int, int, int, int]  # a review log row: id (ms), card id, ease, time (ms), type


@dataclass(slots=True)
class _Collection:
    decks: dict[int, tuple[str, ...]]
    notetypes: dict[int, NoteType]
    skipped_types: dict[int, str]  # note types read but not turned into cards (image occlusion)
    notes: dict[int, tuple[int, str, int, str, str]]  # id -> (id, guid, note type id, tags, fields (\x1f-joined))
    cards: list[tuple[int, int, int, int, int]]  # id, note id, deck id, ord, queue
    revlog: list[Revlog]


def _open_collection(path: Path, limits: Limits) -> sqlite3.Connection:
    uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    try:
        conn.execute("PRAGMA trusted_schema=OFF")
        conn.execute("PRAGMA query_only=ON")
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, max(limits.max_field_chars * 4 * 16, 1 << 20))
        deadline = time.monotonic() + limits.max_seconds
        conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        schema = conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
    except BaseException:
        conn.close()
        raise
    for kind, name, sql in schema:
        if kind in ("view", "trigger") or (isinstance(sql, str) and re.match(r"\s*create\s+virtual", sql, re.I)):
            conn.close()
            label = "virtual table" if kind == "table" else kind
            raise _Refused(f"{label} {str(name)[:60]!r}", f"the collection holds a {label}: refused")
    conn.set_authorizer(_authorize)
    return conn


def _authorize(action: int, arg1: str | None, arg2: str | None, database: str | None, source: str | None) -> int:
    """Allow plain SELECTs reading the collection's own tables, nothing else (no view, trigger or function)."""
    if source is not None:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_SELECT:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_READ:
        return sqlite3.SQLITE_OK if arg1 in _TABLES else sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_DENY


_CARD_ORDER = operator.itemgetter(0, 1, 2)  # a cards row's note, ord and card id


def _read_collection(conn: sqlite3.Connection, member: str, limits: Limits) -> _Collection:
    # Schema V18 keeps note types in their own tables; V11 keeps them as JSON in col.
    try:
        conn.execute("SELECT id FROM notetypes LIMIT 0")
        modern = True
    except sqlite3.DatabaseError:
        modern = False
    if modern:
        decks, notetypes, skipped = _modern_decks(conn, member, limits), *_modern_notetypes(conn, member, limits)
    else:
        decks, notetypes, skipped = _legacy_decks(conn, member, limits), *_legacy_notetypes(conn, member, limits)
    # The three big tables are fetched in one call each and checked a column at a time (types, lengths);
    # only when a check fails are the rows walked one by one, for the first bad row's own message.
    rows = _fetch(conn, member, "SELECT id, guid, mid, tags, flds FROM notes", "notes")
    columns = tuple(zip(*rows, strict=True)) or ((),) * 5
    if not (_all_type(columns[0], int) and _all_type(columns[1], str) and _all_type(columns[2], int)
            and _all_type(columns[3], str) and _all_type(columns[4], str)
            and max(map(len, columns[1]), default=0) <= 1000
            and max(map(len, columns[3]), default=0) <= limits.max_field_chars):
        _check_notes(rows, member, limits)
    notes = dict(zip(columns[0], rows, strict=True))  # id -> (id, guid, note type id, tags, fields)
    # In note order, sorted here: SQLite walks its note index and looks each card up (half as long again).
    rows = _fetch(conn, member, "SELECT nid, ord, id, did, odid, queue FROM cards", "cards", limits.max_cards + 1)
    if not all(_all_type(column, int) for column in zip(*rows, strict=True)):
        for row in rows:
            if not all(type(value) is int for value in row):
                raise _Refused(f"{member}: card {row[2]!r}", "not a valid card row")
    if len(rows) > limits.max_cards:
        raise _Refused(member, f"more than {limits.max_cards} cards")
    rows.sort(key=_CARD_ORDER)  # (stable: rows alike there, in a table without its key, stay in the table's order)
    cards = [(cid, nid, odid or did, ord_, queue) for nid, ord_, cid, did, odid, queue in rows]
    revlog = [row for row in _fetch(conn, member, "SELECT id, cid, ease, time, type FROM revlog ORDER BY id", "revlog")
              if type(row[0]) is int and type(row[1]) is int and type(row[2]) is int and type(row[3]) is int
              and type(row[4]) is int]
    return _Collection(decks, notetypes, skipped, notes, cards, revlog)


def _all_type(values: tuple, kind: type) -> bool:
    """Whether every value is exactly of `kind` (a bool is not an int here, as `type(v) is int` says)."""
    return not values or set(map(type, values)) == {kind}


def _check_notes(rows: list, member: str, limits: Limits) -> None:
    for nid, guid, mid, tags, flds in rows:
        if not (type(nid) is int and type(guid) is str and type(mid) is int and type(tags) is str
                and type(flds) is str):
            raise _Refused(f"{member}: note {nid!r}", "not a valid note row")
        if len(guid) > 1000:
            raise _Refused(f"{member}: note {nid}", "guid longer than 1000 characters")
        if len(tags) > limits.max_field_chars:
            raise _Refused(f"{member}: note {nid} tags", f"longer than {limits.max_field_chars} characters")


def _fetch(conn: sqlite3.Connection, member: str, sql: str, what: str, limit: int | None = None) -> list:
    """The rows of a query at once (at most `limit`), with _query's errors."""
    with _reading(member, what):
        cursor = conn.execute(sql)
        return cursor.fetchall() if limit is None else cursor.fetchmany(limit)


def _query(conn: sqlite3.Connection, member: str, sql: str, what: str):
    with _reading(member, what):
        yield from conn.execute(sql)


@contextlib.contextmanager
def _reading(member: str, what: str):
    """SQLite's errors while reading `what` from a member, as one line naming both."""
    try:
        yield
    except sqlite3.OperationalError as error:
        if "interrupted" in str(error):
            raise _Refused(member, f"reading {what} took longer than the time limit") from None
        raise _Refused(member, f"not an Anki collection ({what}: {error})") from None
    except sqlite3.DatabaseError as error:
        raise _Refused(member, f"not a valid SQLite collection ({what}: {error})") from None
    except UnicodeDecodeError:
        raise _Refused(member, f"not a valid collection ({what}: text that is not UTF-8)") from None


def _text(value: object, where: str, limits: Limits) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        raise _Refused(where, "expected text")
    if len(value) > limits.max_field_chars:
        raise _Refused(where, f"longer than {limits.max_field_chars} characters")
    return value


def _modern_decks(conn, member: str, limits: Limits) -> dict[int, tuple[str, ...]]:
    decks = {}
    for did, name in _query(conn, member, "SELECT id, name FROM decks", "decks"):
        if isinstance(did, int):
            decks[did] = split_deck_name(_text(name, f"{member}: deck {did}", limits))
    return decks


def _modern_notetypes(conn, member: str, limits: Limits) -> tuple[dict[int, NoteType], dict[int, str]]:
    fields: dict[int, list[tuple[int, str]]] = {}
    for ntid, ord_, name in _query(conn, member, "SELECT ntid, ord, name FROM fields", "fields"):
        if isinstance(ntid, int) and isinstance(ord_, int):
            fields.setdefault(ntid, []).append((ord_, _text(name, f"{member}: note type {ntid} field", limits)))
    templates: dict[int, list[tuple[int, Template]]] = {}
    for ntid, ord_, name, config in _query(conn, member, "SELECT ntid, ord, name, config FROM templates",
                                           "templates"):
        if not (isinstance(ntid, int) and isinstance(ord_, int) and isinstance(config, bytes)):
            continue
        where = f"{member}: note type {ntid} template {ord_}"
        if len(config) > limits.max_field_chars:
            raise _Refused(where, f"longer than {limits.max_field_chars} bytes")
        try:
            question, answer = _proto_str(config, 1), _proto_str(config, 2)
        except ValueError:
            raise _Refused(where, "not a valid template") from None
        templates.setdefault(ntid, []).append((ord_, Template(_text(name, where, limits), question, answer)))
    notetypes, skipped = {}, {}
    for ntid, name, config in _query(conn, member, "SELECT id, name, config FROM notetypes", "note types"):
        if not isinstance(ntid, int) or not isinstance(config, bytes):
            continue
        where = f"{member}: note type {ntid}"
        name = plain_to_text(_text(name, where, limits))
        try:
            kind, stock = _proto_int(config, 1), _proto_int(config, 9)
        except ValueError:
            raise _Refused(where, "not a valid note type") from None
        if stock == _IMAGE_OCCLUSION:
            skipped[ntid] = name
            continue
        notetypes[ntid] = NoteType(
            name=name,
            fields=tuple(n for _, n in sorted(fields.get(ntid, []))),
            templates=tuple(t for _, t in sorted(templates.get(ntid, []), key=lambda pair: pair[0])),
            cloze=kind == 1,
        )
    return notetypes, skipped


def _col_json(conn, member: str, column: str, limits: Limits) -> dict:
    rows = list(_query(conn, member, f"SELECT {column} FROM col", "col"))
    if not rows:
        raise _Refused(member, "not an Anki collection (no col row)")
    # col holds every note type's templates at once: a wider cap than one field's
    raw = _text(rows[0][0], f"{member}: col.{column}", replace(limits, max_field_chars=limits.max_field_chars * 16))
    try:
        table = json.loads(raw) if raw.strip() else {}
    except (ValueError, RecursionError):
        raise _Refused(f"{member}: col.{column}", "not valid JSON") from None
    if not isinstance(table, dict):
        raise _Refused(f"{member}: col.{column}", "not valid JSON")
    return table


def _legacy_decks(conn, member: str, limits: Limits) -> dict[int, tuple[str, ...]]:
    decks = {}
    for key, deck in _col_json(conn, member, "decks", limits).items():
        if isinstance(deck, dict) and isinstance(deck.get("name"), str):
            with contextlib.suppress(ValueError, TypeError):
                decks[int(deck.get("id", key))] = split_deck_name(deck["name"])
    return decks


def _legacy_notetypes(conn, member: str, limits: Limits) -> tuple[dict[int, NoteType], dict[int, str]]:
    notetypes, skipped = {}, {}
    for key, model in _col_json(conn, member, "models", limits).items():
        if not isinstance(model, dict):
            continue
        try:
            ntid = int(model.get("id", key))
        except (ValueError, TypeError):
            continue
        name = plain_to_text(str(model.get("name", "")))
        if model.get("originalStockKind") == _IMAGE_OCCLUSION:
            skipped[ntid] = name
            continue
        flds, tmpls = model.get("flds"), model.get("tmpls")
        fields = [f for f in (flds if isinstance(flds, list) else [])
                  if isinstance(f, dict) and isinstance(f.get("name"), str)]
        fields.sort(key=lambda f: f["ord"] if type(f.get("ord")) is int else 0)
        templates = []
        for t in sorted((t for t in (tmpls if isinstance(tmpls, list) else []) if isinstance(t, dict)),
                        key=lambda t: t["ord"] if type(t.get("ord")) is int else 0):
            where = f"{member}: note type {ntid} template {str(t.get('name', ''))[:40]!r}"
            templates.append(Template(_text(str(t.get("name", "")), where, limits),
                                      _text(str(t.get("qfmt", "")), where, limits),
                                      _text(str(t.get("afmt", "")), where, limits)))
        notetypes[ntid] = NoteType(
            name=name,
            fields=tuple(f["name"] for f in fields),
            templates=tuple(templates),
            cloze=model.get("type") == 1,
        )
    return notetypes, skipped


# -- cards --------------------------------------------------------------------------------------
class _Notes:
    def __init__(self, file: str):
        self.file, self.lines, self.count = file, [], 0

    def add(self, where: str, message: str) -> None:
        self.count += 1
        if self.count <= MAX_WARNINGS:
            self.lines.append(str(Problem(self.file, 0, where, message, severity="warning")))

    def finish(self) -> list[str]:
        if self.count > MAX_WARNINGS:
            self.lines.append(str(Problem(self.file, 0, "", f"{self.count - MAX_WARNINGS} more warnings",
                                          severity="warning")))
        return self.lines


class _MediaIndex:
    """Maps the names cards use to safe file names, and remembers which ones cards show."""

    def __init__(self, listed: dict[str, str]):
        self.member: dict[str, str] = {}  # safe name -> member
        self.safe: dict[str, str] = {}  # name as listed -> safe name
        self.used: dict[str, None] = {}
        taken: set[str] = set()  # casefolded: names that differ only in case clash on some file systems
        next_number: dict[str, int] = {}
        for index, (name, member) in enumerate(listed.items()):
            safe = safe_media_name(name) or f"media-{index}"
            key = safe.casefold()
            if key in taken:  # "a/x.png" after "b/x.png": x-2.png
                stem, dot, ext = safe.rpartition(".")
                stem, ext = (stem, "." + ext) if dot and stem else (safe, "")
                n = next_number.get(key, 2)
                while f"{stem}-{n}{ext}".casefold() in taken:
                    n += 1
                next_number[key] = n + 1
                safe = f"{stem}-{n}{ext}"
            taken.add(safe.casefold())
            self.member[safe] = member
            self.safe[name] = safe
            self.safe.setdefault(" ".join(clean(name).split()), safe)  # as a cleaned field shows it

    def hook(self, shown: list[str]) -> Callable[[str, str], str]:
        """A media hook for html_to_text: placeholders with safe names, the names appended to `shown`."""
        def media(kind: str, src: str) -> str:
            outside = not_a_file(kind, src)
            if outside is not None:
                return outside
            safe = self.safe.get(src) or self.safe.get(unquote(src))
            if safe is None:
                return placeholder(kind, safe_media_name(src))
            shown.append(safe)
            return placeholder(kind, safe)
        return media


class _Converter:
    """HTML to text for one package, remembering each fragment's text and the media it shows.

    A note's fields recur across its cards (a reversed card's front is the forward card's back),
    so each distinct fragment is converted once. `text` is a closure (called for every field of
    every card: no attribute lookups); `shown` collects the media names of the card being rendered.
    """

    def __init__(self, media: _MediaIndex, capacity: int = 32 << 20):
        cache: dict[str, tuple[str, tuple[str, ...]]] = {}
        self.cache = cache
        self.shown: list[str] = []
        size = 0  # characters held, of at most `capacity`
        names: list[str] = []  # the media one conversion shows
        get, extend, hook = cache.get, self.shown.extend, media.hook(names)

        def text(html: str) -> str:
            nonlocal size
            hit = get(html)
            if hit is None:
                names.clear()
                hit = (html_to_text(html, hook), tuple(names))
                if len(html) <= 100_000:
                    size += len(html) + len(hit[0])
                    if size > capacity:
                        cache.clear()
                        size = len(html) + len(hit[0])
                    cache[html] = hit
            if hit[1]:
                extend(hit[1])
            return hit[0]
        self.text = text


_CARD_FIELDS = frozenset({"Deck", "Subdeck", "Card"})


def _uses_card_fields(note_type: NoteType) -> bool:
    """Whether the note type's templates show {{Deck}}, {{Subdeck}} or {{Card}} (which differ card to card)."""
    return any(_CARD_FIELDS.intersection(template_fields(t.question) + template_fields(t.answer))
               for t in note_type.templates)


def _label(guid: str) -> str:
    """A note as named in a message: its guid, cleaned and shortened."""
    return repr(plain_to_text(guid)[:40])


@dataclass(slots=True)
class _Made:
    """What the cards made add up to, for the deck and the report (the cards themselves are passed on)."""

    cards: int = 0
    deck_ids: set[int] = dataclasses.field(default_factory=set)  # the Anki decks they sit in
    guids: set[str] = dataclasses.field(default_factory=set)  # their notes' guids
    unnamed_notes: int = 0  # notes without a guid that made a card
    suspended: bool = False  # whether one of them is suspended


def _build_cards(collection: _Collection, media: _MediaIndex, file: str, member: str, notes_log: _Notes,
                 limits: Limits, on_card: Callable, make: Callable = imported_card, progress=None,
                 on_reviewed: Callable[[int, str, int], None] | None = None) -> tuple[_Made, dict[int, str]]:
    # Runs once per card of the package: per-note work (splitting the fields, the tags, the guid's hash)
    # is done once per note, and a template that shows one field a side (the stock Basic ones) takes
    # render_card's simple path inline (simple_plan): the card is its two fields, converted.
    made = _Made()
    deck_ids, guids = made.deck_ids, made.guids
    ids: dict[int, str] = {}  # Anki card id -> Card.id
    seen: set[str] = set()
    content_ids = ContentIds()  # for notes without a guid
    skipped_types: dict[str, int] = {}
    per_card_fields = {ntid: _uses_card_fields(nt) for ntid, nt in collection.notetypes.items()}
    plans = {ntid: simple_plan(nt) for ntid, nt in collection.notetypes.items()}
    converter = _Converter(media)
    convert, shown = converter.text, converter.shown
    used = media.used
    decks, notes, notetypes = collection.decks, collection.notes, collection.notetypes
    max_chars = limits.max_field_chars
    add_seen, add_deck = seen.add, deck_ids.add
    reviewed = {row[1] for row in collection.revlog} if on_reviewed is not None else frozenset()
    note_id = note = note_type = note_fields = None
    counted = False  # whether the note's guid is counted (once it makes a card)
    total = len(collection.cards)
    for number, (cid, nid, did, ord_, queue) in enumerate(collection.cards):
        if progress is not None and number % 2000 == 0:
            progress(number, total)
        if nid != note_id:  # cards come in note order: a note's fields are split once
            note_id = nid
            note = notes.get(nid)
            if note is None:
                notes_log.add(f"{member}: card {cid}", "skipped: its note is missing")
                continue
            _, guid, mid, tags, flds = note
            note_type = notetypes.get(mid)
            if note_type is None:
                name = collection.skipped_types.get(mid)
                if name is not None:
                    skipped_types[name] = skipped_types.get(name, 0) + 1
                else:
                    notes_log.add(f"{member}: note {_label(guid)}", "skipped: its note type is missing")
                continue
            values = flds.split("\x1f")
            if len(flds) > max_chars:  # else no field can be longer
                for i, value in enumerate(values):
                    if len(value) > max_chars:
                        label = note_type.fields[i] if i < len(note_type.fields) else f"field {i + 1}"
                        raise _Refused(f"{member}: note {_label(guid)} {plain_to_text(label)}",
                                       f"field longer than {max_chars} characters")
            note_fields = None  # the fields by name, made when a card needs render_card
            memo: dict[str, str] | None = None if per_card_fields[mid] else {}
            note_tags, note_guid = split_tags(tags), plain_to_text(guid) or None
            id_prefix = guid_id_prefix(guid) if guid else None
            plan = plans[mid]
            card_fields = per_card_fields[mid]
            type_name = note_type.name.removesuffix(QUIZ_NOTE_TYPE)
            width = len(values)
            counted = False
        elif note is None or note_type is None:
            continue
        simple = plan[ord_] if 0 <= ord_ < len(plan) else None
        shown.clear()
        if simple is not None:  # render_card's simple path
            question, answer = simple
            front = convert(values[question].strip()) if 0 <= question < width else convert("")
            back = (convert(values[answer].strip()) if 0 <= answer < width else convert("")) if front else ""
            if not (front and back):
                notes_log.add(f"{member}: note {_label(guid)} card {ord_ + 1}", "skipped: the card is empty")
                continue
            explain = None
        else:
            if note_fields is None:
                note_fields = {"Tags": tags.strip(), "Type": type_name}
                note_fields.update(itertools.zip_longest(note_type.fields, values[:len(note_type.fields)],
                                                         fillvalue=""))
            fields = note_fields
            if card_fields:
                deck_path = decks.get(did, ())
                templates = note_type.templates
                template = templates[0] if note_type.cloze and templates else \
                    templates[ord_] if 0 <= ord_ < len(templates) else None
                fields = {**fields, "Deck": "::".join(deck_path), "Subdeck": deck_path[-1] if deck_path else "",
                          "Card": template.name if template else ""}
            try:
                rendered = render_card(note_type, fields, ord_, convert, memo)
            except TemplateTooLarge as error:
                raise _Refused(f"{member}: note {_label(guid)} card {ord_ + 1}", str(error)) from None
            if rendered is None:
                notes_log.add(f"{member}: note {_label(guid)} card {ord_ + 1}", "skipped: the card is empty")
                continue
            front, back, explain = rendered.front, rendered.back, rendered.explain
        card_id = f"{id_prefix}{ord_}" if id_prefix is not None else content_ids.add(front)
        if card_id in seen:
            notes_log.add(f"{member}: note {_label(guid)} card {ord_ + 1}",
                          "skipped: the same note and card as another")
            continue
        add_seen(card_id)
        first = cid not in ids  # (an Anki card id twice, in a cards table without its key: the first card has its log)
        if first:
            ids[cid] = card_id
        if shown:
            card_media = tuple(dict.fromkeys(shown))
            used.update(dict.fromkeys(card_media))
        else:
            card_media = ()
        on_card(make(card_id, front, back, explain, note_tags, note_guid, ord_, decks.get(did, ()), type_name,
                     queue == -1, card_media))
        if first and cid in reviewed:
            on_reviewed(cid, card_id, made.cards)
        made.cards += 1
        add_deck(did)
        if queue == -1:
            made.suspended = True
        if not counted:
            if note_guid:
                guids.add(note_guid)
                counted = True
            elif ord_ == 0:
                made.unnamed_notes += 1
    for name, count in skipped_types.items():
        notes_log.add(member, f"skipped {count} card{'s' if count > 1 else ''} of note type {name!r} "
                              "(image occlusion is not supported)")
    return made, ids


# A review logged after this (the year 3000) is not one Anki logged: it, and the due dates FSRS would
# give it, are past what a date can hold.
LATEST_REVIEW_MS = 32_503_680_000_000


def is_review(row: Revlog) -> bool:
    """Whether a review log row is a review Anki could have logged: a time from 1970 to the year 3000,
    an ease of 0 (none) to 4, a kind of 0 to 5."""
    rid, _, ease, _, kind = row
    return 0 < rid <= LATEST_REVIEW_MS and 0 <= ease <= 4 and 0 <= kind <= 5


def reviews_of(revlog: list[Revlog], ids: dict[int, str]) -> list[ImportedReview]:
    """The deck's reviews: the review log's rows of the cards made (`ids`: Anki card id -> card id) that
    are reviews (is_review)."""
    reviews = []
    for row in revlog:
        card_id = ids.get(row[1])
        if card_id is None or not is_review(row):
            continue
        rid, _, ease, taken, kind = row
        reviews.append(ImportedReview(card_id=card_id, reviewed_at=rid, ease=ease, duration=max(0, taken),
                                      kind=kind))
    return reviews


# -- media extraction ---------------------------------------------------------------------------
def _extract_media(package: Package, media: _MediaIndex, version: int, media_dir: Path,
                   notes_log: _Notes) -> dict[str, str]:
    """Write the media cards show into media_dir (via a staging folder); name -> absolute path."""
    wanted = [name for name in media.used if media.member[name] in package.members]
    for name in media.used:
        if media.member[name] not in package.members:
            notes_log.add(f"media {name!r}", "missing from the package")
    if not wanted:
        return {}
    media_dir.mkdir(parents=True, exist_ok=True)
    target = media_dir.resolve()
    staging = Path(tempfile.mkdtemp(prefix=".quiz-import-", dir=target))
    try:
        for name in wanted:
            path = staging / name
            if path.parent != staging:  # cannot happen with a safe name; checked all the same
                raise _Refused(f"media {name!r}", "unsafe file name")
            with open(path, "xb") as out:
                package.stream(media.member[name], out, package.limits.max_media_bytes, zstd=version == 3)
        for name in wanted:  # all checked before any is moved, so a refusal leaves the folder as it was
            final = target / name
            if final.is_dir() and not final.is_symlink():
                raise _Refused(f"media {name!r}", f"a folder of that name is in the way in {target}")
        placed = {}
        for name in wanted:
            os.replace(staging / name, target / name)  # replaces a symlink itself, never what it points to
            placed[name] = str(target / name)
        return placed
    finally:
        shutil.rmtree(staging, ignore_errors=True)


# -- the reader ---------------------------------------------------------------------------------
def read_anki_package(path: str | Path, media_dir: str | Path | None = None, *, deck_id: str | None = None,
                      limits: Limits = DEFAULT_LIMITS, progress: Callable[[int, int], None] | None = None) -> Deck:
    """Read an .apkg or .colpkg into a Deck, with its review log and (if media_dir is given) its media.

    Cards carry their Anki deck (`deck_path`), tags, note type and suspension; `deck.reviews` is
    the review log of the cards read; `deck.media_files` maps each media name cards show to the
    file written into media_dir (files of the same name there are replaced; pass a staging
    folder to keep an import all-or-nothing). Without media_dir nothing is written anywhere but
    a temporary copy of the collection, removed before returning. `progress(done, total)` is called
    as the cards are built (what it raises stops the reading). Raises DeckError.
    """
    cards: list[Card] = []
    read = stream_anki_package(path, media_dir, deck_id=deck_id, limits=limits, progress=progress,
                               on_card=cards.append)
    read.deck.cards = cards
    return read.deck


@dataclass(slots=True)
class PackageRead:
    """A package read by stream_anki_package: its deck without the cards, and what those add up to."""

    deck: Deck  # its reviews, media files and warnings; no cards
    notes: int  # the notes the cards come from
    media: int  # the media files they show
    suspended: bool  # whether one of them is suspended
    card_ids: dict[int, str]  # Anki card id -> the id of the card made of it


def stream_anki_package(path: str | Path, media_dir: str | Path | None = None, *, deck_id: str | None = None,
                        limits: Limits = DEFAULT_LIMITS, progress: Callable[[int, int], None] | None = None,
                        on_start: Callable[[Deck, bool, list[Revlog]], None] | None = None,
                        on_card: Callable[[object], None], make: Callable[..., object] = imported_card,
                        on_reviewed: Callable[[int, str, int], None] | None = None,
                        scratch: str | Path | None = None) -> PackageRead:
    """read_anki_package for a caller storing the cards as they are made: `on_card(make(...))` with each,
    `make` taking imported_card's arguments (a store writing rows makes its row: imported_card_row).

    `on_start(deck, scheduled, revlog)` is called once the collection is read, before any card is made,
    with the deck as far as it is known then (no cards; its id and title from the decks of all the
    collection's cards), whether the collection has a review log or a suspended card (the deck read
    may differ on both if some cards make none: the caller compares) and the collection's review log,
    whose rows of the cards made are the deck's reviews (`reviews_of(revlog, read.card_ids)`).
    `on_reviewed(anki_card_id, card_id, place)` is called after `on_card` for each card the log has rows of,
    `place` its place among the cards made (0 for the first). `scratch`: the folder the collection's
    temporary copy is made in (default: the system's; a caller that may kill this process removes it).
    """
    file = str(path)
    path = Path(path)
    try:
        package = Package(path, limits)
    except _Refused as refused:
        raise DeckError([Problem(file, 0, refused.where, refused.message)]) from None
    except zipfile.BadZipFile as error:
        raise DeckError([Problem(file, 0, "", one_line(f"not a valid zip file: {error}"))]) from None
    except (OSError, EOFError, ValueError, struct.error, OverflowError, NotImplementedError) as error:
        raise DeckError([Problem(file, 0, "", one_line(f"cannot read: {getattr(error, 'strerror', None) or error}"))]) \
            from None
    try:
        return _read(package, path, file, media_dir, deck_id, limits, progress, on_start, on_card, make, on_reviewed,
                     scratch)
    except _Refused as refused:
        raise DeckError([Problem(file, 0, refused.where, refused.message)]) from None
    except (sqlite3.Error, OSError) as error:
        raise DeckError([Problem(file, 0, "", one_line(f"cannot read: {getattr(error, 'strerror', None) or error}"))]) \
            from None
    except UnicodeDecodeError:
        raise DeckError([Problem(file, 0, "", "not a valid collection: text that is not UTF-8")]) from None
    except RecursionError:
        raise DeckError([Problem(file, 0, "", "nested too deeply")]) from None
    finally:
        package.close()


def _read(package: Package, path: Path, file: str, media_dir, deck_id, limits: Limits, progress, on_start, on_card,
          make, on_reviewed, scratch_dir) -> PackageRead:
    version = package.version()
    member = _COLLECTIONS[version]
    if member not in package.members:
        raise _Refused(f"member {member!r}", "missing (the package's collection)")
    with tempfile.TemporaryDirectory(prefix="quiz-anki-", dir=scratch_dir) as scratch:
        db_path = Path(scratch) / "collection.sqlite"
        with open(db_path, "xb") as out:
            package.stream(member, out, limits.max_collection_bytes, zstd=version == 3)
        try:
            conn = _open_collection(db_path, limits)
        except sqlite3.DatabaseError as error:
            raise _Refused(f"member {member!r}", f"not a valid SQLite collection: {error}") from None
        try:
            collection = _read_collection(conn, f"member {member!r}", limits)
        finally:
            conn.close()
    media = _MediaIndex(_media_list(package, version))
    notes_log = _Notes(file)
    decks = collection.decks
    if on_start is not None:
        on_start(_deck(path, file, deck_id, {decks.get(did, ())[:1] for _, _, did, _, _ in collection.cards}),
                 bool(collection.revlog) or any(queue == -1 for *_, queue in collection.cards), collection.revlog)
    with bulk_allocation():
        made, ids = _build_cards(collection, media, file, member, notes_log, limits, on_card, make, progress,
                                 on_reviewed)
        reviews = reviews_of(collection.revlog, ids)
    if not made.cards:
        raise _Refused("", "no cards found" + (f" ({notes_log.lines[0]})" if notes_log.lines else ""))
    media_files = _extract_media(package, media, version, Path(media_dir), notes_log) if media_dir else {}
    deck = _deck(path, file, deck_id, {decks.get(did, ())[:1] for did in made.deck_ids})
    deck.reviews, deck.media_files, deck.warnings = reviews, media_files, notes_log.finish()
    return PackageRead(deck, len(made.guids) + made.unnamed_notes, len(media.used), made.suspended, ids)


def _deck(path: Path, file: str, deck_id: str | None, roots: set[tuple[str, ...]]) -> Deck:
    """The deck of cards in these top-level decks (each a 1-tuple, or () for none): named after the
    one they are all in, else the file."""
    root = roots.pop()[:1] if len(roots) == 1 else ()
    title = root[0] if root and root[0] != "Default" else path.stem
    return Deck(id=slug(deck_id) if deck_id else slug(title), title=LocalText.of(plain_to_text(title) or "Imported"),
                path=file)
