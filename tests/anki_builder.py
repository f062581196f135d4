"""Build Anki packages for tests: from the real fixtures' collections, changed as a test needs.

Not a test module: the package-reader tests import it.
"""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
ANKI = FIXTURES / "anki"


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def proto_bytes(number: int, data: bytes) -> bytes:
    return varint(number << 3 | 2) + varint(len(data)) + data


def zstd(data: bytes) -> bytes:
    import zstandard

    return zstandard.ZstdCompressor().compress(data)


def unzstd(data: bytes) -> bytes:
    import zstandard

    return zstandard.ZstdDecompressor().decompressobj().decompress(data)


def fixture_collection(tmp_path: Path, modern: bool = False, name: str = "collection.sqlite") -> Path:
    """A writable copy of a fixture's collection: schema V18 (modern) or V11 (legacy)."""
    package = ANKI / ("chemistry-modern.apkg" if modern else "chemistry-legacy.apkg")
    with zipfile.ZipFile(package) as zf:
        data = zf.read("collection.anki21b" if modern else "collection.anki21")
    path = tmp_path / name
    path.write_bytes(unzstd(data) if modern else data)
    return path


def media_list(names: list[str], modern: bool) -> bytes:
    if modern:
        return zstd(b"".join(proto_bytes(1, proto_bytes(1, name.encode())) for name in names))
    return json.dumps({str(i): name for i, name in enumerate(names)}).encode()


def write_zip(path: Path, members: list[tuple[str, bytes]], compression: int = zipfile.ZIP_STORED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in members:
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return path


def package(path: Path, collection: Path | bytes, media: dict[str, bytes] | None = None, modern: bool = False,
            extra: list[tuple[str, bytes]] = (), compression: int = zipfile.ZIP_STORED) -> Path:
    """An .apkg laid out as Anki writes it: meta, collection (+ dummy), media list, media members."""
    data = collection.read_bytes() if isinstance(collection, Path) else collection
    media = media or {}
    members = [("meta", b"\x08\x03" if modern else b"\x08\x02")]
    if modern:
        members.append(("collection.anki21b", zstd(data)))
        members.append(("collection.anki2", b"dummy, never read"))
    else:
        members.append(("collection.anki21", data))
    members.append(("media", media_list(list(media), modern)))
    for index, content in enumerate(media.values()):
        members.append((str(index), zstd(content) if modern else content))
    members.extend(extra)
    return write_zip(path, members, compression)


def connect(db: Path) -> sqlite3.Connection:
    """A connection that can write Anki's tables (they sort names with Anki's `unicase` collation)."""
    conn = sqlite3.connect(db)
    conn.create_collation("unicase", lambda a, b: (a.casefold() > b.casefold()) - (a.casefold() < b.casefold()))
    return conn


def execute(db: Path, *statements: str, params: tuple = ()) -> None:
    conn = connect(db)
    try:
        for sql in statements:
            conn.execute(sql, params) if params else conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


def png() -> bytes:
    with zipfile.ZipFile(ANKI / "chemistry-legacy.apkg") as zf:
        return zf.read("0")


def zip_bytes(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members:
            zf.writestr(zipfile.ZipInfo(name), data)
    return buffer.getvalue()
