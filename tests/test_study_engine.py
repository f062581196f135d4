"""The study engine facade: sessions, committing, undo, guesses, suspension, leeches, practice."""

from __future__ import annotations

import random
import sqlite3

import pytest

from quiz.config import StudyConfig
from quiz.store.items import read_schedule
from quiz.store.reviews import entries
from quiz.study.engine import Library, UnknownDeck

START = 1_750_000_000_000  # the clock fixture's start (tests/conftest.py), unix ms


def respond(session, shown, right: bool = True, elapsed_ms: int = 3000):
    """Answer whatever `shown` is, rightly or wrongly."""
    question = shown.question
    if question.kind == "flashcard":
        return session.grade(shown, 3 if right else 1, elapsed_ms)
    if question.kind in ("type_in", "cloze"):
        return session.answer(shown, question.answer_text if right else "zzzz", elapsed_ms)
    if right:
        return session.answer(shown, list(question.answer), elapsed_ms)
    wrong = next(i for i in range(len(question.choices)) if i not in question.answer)
    return session.answer(shown, [wrong], elapsed_ms)


def snapshot(library) -> tuple:
    conn = library.db.conn
    return (conn.execute("SELECT * FROM items ORDER BY id").fetchall(),
            conn.execute("SELECT * FROM reviews ORDER BY at").fetchall())


def assert_state_is_replay_of_log(library) -> None:
    conn = library.db.conn
    for deck in library.decks():
        scheduling = library.scheduling(library._stored(deck.deck))
        for (item,) in conn.execute("SELECT items.id FROM items JOIN decks ON decks.id = items.deck "
                                    "WHERE decks.name = ?", (deck.deck,)).fetchall():
            replayed = scheduling.replay(item, entries(conn, item))
            assert replayed.card_fields() == read_schedule(conn, item).card_fields(), item


# -- a session ----------------------------------------------------------------------------------
def test_each_answer_is_committed_before_answer_returns(library, tmp_path):
    session = library.session("mini")
    other = sqlite3.connect(tmp_path / "quiz.db")  # another reader sees what is committed, nothing else
    for number in range(1, 6):
        shown = session.next()
        respond(session, shown, right=number % 2 == 0)
        assert other.execute("SELECT count(*) FROM reviews").fetchone()[0] == number
        assert session.position == number
    other.close()


def test_next_returns_the_same_question_until_it_is_answered(library):
    session = library.session("mini")
    shown = session.next()
    assert session.next() is shown
    respond(session, shown)
    with pytest.raises(ValueError):
        respond(session, shown)  # answering twice
    assert session.next() is not shown


def test_flashcards_are_graded_and_other_kinds_answered(library):
    session = library.session("mini", limit=50)
    kinds = set()
    while (shown := session.next()) is not None and len(kinds) < 3:
        kinds.add(shown.question.kind)
        if shown.question.kind == "flashcard":
            with pytest.raises(ValueError):
                session.answer(shown, "France", 1000)
            with pytest.raises(ValueError):
                session.grade(shown, 5, 1000)
        else:
            with pytest.raises(ValueError):
                session.grade(shown, 3, 1000)
        respond(session, shown)


def test_a_session_plans_new_questions_within_the_daily_limit_and_never_two_siblings(tmp_path, mini_path, clock):
    lib = Library.open(tmp_path / "q.db", config=StudyConfig(new_per_day=4), clock=clock, sync_bundled=False)
    lib.add_deck_file(mini_path)
    session = lib.session("mini")
    planned = list(session._queue)
    assert len(planned) == 4 and all(e.schedule.state == 0 for e in planned)
    facts = [fact for entry in planned for fact in entry.facts]
    assert len(facts) == len(set(facts)), "siblings share a fact"
    while (shown := session.next()) is not None:
        respond(session, shown, right=True)
    assert lib.session("mini").total == 0  # today's 4 new are used up
    clock.advance(days=1)
    assert sum(e.schedule.state == 0 for e in lib.session("mini")._queue) == 4
    lib.close()


