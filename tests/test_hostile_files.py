"""Hostile files: each is refused with one line naming the file and the member or field, or made harmless.

Nothing is ever written outside the media folder the caller passes.
"""

from __future__ import annotations

import contextlib
import os
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from anki_builder import FIXTURES, connect, execute, fixture_collection, package, png, write_zip, zstd

from quiz.formats.anki_package import Limits, read_anki_package
from quiz.formats.problems import DeckError
from quiz.formats.text_deck import MAX_FIELD_CHARS, MAX_LINE_CHARS, read_quizlet, read_text_deck

pytestmark = pytest.mark.skipif(not FIXTURES.is_dir(), reason="shared/fixtures is not there")


def refused(path: Path, media_dir: Path | None = None, **options) -> str:
    with pytest.raises(DeckError) as caught:
        read_anki_package(path, media_dir, **options)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message, message
    return message


def files_under(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.fixture
def legacy_db(tmp_path):
    return fixture_collection(tmp_path)


# -- zip slip -----------------------------------------------------------------------------------
@pytest.mark.parametrize("member", ["../evil", "../../etc/passwd", "/etc/passwd", "media/../../x", "a\\..\\b",
                                    "C:evil", "C:\\evil.png", "dir/0", "..", "\x1b[2J"])
def test_unsafe_member_names_are_refused(tmp_path, legacy_db, member):
    path = package(tmp_path / "slip.apkg", legacy_db, extra=[(member, b"pwned")])
    message = refused(path, tmp_path / "media")
    assert "unsafe member name" in message and "\x1b" not in message
    assert files_under(tmp_path) == {"collection.sqlite", "slip.apkg"}


@pytest.mark.parametrize("modern", [False, True])
def test_media_names_with_paths_are_made_harmless(tmp_path, legacy_db, modern):
    db = fixture_collection(tmp_path, modern=modern, name="c.sqlite") if modern else legacy_db
    names = ["../../outside.png", "..\\..\\win.png", "C:\\Users\\x\\drive.png", "/etc/abs.png", "sub/dir/deep.png",
             "esc\x1b[31m.png", "..", "red-square.png"]
    refs = "".join(f'<img src="{n}">' for n in names)
    execute(db, "UPDATE notes SET flds = ? WHERE guid = 'uEfrcfd9u&'", params=(f"<b>H</b>\x1f{refs}",))
    media = {name: f"content of {i}".encode() for i, name in enumerate(names)}
    path = package(tmp_path / "names.apkg", db, media, modern=modern)
    media_dir = tmp_path / "data" / "media"
    deck = read_anki_package(path, media_dir)
    assert set(deck.media_files) == {"outside.png", "win.png", "drive.png", "abs.png", "deep.png", "esc.png",
                                     "media-6", "red-square.png"}
    assert files_under(tmp_path) == {"collection.sqlite", *(["c.sqlite"] if modern else []), "names.apkg", "data",
                                     "data/media", *(f"data/media/{n}" for n in deck.media_files)}
    for file in deck.media_files.values():
        assert Path(file).parent == media_dir.resolve()
    assert (media_dir / "outside.png").read_bytes() == b"content of 0"
    hydrogen = next(c for c in deck.cards if c.front.get("en") == "H")
    assert hydrogen.back.get("en") == " ".join(f"[image: {n}]" for n in (
        "outside.png", "win.png", "drive.png", "abs.png", "deep.png", "esc.png", "media-6", "red-square.png"))


def test_a_symlink_in_the_media_folder_is_replaced_not_followed(tmp_path, legacy_db):
    media_dir = tmp_path / "media"
    media_dir.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    os.symlink(victim, media_dir / "red-square.png")
    deck = read_anki_package(package(tmp_path / "p.apkg", legacy_db, {"red-square.png": png()}), media_dir)
    assert victim.read_text() == "precious"
    assert not (media_dir / "red-square.png").is_symlink()
    assert Path(deck.media_files["red-square.png"]).read_bytes() == png()


# -- bombs and sizes ----------------------------------------------------------------------------
def test_zip_bomb_member_is_refused_by_ratio(tmp_path, legacy_db):
    bomb = b"\0" * (12 << 20)  # deflates about 1000 to 1
    path = package(tmp_path / "bomb.apkg", legacy_db, {"red-square.png": bomb}, compression=zipfile.ZIP_DEFLATED)
    message = refused(path, tmp_path / "media")
    assert "member '0': compression ratio above 1000: a zip bomb" in message
    assert not (tmp_path / "media").exists()


def test_oversized_members_are_refused_before_reading(tmp_path, legacy_db):
    path = package(tmp_path / "big.apkg", legacy_db, {"red-square.png": b"x" * 5000})
    message = refused(path, tmp_path / "media", limits=Limits(max_media_bytes=1000, max_media_list_bytes=1000))
    assert "member '0': too large when decompressed (5000 bytes; the limit is 1000)" in message
    message = refused(path, limits=Limits(max_collection_bytes=10_000))
    assert "member 'collection.anki21': too large when decompressed" in message
    message = refused(path, limits=Limits(max_total_bytes=100_000))
    assert "decompresses to more than 100000 bytes" in message


def test_lying_sizes_in_the_zip_are_caught(tmp_path, legacy_db):
    path = package(tmp_path / "liar.apkg", legacy_db, {"red-square.png": b"y" * 50_000},
                   compression=zipfile.ZIP_DEFLATED)
    data = bytearray(path.read_bytes())
    central = data.rfind(b"PK\x01\x02")  # the last central directory entry: member "0"
    assert data[central + 46:central + 47] == b"0"
    struct.pack_into("<I", data, central + 24, 100)  # claims 100 bytes uncompressed
    path.write_bytes(bytes(data))
    message = refused(path, tmp_path / "media")
    assert "member '0'" in message
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").iterdir())


def test_zstd_bomb_collection_is_refused_while_streaming(tmp_path):
    bomb = zstd(b"\0" * (64 << 20))  # 64 MiB of zeros in a few kilobytes
    path = write_zip(tmp_path / "zbomb.apkg", [("meta", b"\x08\x03"), ("collection.anki21b", bomb)])
    message = refused(path)
    assert "member 'collection.anki21b': compression ratio above 1000: a zstd bomb" in message


def test_zstd_stream_is_capped(tmp_path, legacy_db):
    path = package(tmp_path / "z.apkg", legacy_db.read_bytes(), modern=True)
    message = refused(path, limits=Limits(max_collection_bytes=100_000, ratio_floor=1 << 30))
    assert "member 'collection.anki21b': too large when decompressed (more than 100000 bytes)" in message


def test_zstd_media_bomb_leaves_no_files(tmp_path):
    db = fixture_collection(tmp_path, modern=True)
    path = package(tmp_path / "m.apkg", db, {"red-square.png": b"\0" * (40 << 20)}, modern=True)
    message = refused(path, tmp_path / "media")
    assert "member '0'" in message and "zstd bomb" in message
    assert list((tmp_path / "media").iterdir()) == []  # the staging folder is gone


def test_not_zstd_where_zstd_is_required(tmp_path, legacy_db):
    path = write_zip(tmp_path / "nz.apkg", [("meta", b"\x08\x03"), ("collection.anki21b", legacy_db.read_bytes())])
    assert "not zstd-compressed" in refused(path)
    path = write_zip(tmp_path / "bad.apkg", [("meta", b"\x08\x03"), ("collection.anki21b", zstd(b"x" * 100)[:12])])
    assert "member 'collection.anki21b'" in refused(path)


def test_too_many_members(tmp_path, legacy_db):
    path = package(tmp_path / "many.apkg", legacy_db, {f"{i}.png": b"." for i in range(40)})
    assert "too many members (43; the limit is 20)" in refused(path, limits=Limits(max_members=20))


def test_duplicate_and_encrypted_members(tmp_path, legacy_db):
    path = tmp_path / "dup.apkg"
    with pytest.warns(UserWarning):
        write_zip(path, [("collection.anki21", legacy_db.read_bytes()), ("collection.anki21", b"other")])
    assert "two members of this name" in refused(path)
    path = package(tmp_path / "enc.apkg", legacy_db)
    data = bytearray(path.read_bytes())
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 1  # the "encrypted" flag
    path.write_bytes(bytes(data))
    assert "encrypted member" in refused(path)


def test_truncated_and_garbage_zips(tmp_path, legacy_db):
    whole = package(tmp_path / "whole.apkg", legacy_db).read_bytes()
    for cut in (10, len(whole) // 2, len(whole) - 30):
        path = tmp_path / f"cut{cut}.apkg"
        path.write_bytes(whole[:cut])
        refused(path)
    path = tmp_path / "deflate.apkg"
    body = zlib.compress(b"not really")
    write_zip(path, [("collection.anki21", body)])
    refused(path)


# -- SQLite -------------------------------------------------------------------------------------
@pytest.mark.parametrize("statement, kind", [
    ("CREATE TRIGGER t AFTER INSERT ON notes BEGIN DELETE FROM cards; END", "trigger 't'"),
    ("CREATE VIEW v AS SELECT * FROM notes", "view 'v'"),
    ("CREATE VIRTUAL TABLE f USING fts5(x)", "virtual table 'f'"),
])
def test_triggers_views_and_virtual_tables_are_refused(tmp_path, legacy_db, statement, kind):
    try:
        execute(legacy_db, statement)
    except Exception as error:  # an SQLite without fts5
        pytest.skip(str(error))
    message = refused(package(tmp_path / "t.apkg", legacy_db))
    assert f"{kind}: the collection holds a" in message


def test_a_view_posing_as_a_table_is_refused(tmp_path, legacy_db):
    execute(legacy_db, "ALTER TABLE notes RENAME TO real_notes",
            "CREATE VIEW notes AS SELECT id, guid, mid, tags, flds FROM real_notes")
    assert "view 'notes'" in refused(package(tmp_path / "v.apkg", legacy_db))


def test_the_collection_is_never_written(tmp_path, legacy_db):
    """Opened read-only and immutable: no journal, no change even to a database that asks for WAL."""
    execute(legacy_db, "PRAGMA journal_mode=WAL")
    deck = read_anki_package(package(tmp_path / "wal.apkg", legacy_db))
    assert len(deck.cards) == 71


def test_not_an_anki_collection(tmp_path):
    db = tmp_path / "other.sqlite"
    execute(db, "CREATE TABLE something (x)")
    assert "not an Anki collection" in refused(package(tmp_path / "o.apkg", db))


def test_wrong_types_in_rows(tmp_path, legacy_db):
    execute(legacy_db, "UPDATE notes SET flds = X'00ff' WHERE guid = 'uEfrcfd9u&'")
    assert "not a valid note row" in refused(package(tmp_path / "w.apkg", legacy_db))


def test_broken_json_in_col(tmp_path, legacy_db):
    execute(legacy_db, "UPDATE col SET models = '{not json'")
    assert "collection.anki21': col.models: not valid JSON" in refused(package(tmp_path / "j.apkg", legacy_db))


# -- fields -------------------------------------------------------------------------------------
def test_huge_field_is_refused_naming_note_and_field(tmp_path, legacy_db):
    execute(legacy_db, "UPDATE notes SET flds = ? WHERE guid = 'uEfrcfd9u&'", params=("<b>H</b>\x1f" + "x" * 5000,))
    message = refused(package(tmp_path / "h.apkg", legacy_db), limits=Limits(max_field_chars=4000))
    assert message.endswith("collection.anki21: note 'uEfrcfd9u&' Back: field longer than 4000 characters")


def test_escape_and_control_characters_are_removed_everywhere(tmp_path, legacy_db):
    evil = "\x1b[2J\x1b]0;owned\x07\x9b31m\u202e"
    execute(legacy_db,
            "UPDATE notes SET flds = ?, tags = ? WHERE guid = 'uEfrcfd9u&'",
            params=(f"<b>H{evil}</b>\x1fHydrogen{evil}", f" element{evil} "))
    conn = connect(legacy_db)
    import json

    decks = json.loads(conn.execute("SELECT decks FROM col").fetchone()[0])
    for deck in decks.values():
        deck["name"] = deck["name"].replace("Elements", f"Elem{evil}ents")
    conn.execute("UPDATE col SET decks = ?", (json.dumps(decks),))
    conn.commit()
    conn.close()
    deck = read_anki_package(package(tmp_path / "e.apkg", legacy_db))
    texts = [t for c in deck.cards for t in (c.front.get("en"), c.back.get("en"), *c.tags, *c.deck_path)]
    assert all(t.isprintable() or (set(t) - set("\n") <= set(t) and "\x1b" not in t) for t in texts)
    assert not any(ch in t for t in texts for ch in "\x1b\x07\x9b\u202e")
    hydrogen = next(c for c in deck.cards if c.guid == "uEfrcfd9u&" and c.ord == 0)
    assert (hydrogen.front.get("en"), hydrogen.back.get("en")) == ("H", "Hydrogen")
    assert hydrogen.deck_path == ("Chemistry", "Elements") and hydrogen.tags == ("element",)


def test_text_file_escapes_are_removed(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("#html:false\nq\x1b[31m,a\x07\x9b2J\u202e\n")
    deck = read_text_deck(path)
    assert (deck.cards[0].front.get("en"), deck.cards[0].back.get("en")) == ("q", "a")


def test_text_file_huge_field_and_long_line(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text('a,"' + "x\n" * (MAX_FIELD_CHARS // 2 + 10) + '"\n')
    with pytest.raises(DeckError) as caught:
        read_text_deck(path)
    assert str(caught.value) == f"{path}:1: a field is longer than {MAX_FIELD_CHARS} characters"
    path.write_text("a," + "y" * (MAX_LINE_CHARS + 5) + "\n")
    with pytest.raises(DeckError) as caught:
        read_text_deck(path)
    assert str(caught.value) == f"{path}:1: line longer than {MAX_LINE_CHARS} characters"
    path.write_text("t\t" + "z" * (MAX_LINE_CHARS + 5))
    with pytest.raises(DeckError) as caught:
        read_quizlet(path, card_sep=";")
    assert "longer than" in str(caught.value)


# -- time ---------------------------------------------------------------------------------------
PATHOLOGICAL = {
    "escapes never ended": "\x1b]" * 100_000,
    "tags never closed": "<a " * 100_000,
    "a quote never closed": '<a "' + "<b " * 100_000,
    "scripts and comments never closed": "<script>" * 50_000 + "<!--" * 50_000,
    "sound tags never closed": "[sound:" * 100_000,
    "template and cloze braces never closed": "{{" * 200_000 + "{{c1::" * 50_000,
    "answer rules never closed": "<hr " * 100_000,
}


@pytest.mark.parametrize("field", list(PATHOLOGICAL.values()), ids=list(PATHOLOGICAL))
def test_pathological_fields_take_linear_time(tmp_path, legacy_db, field):
    import time

    execute(legacy_db, "UPDATE notes SET flds = ? WHERE guid = 'uEfrcfd9u&'", params=(f"{field}\x1f{field}",))
    path = package(tmp_path / "slow.apkg", legacy_db)
    start = time.perf_counter()
    with contextlib.suppress(DeckError):
        read_anki_package(path)
    assert time.perf_counter() - start < 5


def test_a_template_repeating_a_big_field_is_refused(tmp_path, legacy_db):
    import json

    conn = connect(legacy_db)
    models = json.loads(conn.execute("SELECT models FROM col").fetchone()[0])
    model = next(m for m in models.values() if m["type"] == 0)
    model["tmpls"][0]["qfmt"] = "{{Back}}" * 10_000
    conn.execute("UPDATE col SET models = ?", (json.dumps(models),))
    conn.execute("UPDATE notes SET flds = ? WHERE guid = 'uEfrcfd9u&'", ("H\x1f" + "x" * 100_000,))
    conn.commit()
    conn.close()
    message = refused(package(tmp_path / "blowup.apkg", legacy_db))
    assert "note 'uEfrcfd9u&' card 1: a card side longer than 4000000 characters" in message
