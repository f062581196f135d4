"""Study settings, with defaults, optionally changed by config.toml (quiz/paths.py says where).

The file is optional and every key in it is too:

    [study]
    new_per_day = 20            # new questions introduced per deck per day
    reviews_per_day = 200       # due reviews per deck per day
    desired_retention = 0.90    # FSRS target recall probability (a deck may set its own)
    learning_steps = [1, 10]    # minutes between the first answers to a new question
    relearning_steps = [10]     # minutes, after a review is forgotten
    maximum_interval = 36500    # days
    fuzz = true                 # spread review dates a little so items do not clump
    leech_lapses = 8            # forgotten this many times: a leech, suspended
    day_starts_at = 4           # local hour at which a new study day begins (as Anki)
    learn_ahead = 20            # minutes: a learning step due this soon may be shown early
    practice_size = 30          # questions in a practice (cram) session without --limit
    card_questions = "mixed"    # how a card is asked: "mixed" (choice while learning it, typed once
                                # learned, where the card allows), "flashcard", "choice" or "typed"

    [rating]                    # see quiz/study/rating.py
    slow_ms = 10000
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

from quiz.study.rating import RatingPolicy

# How a card deck's card is asked each time it is shown (quiz/questions/generator.py, card_question).
CARD_QUESTIONS = ("mixed", "flashcard", "choice", "typed")
_CHOICES = {"card_questions": CARD_QUESTIONS}  # settings that take one of a few words


class ConfigError(Exception):
    """A settings file that cannot be used; the message is one line."""


@dataclass(frozen=True, slots=True)
class StudyConfig:
    """How a learner studies: daily limits, desired retention, learning steps, day start."""

    new_per_day: int = 20
    reviews_per_day: int = 200
    desired_retention: float = 0.90
    learning_steps: tuple[float, ...] = (1.0, 10.0)  # minutes
    relearning_steps: tuple[float, ...] = (10.0,)  # minutes
    maximum_interval: int = 36500  # days
    fuzz: bool = True
    leech_lapses: int = 8
    day_starts_at: int = 4  # local hour
    learn_ahead: float = 20.0  # minutes
    practice_size: int = 30
    card_questions: str = "mixed"  # one of CARD_QUESTIONS
    rating: RatingPolicy = field(default_factory=RatingPolicy)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> StudyConfig:
        data = dict(data)
        rating = RatingPolicy.from_dict(data.pop("rating", {}))
        for key in ("learning_steps", "relearning_steps"):
            if key in data:
                data[key] = tuple(data[key])
        return cls(**data, rating=rating)


def load_config(path: str | Path | None = None) -> StudyConfig:
    """The settings from `path` (default: the user's config.toml); defaults if there is no file."""
    import tomllib

    from quiz.paths import config_path

    path = Path(path) if path else config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return StudyConfig()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {getattr(error, 'strerror', None) or error}") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: {error}") from None
    unknown = set(document) - {"study", "rating", "interface"}  # [interface] belongs to quiz/settings.py
    if unknown:
        raise ConfigError(f"{path}: unknown table [{sorted(unknown)[0]}] (known: [study], [rating], [interface])")
    config = _apply(StudyConfig(), document.get("study", {}), path, "study")
    return replace(config, rating=_apply(config.rating, document.get("rating", {}), path, "rating"))


def _apply(defaults, table: dict, path: Path, name: str):
    """`defaults` with the values of `table`, each checked against the default's type."""
    known = {f.name: getattr(defaults, f.name) for f in fields(defaults) if f.name != "rating"}
    changes = {}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(f"{path}: [{name}] {key}: unknown setting (known: {', '.join(known)})")
        default = known[key]
        if isinstance(default, tuple):
            ok = isinstance(value, list) and all(_number(v) and v > 0 for v in value)
            value = tuple(float(v) for v in value) if ok else value
        elif key in _CHOICES:
            ok = value in _CHOICES[key]
            if not ok:
                raise ConfigError(f"{path}: [{name}] {key}: expected one of {', '.join(_CHOICES[key])}, got {value!r}")
        elif isinstance(default, bool):
            ok = isinstance(value, bool)
        elif isinstance(default, float):
            ok = _number(value)
            value = float(value) if ok else value
        else:
            ok = isinstance(value, int) and not isinstance(value, bool)
        if not ok or (not isinstance(value, bool | tuple | str) and value < 0):
            raise ConfigError(f"{path}: [{name}] {key}: expected {_describe(default)}, got {value!r}")
        changes[key] = value
    result = replace(defaults, **changes)
    if name == "study" and not 0.5 <= result.desired_retention < 1:
        raise ConfigError(f"{path}: [study] desired_retention: expected a number from 0.5 to 0.99")
    if name == "study" and not 0 <= result.day_starts_at <= 23:
        raise ConfigError(f"{path}: [study] day_starts_at: expected an hour from 0 to 23")
    return result


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _describe(default: object) -> str:
    if isinstance(default, tuple):
        return "a list of minutes"
    if isinstance(default, bool):
        return "true or false"
    return "a number" if isinstance(default, float) else "a whole number"