def test_a_fact_answered_today_is_not_asked_again_another_way_in_a_later_session(tmp_path, mini_path, clock):
    lib = Library.open(tmp_path / "q.db", config=StudyConfig(new_per_day=100), clock=clock, sync_bundled=False)
    lib.add_deck_file(mini_path)
    first, answered = lib.session("mini", limit=3), set()
    while (shown := first.next()) is not None:
        answered.update(shown.question.facts)
        respond(first, shown, right=True)
    clock.advance(minutes=30)  # later the same day
    later = [e for e in lib.session("mini")._queue if e.schedule.state == 0]  # its new questions
    assert later and not any(answered & set(e.facts) for e in later)
    clock.advance(days=1)
    assert any(answered & set(e.facts) for e in lib.session("mini")._queue if e.schedule.state == 0)
    lib.close()


def test_learning_steps_come_back_within_the_session(library):
    session = library.session("mini", limit=1)
    shown = session.next()
    outcome = respond(session, shown, right=False)
    assert outcome.rating == 1 and not outcome.correct
    again = session.next()  # due in a minute: within the learn-ahead time, the queue being empty
    assert again is not None and again.item_id == shown.item_id and not again.is_new
    respond(session, again, right=True)


def test_due_learning_comes_first_then_reviews_lowest_retrievability_first(library, clock):
    import json

    conn = library.db.conn
    # Items that share no fact, so burying siblings cannot drop one of them from the plan.
    chosen, used = [], set()
    for key, facts in conn.execute("SELECT id, facts FROM items WHERE kind != 'flashcard' ORDER BY id"):
        facts = set(json.loads(facts))
        if not facts & used:
            chosen.append(key)
            used |= facts
    assert len(chosen) >= 4
    ids = {0: chosen[0], 5: chosen[1], 9: chosen[2], 20: chosen[3]}
    day = 86_400_000
    # Reviews: same elapsed time, different stability: the least stable is the least likely recalled.
    for key, stability in ((ids[0], 30.0), (ids[5], 2.0), (ids[9], 8.0)):
        conn.execute("UPDATE items SET state = 2, stability = ?, difficulty = 5, due = ?, last_review = ? "
                     "WHERE id = ?", (stability, START - 1, START - 10 * day, key))
    conn.execute("UPDATE items SET state = 1, step = 1, stability = 1, difficulty = 5, due = ?, last_review = ? "
                 "WHERE id = ?", (START - 1000, START - 600_000, ids[20]))
    planned = [e.key for e in library.session("mini", limit=4)._queue]
    assert planned[0] == ids[20]
    reviews = [key for key in planned if key in (ids[0], ids[5], ids[9])]
    assert reviews == [ids[5], ids[9], ids[0]]


# -- undo, guesses ------------------------------------------------------------------------------
def test_undo_restores_state_and_log_exactly_and_asks_the_same_question(library, clock):
    session = library.session("mini")
    first = session.next()
    respond(session, first)
    clock.advance(seconds=5)
    before = snapshot(library)
    shown = session.next()
    choices = list(shown.question.choices)
    respond(session, shown, right=False)
    upcoming = session.next()  # on screen when the learner presses undo
    clock.advance(seconds=5)
    again = session.undo()
    assert snapshot(library) == before
    assert again is shown and again.question.choices == choices
    assert session.position == 1
    assert session.next() is shown
    respond(session, shown, right=True)
    assert session.next() is upcoming  # the question that was on screen comes next
    assert_state_is_replay_of_log(library)


def test_undo_twice_then_nothing(library):
    session = library.session("mini")
    start = snapshot(library)
    for _ in range(2):
        respond(session, session.next())
    assert session.undo() is not None and session.undo() is not None
    assert session.undo() is None
    assert snapshot(library) == start and session.position == 0


def test_undo_refuses_when_another_process_answered_since(library, tmp_path, clock):
    session = library.session("mini")
    shown = session.next()
    respond(session, shown)
    other = Library.open(tmp_path / "quiz.db", config=StudyConfig(), clock=clock, sync_bundled=False)
    other_session = other.session("mini")
    while (theirs := other_session.next()).item_id != shown.item_id:  # find the same item
        respond(other_session, theirs)
    respond(other_session, theirs)
    assert session.undo() is None
    assert_state_is_replay_of_log(library)
    other.close()


