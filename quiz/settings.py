"""The settings a learner changes from the app: language, theme, retention, daily limits, and how
cards are asked.

They live in the same config.toml as the rest of the study settings (quiz/config.py):
`[interface]` holds language and theme, `[study]` the rest. Saving rewrites only those keys and
keeps everything else in the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from quiz.config import CARD_QUESTIONS

LANGUAGES = ("en", "id")
INTERFACE_KEYS = ("language", "theme")
STUDY_KEYS = ("desired_retention", "new_per_day", "reviews_per_day", "card_questions")


class SettingsError(ValueError):
    """A setting out of range; the message is one line."""


@dataclass(frozen=True, slots=True)
class Settings:
    """The learner's settings, as saved in the config file."""

    language: str = "en"
    theme: str = "textual-dark"
    desired_retention: float = 0.90
    new_per_day: int = 20
    reviews_per_day: int = 200
    card_questions: str = "mixed"  # how a card deck's cards are asked (quiz.config.CARD_QUESTIONS)
    path: Path | None = None  # the file they came from

    def replace(self, **changes) -> Settings:
        return replace(self, **changes)

    def validate(self) -> None:
        if self.language not in LANGUAGES:
            raise SettingsError(f"language must be one of {', '.join(LANGUAGES)}")
        if not 0.70 <= self.desired_retention <= 0.99:
            raise SettingsError("desired retention must be between 0.70 and 0.99")
        if not 0 <= self.new_per_day <= 9999 or not 0 <= self.reviews_per_day <= 99999:
            raise SettingsError("daily limits must be whole numbers from 0")
        if self.card_questions not in CARD_QUESTIONS:
            raise SettingsError(f"cards are asked as one of: {', '.join(CARD_QUESTIONS)}")

    def study_config(self, base=None, problems: list[str] | None = None):
        """The full study configuration: the file's, with these settings on top. A file that cannot
        be used gives the defaults, and its one-line reason is appended to `problems`."""
        from quiz.config import ConfigError, StudyConfig, load_config

        try:
            # No file, no parsing: load_config would say the same after importing tomllib (~10 ms).
            missing = base is None and self.path is not None and not Path(self.path).exists()
            base = base or (StudyConfig() if missing else load_config(self.path))
        except ConfigError as error:
            if problems is not None:
                problems.append(str(error))
            base = StudyConfig()
        return replace(base, desired_retention=self.desired_retention, new_per_day=self.new_per_day,
                       reviews_per_day=self.reviews_per_day, card_questions=self.card_questions)


def _path(path: Path | None) -> Path:
    from quiz.paths import config_path

    return Path(path) if path else config_path()


def _read(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    if not text.strip():
        return {}
    import tomllib  # only when there is a file to parse: ~10 ms of start-up otherwise

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {}


def load_settings(path: Path | None = None) -> Settings:
    """The learner's settings; defaults for anything missing or unusable."""
    path = _path(path)
    document = _read(path)
    interface, study = document.get("interface", {}), document.get("study", {})
    defaults = Settings()
    values = {}
    for key in INTERFACE_KEYS:
        if isinstance(interface.get(key), str):
            values[key] = interface[key]
    for key in STUDY_KEYS:
        value, default = study.get(key), getattr(defaults, key)
        if isinstance(default, str):
            if isinstance(value, str):
                values[key] = value
        elif isinstance(value, int | float) and not isinstance(value, bool):
            values[key] = type(default)(value)
    # Each value on its own: one out of range (retention 0.6 written by hand) falls back to its
    # default without resetting the others.
    settings = replace(defaults, path=path)
    for key, value in values.items():
        candidate = replace(settings, **{key: value})
        try:
            candidate.validate()
        except SettingsError:
            continue
        settings = candidate
    return settings


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write the settings into config.toml atomically, keeping the file's other keys."""
    settings.validate()
    path = _path(path or settings.path)
    document = _read(path)
    document.setdefault("interface", {}).update({key: getattr(settings, key) for key in INTERFACE_KEYS})
    document.setdefault("study", {}).update({key: getattr(settings, key) for key in STUDY_KEYS})
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".config-", suffix=".toml")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(dump_toml(document))
    os.replace(temporary, path)
    return path


def dump_toml(document: dict) -> str:
    """TOML for what quiz writes: tables of strings, numbers, booleans and lists of numbers."""
    import json

    def value(item: object) -> str:
        if isinstance(item, bool):
            return "true" if item else "false"
        if isinstance(item, int | float):
            return repr(item)
        if isinstance(item, list | tuple):
            return "[" + ", ".join(value(v) for v in item) + "]"
        return json.dumps(str(item), ensure_ascii=False)  # a JSON string is a valid TOML basic string

    lines = []

    def table(name: str, entries: dict) -> None:
        lines.append(f"[{name}]")
        lines.extend(f"{key} = {value(item)}" for key, item in entries.items() if not isinstance(item, dict))
        lines.append("")
        for key, item in entries.items():
            if isinstance(item, dict):
                table(f"{name}.{key}", item)

    for name, entries in document.items():
        if isinstance(entries, dict):
            table(name, entries)
    return "\n".join(lines)
