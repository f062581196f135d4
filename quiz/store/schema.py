"""The database schema, as the list of migrations that builds it.

`PRAGMA user_version` is the number of migrations applied; migration N (1-based) is
MIGRATIONS[N - 1]. Add a migration to change the schema; never edit one that has shipped.

Times are integers: unix milliseconds, UTC. The review log's key is its time (made unique by
moving a clash 1 ms later, as Anki's revlog does), so "today's answers" is a range of the primary
key and the log needs no other index: see docs in quiz/store/reviews.py.
"""

from __future__ import annotations

APPLICATION_ID = 0x7175697A  # "quiz": marks the file as ours (PRAGMA application_id)

# Item status: what a question is doing now. Retired items lost their facts; their history stays.
ACTIVE, SUSPENDED, RETIRED = "active", "suspended", "retired"
# FSRS card state as stored; 0 is "new" (never answered), 1-3 are fsrs.State values.
NEW, LEARNING, REVIEW, RELEARNING = 0, 1, 2, 3
# The `type` of a review-log entry: the item's state when answered, or PRACTICE for a cram answer.
PRACTICE = 4

_V1 = [
    """
    CREATE TABLE decks (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,           -- the deck's own id, e.g. 'russia-allies'
        title TEXT NOT NULL,                 -- JSON: one string, or {lang: text}
        languages TEXT NOT NULL,             -- JSON list, e.g. ["en", "id"]
        origin TEXT NOT NULL,                -- 'bundled', 'file' or 'imported'
        path TEXT,                           -- the file it was last read from, if any
        format TEXT NOT NULL,                -- how `source` is written: 'yaml', or 'json' (a parsed deck, v3)
        source TEXT NOT NULL,                -- the deck itself, so it is rebuilt without its file
        source_hash TEXT NOT NULL,           -- of `source` and the quiz version that made the items
        desired_retention REAL,              -- NULL: the configured default
        new_per_day INTEGER,                 -- NULL: the configured default
        reviews_per_day INTEGER,             -- NULL: the configured default
        added_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    )
    """,
    """
    CREATE TABLE items (
        id INTEGER PRIMARY KEY,
        deck INTEGER NOT NULL REFERENCES decks(id),
        qid TEXT NOT NULL UNIQUE,            -- the generator's stable question id
        template TEXT NOT NULL,              -- with anchor, rebuilds the question (generator.one)
        anchor TEXT NOT NULL,
        kind TEXT NOT NULL,
        facts TEXT NOT NULL,                 -- JSON list of the fact (or card) ids it rests on
        topic TEXT NOT NULL,                 -- JSON {lang: topic}
        hash TEXT NOT NULL,                  -- of what counts as right, in every language
        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'retired')),
        leech INTEGER NOT NULL DEFAULT 0,    -- 1 once it lapsed leech_lapses times
        -- The FSRS card. It always equals the replay of this item's review log.
        state INTEGER NOT NULL DEFAULT 0,    -- 0 new, 1 learning, 2 review, 3 relearning
        step INTEGER,                        -- learning or relearning step
        stability REAL,                      -- days
        difficulty REAL,                     -- 1 to 10
        due INTEGER,
        last_review INTEGER,
        answers INTEGER NOT NULL DEFAULT 0,  -- log entries, practice included; seeds the option draw
        lapses INTEGER NOT NULL DEFAULT 0    -- reviews answered Again
    )
    """,
    # Everything the due counts and the session queue ask, answered from the index alone.
    "CREATE INDEX items_schedule ON items (deck, status, state, due, last_review, stability)",
    """
    CREATE TABLE reviews (
        at INTEGER PRIMARY KEY,              -- when it was answered; unique
        item INTEGER NOT NULL REFERENCES items(id),
        deck INTEGER NOT NULL REFERENCES decks(id),
        kind TEXT NOT NULL,
        lang TEXT NOT NULL,
        type INTEGER NOT NULL,               -- the item's state before: 0-3, or 4 for practice
        rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
        correct INTEGER NOT NULL,            -- 0 or 1
        answer TEXT,                         -- the option(s) chosen, the text typed, NULL for a flashcard
        ms INTEGER NOT NULL                  -- response time
    )
    """,
    # Append-only: no entry is ever changed, and only the newest answer to a question can be
    # removed (by undo).
    """
    CREATE TRIGGER reviews_append_only BEFORE UPDATE ON reviews
    BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END
    """,
    """
    CREATE TRIGGER reviews_undo_newest_only BEFORE DELETE ON reviews
    WHEN EXISTS (SELECT 1 FROM reviews WHERE at > old.at AND item = old.item)
    BEGIN SELECT RAISE(ABORT, 'only the newest answer to a question can be undone'); END
    """,
    f"PRAGMA application_id = {APPLICATION_ID}",
]