def test_mark_guess_turns_the_last_right_answer_hard(library):
    session = library.session("mini")
    shown = session.next()
    while shown.question.kind == "flashcard":
        respond(session, shown)
        shown = session.next()
    outcome = respond(session, shown, right=True, elapsed_ms=2000)
    assert outcome.rating == 3
    guessed = session.mark_guess()
    assert guessed.rating == 2 and guessed.correct
    (rating,) = library.db.conn.execute("SELECT rating FROM reviews ORDER BY at DESC LIMIT 1").fetchone()
    assert rating == 2
    assert session.mark_guess() is None  # already Hard
    respond(session, session.next(), right=False)
    assert session.mark_guess() is None  # wrong answers are not guesses
    assert_state_is_replay_of_log(library)


# -- kinds of answers ---------------------------------------------------------------------------
CAPITAL_CARD = """
deck: {id: capitals, title: Capitals, languages: [en]}
entities:
  - {id: kz, type: country, name: Kazakhstan}
  - {id: kg, type: country, name: Kyrgyzstan}
cards:
  - {id: c1, front: "Which country has Astana as its capital?", back: Kazakhstan, accept: [Qazaqstan]}
"""


@pytest.fixture
def typed(tmp_path, clock):
    """A session whose first question is CAPITAL_CARD typed (its one item, asked typed by the config)."""
    lib = Library.open(tmp_path / "q.db", config=StudyConfig(card_questions="typed"), clock=clock,
                       sync_bundled=False)
    lib.add_source(CAPITAL_CARD, origin="imported")
    assert lib.db.conn.execute("SELECT template, kind FROM items").fetchall() == [("card.flashcard", "flashcard")]
    session = lib.session("capitals")
    shown = session.next()
    assert shown.question.kind == "type_in"
    yield lib, session, shown
    lib.close()


@pytest.mark.parametrize("text", ["kazakhstan", "  KAZAKHSTAN ", "Kazakhstán", "qazaqstan"])
def test_typed_answers_ignore_case_accents_and_accept_aliases(typed, text):
    _, session, shown = typed
    outcome = session.answer(shown, text, 2000)
    assert outcome.correct and not outcome.typo and outcome.rating == 3


def test_a_typo_is_right_but_hard_and_said_so(typed):
    lib, session, shown = typed
    outcome = session.answer(shown, "Kazakstan", 2000)
    assert outcome.correct and outcome.typo and outcome.rating == 2
    assert (outcome.typed, outcome.expected) == ("Kazakstan", "Kazakhstan")
    assert lib.db.conn.execute("SELECT answer, correct, rating FROM reviews").fetchall() == [("Kazakstan", 1, 2)]


def test_another_name_the_deck_knows_is_wrong_not_a_typo(typed):
    _, session, shown = typed
    outcome = session.answer(shown, "Kyrgyzstan", 2000)
    assert not outcome.correct and outcome.rating == 1


def test_options_are_redrawn_by_answer_count_deterministically(library):
    generator = library.generator("mini", "en")
    (template, anchor) = library.db.conn.execute(
        "SELECT template, anchor FROM items WHERE kind = 'multi_select' LIMIT 1").fetchone()
    draws = [generator.one(template, anchor, seed=n) for n in range(8)]
    assert len({tuple(q.choices) for q in draws}) > 1  # options move between showings
    assert [q.choices for q in draws] == [generator.one(template, anchor, seed=n).choices for n in range(8)]


# -- suspension, leeches, practice --------------------------------------------------------------
ONE_CARD = """
deck: {id: one, title: One card, languages: [en]}
cards:
  - id: c1
    front: "Name the three parts of the question, in order, as the textbook lists them"
    back: "The setting of the scene, the complication that follows it, and the resolution"
"""


def test_a_question_forgotten_eight_times_becomes_a_suspended_leech(tmp_path, clock):
    lib = Library.open(tmp_path / "q.db", config=StudyConfig(), clock=clock, sync_bundled=False)
    lib.add_source(ONE_CARD, origin="imported")
    leeches = []
    for _ in range(40):
        session = lib.session("one")
        while (shown := session.next()) is not None:
            schedule = read_schedule(lib.db.conn, shown.key)
            outcome = session.grade(shown, 1 if schedule.state == 2 else 3, 2000)  # forget every review
            leeches.append(outcome.leech)
        clock.advance(days=40)
        if any(leeches):
            break
    (key,) = lib.db.conn.execute("SELECT id FROM items").fetchone()
    schedule = read_schedule(lib.db.conn, key)
    assert leeches.count(True) == 1 and leeches[-1]
    assert schedule.lapses == 8 and schedule.leech and schedule.status == "suspended"
    assert lib.session("one").next() is None
    lib.session("one").unsuspend("".join(lib.db.conn.execute("SELECT qid FROM items").fetchone()))
    assert lib.session("one").next() is not None
    assert_state_is_replay_of_log(lib)
    lib.close()


