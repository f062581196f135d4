"""Where the decks that ship with quiz live, and how a deck argument is resolved."""

from __future__ import annotations

from pathlib import Path

from quiz.formats.problems import DeckError, Problem


def bundled_dir() -> Path:
    installed = Path(__file__).parent / "_bundled_decks"  # put there by the wheel build
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parent.parent / "decks"  # a source checkout


def bundled_decks() -> dict[str, Path]:
    """Bundled deck id -> file."""
    folder = bundled_dir()
    return {path.stem: path for path in sorted(folder.glob("*.yaml"))} if folder.is_dir() else {}


def resolve_deck_path(name: str) -> Path:
    """A path to a deck file, or the id of a bundled deck."""
    path = Path(name)
    if path.suffix in (".yaml", ".yml") or path.exists():
        if not path.exists():
            raise DeckError([Problem(name, 0, "", "no such file")])
        return path
    decks = bundled_decks()
    if name in decks:
        return decks[name]
    known = ", ".join(decks) or "none"
    raise DeckError([Problem(name, 0, "", f"no such file or bundled deck (bundled decks: {known})")])


def load(name: str):
    """Load a deck by path or bundled id."""
    from quiz.formats.yaml_deck import load_deck

    return load_deck(resolve_deck_path(name))