# FSRS parameters fitted to the learner's own log (`quiz optimize`), per deck.
_V2 = [
    "ALTER TABLE decks ADD COLUMN parameters TEXT",  # JSON list of FSRS weights; NULL: fsrs's defaults
]

# The parsed deck kept beside its source, so a session does not re-parse it (quiz/formats/json_deck.py),
# and what the file was when it was last read, so an unchanged deck file is not even re-read.
_V3 = [
    "ALTER TABLE decks ADD COLUMN model TEXT",  # JSON of the deck model; NULL: rebuilt from `source` when needed
    "ALTER TABLE decks ADD COLUMN model_version TEXT",  # 'layout:quiz version' it was made with; another: rebuilt
    "ALTER TABLE decks ADD COLUMN file_stamp TEXT",  # 'size:mtime_ns:quiz version' of `path` when last read
]

# One item per card (quiz/questions/generator.py card_question): a card deck's multiple-choice and
# type-in items become part of their card's item (template 'card.flashcard'): their answers are
# the card item's now, they retire with no log of their own, and a card whose flashcard item was
# suspended while another of its items was studied is active. The card items that took answers
# are listed in card_merge: the engine replays their log into their schedule (it needs the
# learner's settings) and empties the table.
_CARD_SIBLINGS = """
    SELECT s.id, f.id, s.status FROM items s JOIN items f
    ON f.deck = s.deck AND f.template = 'card.flashcard'
    AND f.anchor = CASE WHEN instr(s.anchor, '#') > 0 THEN substr(s.anchor, 1, instr(s.anchor, '#') - 1)
                        ELSE s.anchor END
    WHERE s.template IN ('card.mcq', 'card.type_in') AND s.status != 'retired'
"""
_V4 = [
    "CREATE TABLE card_merge (item INTEGER PRIMARY KEY REFERENCES items(id))",
    "CREATE TEMP TABLE siblings (sibling INTEGER PRIMARY KEY, item INTEGER NOT NULL, status TEXT NOT NULL)",
    f"INSERT INTO siblings {_CARD_SIBLINGS}",
    "INSERT INTO card_merge SELECT DISTINCT item FROM siblings WHERE sibling IN (SELECT item FROM reviews)",
    "DROP TRIGGER reviews_append_only",  # this once: the answers' item changes, nothing else of them
    "UPDATE reviews SET item = (SELECT item FROM siblings WHERE sibling = reviews.item) "
    "WHERE item IN (SELECT sibling FROM siblings)",
    _V1[4],  # reviews_append_only again
    "UPDATE items SET status = 'active' WHERE status = 'suspended' AND leech = 0 "
    "AND id IN (SELECT item FROM siblings WHERE status = 'active')",
    "UPDATE items SET status = 'retired', state = 0, step = NULL, stability = NULL, difficulty = NULL, "
    "due = NULL, last_review = NULL, answers = 0, lapses = 0 WHERE id IN (SELECT sibling FROM siblings)",
    "DROP TABLE siblings",
]

# A card deck stored a card a row (decks.format 'cards': `source` is the deck's JSON model without its
# cards; quiz/store/cards.py): an importer writes each card into its item as it reads the file,
# instead of one JSON model of the whole deck.
_V5 = [
    "ALTER TABLE items ADD COLUMN card TEXT",  # JSON of the card (json_deck.card_to_json); NULL but in 'cards' decks
]

MIGRATIONS: list[list[str]] = [_V1, _V2, _V3, _V4, _V5]
SCHEMA_VERSION = len(MIGRATIONS)