def test_suspend_and_unsuspend(library):
    session = library.session("mini")
    shown = session.next()
    session.suspend(shown.item_id)
    assert session.next().item_id != shown.item_id
    assert shown.item_id not in {e.qid for e in library.session("mini", limit=100)._queue}
    assert library.decks()[0].suspended == 1
    session.unsuspend(shown.item_id)
    assert library.decks()[0].suspended == 0
    with pytest.raises(KeyError):
        session.suspend("no-such-question")


def test_undo_takes_back_a_suspension_before_the_answer_before_it(library):
    session = library.session("mini")
    first = session.next()
    respond(session, first, right=True)
    asked = session.next()
    total = session.total
    session.suspend(asked.item_id)
    assert session.last_undoable() == "suspension" and library.decks()[0].suspended == 1
    assert session.next().item_id != asked.item_id
    back = session.undo_suspension()
    assert back is not None and back.item_id == asked.item_id
    assert back.question.choices == asked.question.choices  # the same options
    assert session.next() is back and library.decks()[0].suspended == 0 and session.total == total
    assert session.last_undoable() == "answer" and session.undo_suspension() is None
    assert session.undo().item_id == first.item_id  # then the answer before it
    assert session.last_undoable() is None


def test_suspending_what_is_already_suspended_leaves_nothing_to_undo(library):
    session = library.session("mini")
    shown = session.next()
    other = library.session("mini")
    other.suspend(shown.item_id)  # another process (or a leech) got there first
    session.suspend(shown.item_id)
    assert session.last_undoable() is None and session.undo_suspension() is None
    assert library.decks()[0].suspended == 1  # still suspended: this s changed nothing


def test_practice_answers_do_not_hold_back_the_day_s_reviews(library, clock):
    session = library.session("mini", limit=100)
    while (shown := session.next()) is not None:
        respond(session, shown, right=True)
    clock.advance(days=30)
    due = len(library.session("mini")._queue)
    practice = library.session("mini", cram=True, limit=3)
    while (shown := practice.next()) is not None:
        respond(practice, shown, right=True)
    assert due > 0 and len(library.session("mini")._queue) == due  # practice leaves the schedule alone


def test_unsuspend_a_deck_s_questions_by_id_or_all(library):
    session = library.session("mini", limit=100)
    ids = [e.qid for e in list(session._queue)[:3]]
    for qid in ids:
        session.suspend(qid)
    assert library.decks()[0].suspended == 3
    assert library.unsuspend("mini", [ids[0]]) == 1
    assert library.unsuspend("mini") == 2 and library.decks()[0].suspended == 0
    with pytest.raises(UnknownDeck):
        library.unsuspend("no-such-deck")
    session.suspend(ids[1])
    with pytest.raises(KeyError, match="no-such-id"):
        library.unsuspend("mini", [ids[1], "no-such-id"])
    assert library.decks()[0].suspended == 1  # nothing changed: all or nothing


def test_practice_leaves_the_schedule_alone_and_is_logged_as_practice(library, clock):
    session = library.session("mini")
    for _ in range(4):
        respond(session, session.next())
    conn = library.db.conn
    before = {row[0]: row[1:] for row in conn.execute(
        "SELECT id, state, step, stability, difficulty, due, last_review, lapses, status FROM items")}
    answers_before = dict(conn.execute("SELECT id, answers FROM items").fetchall())
    clock.advance(hours=1)
    practice = library.session("mini", cram=True, limit=6)
    assert practice.total == 6
    answered = 0
    while (shown := practice.next()) is not None and answered < 8:
        outcome = respond(practice, shown, right=answered % 3 != 0)
        assert outcome.practice
        answered += 1
    after = {row[0]: row[1:] for row in conn.execute(
        "SELECT id, state, step, stability, difficulty, due, last_review, lapses, status FROM items")}
    assert after == before
    assert sum(dict(conn.execute("SELECT id, answers FROM items").fetchall()).values()) == \
        sum(answers_before.values()) + answered
    assert conn.execute("SELECT count(*) FROM reviews WHERE type = 4").fetchone()[0] == answered
    assert_state_is_replay_of_log(library)


def test_a_practice_session_takes_the_weakest_first(library, clock):
    conn = library.db.conn
    ids = [row[0] for row in conn.execute("SELECT id FROM items ORDER BY id")]
    for key, stability in ((ids[3], 50.0), (ids[7], 1.0)):
        conn.execute("UPDATE items SET state = 2, stability = ?, difficulty = 5, due = ?, last_review = ? "
                     "WHERE id = ?", (stability, START + 10**10, START - 86_400_000, key))
    planned = [e.key for e in library.session("mini", cram=True, limit=3)._queue]
    assert planned.index(ids[7]) < planned.index(ids[3])


# -- previews and summaries ---------------------------------------------------------------------
def test_intervals_are_exactly_what_each_grade_does(library, clock):
    library.config = StudyConfig(card_questions="flashcard")  # the deck's card, asked as its flashcard
    session = library.session("mini", limit=100)
    while (shown := session.next()).question.kind != "flashcard":
        respond(session, shown)
    clock.advance(seconds=30)  # later than every answer so far: the review is logged at exactly now
    preview = session.intervals(shown)
    assert sorted(preview) == [1, 2, 3, 4]
    assert preview[1] < preview[3] <= preview[4]
    outcome = session.grade(shown, 4, 2000)
    assert outcome.next_due - _utc(clock()) == preview[4]


def _utc(ms):
    from quiz.study.scheduler import to_datetime

    return to_datetime(ms)


def test_summary_and_deck_counts(library, clock):
    session = library.session("mini")
    results = [respond(session, session.next(), right=n % 4 != 0).correct for n in range(8)]
    summary = session.summary()
    assert summary.answered == 8 and summary.correct == sum(results)
    assert summary.accuracy == pytest.approx(sum(results) / 8)
    assert summary.seconds == pytest.approx(24.0)
    assert summary.next_due is not None and summary.due_tomorrow >= 1
    (deck,) = library.decks()
    assert deck.deck == "mini" and deck.title == {"en": "Mini", "id": "Mini"}
    assert deck.learning + deck.review + deck.new == deck.total
    newest = library.db.conn.execute("SELECT max(at) FROM reviews").fetchone()[0]
    assert deck.last_studied == _utc(newest) and newest - clock() < 100
    assert set(deck.to_dict()) >= {"deck", "title", "new", "learning", "due", "review", "suspended", "total"}


def test_unknown_deck_and_bad_arguments(library):
    with pytest.raises(UnknownDeck):
        library.session("nope")
    with pytest.raises(UnknownDeck):
        library.resolve("nope")
    with pytest.raises(ValueError):
        library.session("mini", lang="fr")


def test_indonesian_session_shows_indonesian_questions(library):
    shown = library.session("mini", lang="id").next()
    assert shown.question.lang == "id"


# -- the log is the truth -----------------------------------------------------------------------
def drive(library, clock, rng: random.Random, steps: int) -> None:
    """Study like a person: sessions over days, right and wrong, undos, guesses, practice."""
    for _ in range(steps):
        session = library.session("mini", cram=rng.random() < 0.2, limit=rng.choice([None, 5]))
        for _ in range(rng.randrange(1, 12)):
            shown = session.next()
            if shown is None:
                break
            respond(session, shown, right=rng.random() < 0.7, elapsed_ms=rng.randrange(500, 30_000))
            roll = rng.random()
            if roll < 0.15:
                session.undo()
            elif roll < 0.25:
                session.mark_guess()
            clock.advance(seconds=rng.randrange(5, 600))
        clock.advance(hours=rng.choice([1, 8, 24, 72]))


@pytest.mark.parametrize("seed", range(4))
def test_the_stored_state_is_the_replay_of_the_log(library, clock, seed):
    drive(library, clock, random.Random(seed), steps=12)
    conn = library.db.conn
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] > 20
    assert conn.execute("SELECT count(*) FROM items WHERE state = 2").fetchone()[0] > 0
    assert_state_is_replay_of_log(library)
    # The answer counts seed the option draws: they count every log entry.
    assert conn.execute("SELECT sum(answers) FROM items").fetchone()[0] == \
        conn.execute("SELECT count(*) FROM reviews").fetchone()[0]


def test_set_language_redraws_the_unanswered_question_with_the_same_options(tmp_path):
    from quiz.config import StudyConfig
    from quiz.study.engine import Library

    with Library.open(tmp_path / "q.db", config=StudyConfig()) as library:
        session = library.session("russia-allies", lang="en")
        shown = session.next()
        redrawn = session.set_language("id")
        assert redrawn is not None and redrawn.item_id == shown.item_id
        assert redrawn.question.lang == "id" and redrawn.question.prompt != shown.question.prompt
        assert redrawn.question.answer == shown.question.answer  # same draw: same positions
        assert session.next() is redrawn


def test_similarities_wait_for_warm_up_and_draw_the_same_options(library, tmp_path, mini_path, clock):
    # Entity similarities are built on first use (a first true/false question needs none), and a
    # warm-up builds them; an entity question's options are the same whichever way they were built.
    session = library.session("mini")
    first = session.next()
    knowledge = library.knowledge("mini")
    assert first.question.kind == "true_false" and "_similarity" not in vars(knowledge)
    session.warm_up()
    assert "_similarity" in vars(knowledge)

    made = [q for q in library.generator("mini", "en").generate() if q.template == "mcq.ask_subject"]
    assert made
    with Library.open(tmp_path / "quiz.db", clock=clock, sync_bundled=False) as fresh:  # nothing built yet
        rebuilt = fresh.generator("mini", "en").one(made[0].template, made[0].anchor)
        assert "_similarity" in vars(fresh.knowledge("mini"))  # built by the question that needed it
    assert rebuilt == made[0]
    warm = library.generator("mini", "en")
    assert [warm.one(q.template, q.anchor) for q in made] == made


# -- one item per card: a database from before ----------------------------------------------------
THREE_CARDS = """
deck: {id: words, title: Words, languages: [en]}
cards:
  - {id: a, front: "Opposite of hot?", back: cold}
  - {id: b, front: "Opposite of up?", back: down}
  - {id: c, front: "Opposite of left?", back: right}
  - {id: d, front: "Opposite of big?", back: small}
"""


def test_a_database_with_several_items_a_card_becomes_one_item_a_card_with_all_its_answers(tmp_path, clock):
    """Before schema v4 a card had a multiple-choice and a type-in item beside its flashcard item,
    each with its own answers. Opening such a database keeps every answer, now the card item's, and
    the card item's schedule is its whole log replayed; a card whose flashcard item was suspended to
    study the others is active; the others retire."""
    from quiz.questions.question import question_id

    path = tmp_path / "old.db"
    with Library.open(path, config=StudyConfig(), clock=clock, sync_bundled=False) as lib:
        lib.add_source(THREE_CARDS, origin="imported")
        conn = lib.db.conn
        cards = dict(conn.execute("SELECT anchor, id FROM items"))
        deck = conn.execute("SELECT id FROM decks").fetchone()[0]
        # What the old store made beside each card item, and answers to them, as the old engine logged.
        with conn:
            conn.execute("DROP TABLE card_merge")
            siblings = {}
            for anchor in cards:
                for template, kind in (("card.mcq", "mcq"), ("card.type_in", "type_in")):
                    siblings[anchor, kind] = conn.execute(
                        "INSERT INTO items (deck, qid, template, anchor, kind, facts, topic, hash) "
                        "VALUES (?, ?, ?, ?, ?, ?, '{}', 'h')",
                        (deck, question_id("words", template, anchor), template, anchor, kind,
                         f'["{anchor[5:]}"]')).lastrowid
            answered = [(siblings["card:a", "mcq"], "mcq", 3), (cards["card:a"], "flashcard", 1),
                        (siblings["card:a", "type_in"], "type_in", 3), (siblings["card:b", "mcq"], "mcq", 3)]
            for n, (item, kind, rating) in enumerate(answered):
                conn.execute("INSERT INTO reviews VALUES (?, ?, ?, ?, 'en', 0, ?, ?, NULL, 2000)",
                             (clock() + n * 60_000, item, deck, kind, rating, int(rating > 1)))
            # b's flashcard was suspended so that only its multiple choice was asked.
            conn.execute("UPDATE items SET status = 'suspended' WHERE id = ?", (cards["card:b"],))
            conn.execute("ALTER TABLE items DROP COLUMN card")  # (schema v5's)
            conn.execute("PRAGMA user_version = 3")  # as before the v4 migration
    log_before = sorted(tuple(row) for row in sqlite3.connect(path).execute("SELECT at, kind, rating FROM reviews"))

    with Library.open(path, config=StudyConfig(), clock=clock, sync_bundled=False) as lib:
        conn = lib.db.conn
        active = conn.execute("SELECT anchor, template, status FROM items WHERE status != 'retired' ORDER BY anchor")
        assert active.fetchall() == [(anchor, "card.flashcard", "active") for anchor in sorted(cards)]
        assert sorted(conn.execute("SELECT at, kind, rating FROM reviews")) == log_before  # every answer kept
        assert [r.kind for r in entries(conn, cards["card:a"])] == ["mcq", "flashcard", "type_in"]
        assert [r.kind for r in entries(conn, cards["card:b"])] == ["mcq"]
        assert conn.execute("SELECT count(*) FROM reviews WHERE item NOT IN (SELECT id FROM items "
                            "WHERE template = 'card.flashcard')").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM card_merge").fetchone()[0] == 0
        assert read_schedule(conn, cards["card:b"]).state != 0  # its progress, now the card's
        assert_state_is_replay_of_log(lib)
        # A session plans each card once, as its one item, and asks it.
        session = lib.session("words")
        planned = [entry.anchor for entry in [*session._queue, *(slot[2] for slot in session._waiting)]]
        assert sorted(planned) == sorted(cards)
        shown = session.next()
        assert shown.question.anchor.partition("#")[0] in cards and respond(session, shown).correct


def test_mixed_asks_a_new_card_as_choices_and_a_learned_one_typed(tmp_path, clock):
    lib = Library.open(tmp_path / "w.db", config=StudyConfig(), clock=clock, sync_bundled=False)
    lib.add_source(THREE_CARDS, origin="imported")
    kinds: dict[int, set[str]] = {}  # state when shown -> how it was asked
    for _ in range(60):
        session = lib.session("words")
        shown = session.next()
        if shown is None:
            clock.advance(days=40)
            continue
        state = read_schedule(lib.db.conn, shown.key).state
        kinds.setdefault(state, set()).add(shown.question.kind)
        respond(session, shown)
        clock.advance(minutes=15)
    lib.close()
    assert kinds[0] == {"mcq"} and kinds[2] == {"type_in"}  # new: choices; in review: typed


LANGUAGE_CARDS = """
deck: {id: lg, title: L, languages: [en, id]}
cards:
  - {id: c0, front: {en: "Capital of France?", id: "Ibu kota Prancis?"}, back: {en: Paris, id: Paris}}
  - {id: c1, front: {en: "Capital of Spain?", id: "Ibu kota Spanyol?"}, back: {en: Madrid, id: Sama}}
  - {id: c2, front: {en: "Capital of Italy?", id: "Ibu kota Italia?"}, back: {en: Rome, id: Sama}}
  - {id: c3, front: {en: "Capital of Peru?", id: "Ibu kota Peru?"}, back: {en: Lima, id: Sama}}
"""


def test_switching_language_asks_a_card_the_way_it_can_be_asked_there(tmp_path, clock):
    # In English every card has three other capitals to choose from; in Indonesian three share one
    # answer, so no card has choices there: switching asks the card on screen as its flashcard.
    lib = Library.open(tmp_path / "lg.db", config=StudyConfig(), clock=clock, sync_bundled=False)
    lib.add_source(LANGUAGE_CARDS, origin="imported")
    session = lib.session("lg", lang="en")
    shown = session.next()
    assert shown.question.kind == "mcq" and shown.question.lang == "en"
    switched = session.set_language("id")
    assert switched is not None and switched.question.lang == "id" and switched.question.kind == "flashcard"
    assert switched.key == shown.key and session.next() is switched
    lib.close()
