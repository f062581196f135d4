"""The stats screen: every figure in tabs that fit 80x24, in both languages, deck text literal, and
its two actions (practise the weakest topic, fit FSRS)."""

from __future__ import annotations

import sqlite3

from tui_helpers import START_MS, screen_text, settle

from quiz.tui.screens.stats import TABS, StatsScreen

DAY = 86_400_000


def write_history(db_path) -> dict[str, tuple[int, int]]:
    """Answers on the 'facts' deck: one topic mostly wrong, the rest right. Returns topic -> (answers, right)."""
    conn = sqlite3.connect(db_path)
    try:
        deck = conn.execute("SELECT id FROM decks WHERE name = 'facts'").fetchone()[0]
        items = conn.execute("SELECT id, json_extract(topic, '$.en') FROM items WHERE deck = ? AND "
                             "json_extract(topic, '$.en') != '' ORDER BY id", (deck,)).fetchall()
        topics = sorted({topic for _, topic in items})
        weak = topics[0]
        expected: dict[str, list[int]] = {}
        stamp = START_MS - 20 * DAY
        for round_ in range(4):
            for item, topic in items:
                right = topic != weak or round_ == 0
                stamp += 60_000
                conn.execute("INSERT INTO reviews VALUES (?, ?, ?, 'mcq', 'en', ?, ?, ?, NULL, 3000)",
                             (stamp + round_ * 4 * DAY, item, deck, 0 if round_ == 0 else 2, 3 if right else 1,
                              int(right)))
                cell = expected.setdefault(topic, [0, 0])
                cell[0] += 1
                cell[1] += right
        conn.commit()
    finally:
        conn.close()
    return {topic: tuple(cell) for topic, cell in expected.items()}


async def open_stats(app, pilot):
    await settle(pilot, lambda: app.library is not None)
    await pilot.press("s")
    await settle(pilot, lambda: isinstance(app.screen, StatsScreen) and app.screen.stats is not None)
    return app.screen


async def show_tab(pilot, screen, name: str) -> str:
    screen.query_one("#stats-tabs").active = f"tab-{name}"
    await settle(pilot)
    return screen_text(pilot.app)


async def test_every_tab_shows_its_figures_at_80x24(make_app, db_path):
    expected = write_history(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_stats(app, pilot)
        stats = screen.stats
        assert stats["reviews"] == sum(n for n, _ in expected.values())
        text = await show_tab(pilot, screen, "today")
        assert "Answers today" in text and "Streak" in text and "Today" in text and "Calibration" in text
        text = await show_tab(pilot, screen, "calendar")
        assert f"{stats['reviews']} answers · days studied: 4" in text and "■" in text and "Mon" in text
        text = await show_tab(pilot, screen, "accuracy")
        assert "Accuracy per week" in text and "Again" in text
        screen.query_one("#tab-accuracy VerticalScroll").scroll_end(animate=False)  # the rest, by scrolling
        await settle(pilot)
        assert "Good" in screen_text(app) and "Easy" in screen_text(app)
        text = await show_tab(pilot, screen, "forecast")
        assert "next 30 days" in text
        text = await show_tab(pilot, screen, "retention")
        assert "True retention" in text and "Last 30 days" in text and "Mature" in text
        text = await show_tab(pilot, screen, "topics")
        weakest = min(expected, key=lambda topic: expected[topic][1] / expected[topic][0])
        assert stats["topics"][0]["topic"] == weakest
        n, right = expected[weakest]
        assert weakest in text and f"{round(100 * right / n)}%" in text
        text = await show_tab(pilot, screen, "calibration")
        assert "log loss" in text and "o: fit FSRS" in text
        assert stats["calibration"]["reviews"] > 0


async def test_todays_figures_show_first_and_say_the_rest_is_being_computed(make_app, db_path, monkeypatch):
    """Every figure waits on the ledger (seconds when it is cold): Today's are drawn before, from key lookups."""
    import threading
    import time

    import quiz.stats

    expected = write_history(db_path)
    release, entered = threading.Event(), threading.Event()
    report = quiz.stats.report

    def slow_report(*args, **options):
        entered.set()
        release.wait(10)
        return report(*args, **options)

    monkeypatch.setattr(quiz.stats, "report", slow_report)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot, lambda: app.library is not None)
        await pilot.press("s")
        deadline = time.monotonic() + 5
        while not (isinstance(app.screen, StatsScreen) and app.screen.today is not None and entered.is_set()):
            assert time.monotonic() < deadline
            await pilot.pause(0.02)
        await pilot.pause()
        screen = app.screen
        assert screen.stats is None and screen.warm is False  # no ledger file yet: the long wait is announced
        text = screen_text(app)
        assert "whole history" in text and "Answers today" in text and "Streak" in text and "…" in text
        assert screen.today["due"] == sum(row["due"] for row in screen.today["decks"])
        release.set()
        await settle(pilot, lambda: screen.stats is not None)
        text = screen_text(app)
        assert "whole history" not in text and "…" not in text
        assert screen.stats["reviews"] == sum(n for n, _ in expected.values())
        for key in ("reviews_today", "correct_today", "time_today_s", "streak_days", "due", "due_today"):
            assert screen.today[key] == screen.stats[key], key
        await pilot.press("escape")
        await pilot.press("s")  # the ledger is warm now: the note says so
        await settle(pilot, lambda: isinstance(app.screen, StatsScreen) and app.screen.stats is not None)
        assert app.screen.warm is True


async def test_both_languages(make_app, db_path):
    write_history(db_path)
    app = make_app(lang="id")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_stats(app, pilot)
        tabs = screen.query_one("#stats-tabs")
        assert [str(tabs.get_tab(f"tab-{name}").label) for name in TABS][:2] == ["Hari ini", "Kalender"]
        text = await show_tab(pilot, screen, "retention")
        assert "Retensi sejati" in text and "30 hari terakhir" in text
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert "True retention" in screen_text(app) and str(tabs.get_tab("tab-calendar").label) == "Calendar"


async def test_practice_on_the_weakest_topic(make_app, db_path, monkeypatch):
    expected = write_history(db_path)
    app = make_app()
    calls = []
    monkeypatch.setattr(type(app), "study", lambda self, deck, practice=False, **more: calls.append(
        (deck, practice, more.get("topic"))))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_stats(app, pilot)
        await pilot.press("w")
        weakest = min(expected, key=lambda topic: expected[topic][1] / expected[topic][0])
        assert calls == [("facts", True, weakest)]


async def test_practice_really_starts_a_session_on_that_topic(make_app, db_path):
    write_history(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_stats(app, pilot)
        topic = screen.stats["topics"][0]["topic"]
        await pilot.press("w")
        from quiz.tui.screens.study import StudyScreen

        await settle(pilot, lambda: isinstance(app.screen, StudyScreen) and app.screen.shown is not None)
        study = app.screen
        assert study.practice and study.topic == topic
        assert study.shown.question.topic == topic
        top = screen_text(app).splitlines()[0]
        assert top.rstrip().endswith("· practice") and "…" not in top  # the whole line fits 80 columns
        assert "Practice: the schedule is not changed" in [n.message for n in app._notifications]


async def test_fit_fsrs_says_how_many_more_answers_are_needed(make_app, db_path):
    write_history(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_stats(app, pilot)
        await pilot.press("o")
        await settle(pilot, lambda: any("more answers needed" in n.message for n in app._notifications))
        assert not app.screen.optimizing


async def test_deck_text_is_literal(make_app, db_path):
    conn = sqlite3.connect(db_path)
    conn.execute("""UPDATE items SET topic = '{"en": "[bold]x[/] [@click=app.quit]q[/]"}'
                    WHERE deck = (SELECT id FROM decks WHERE name = 'facts')""")
    conn.commit()
    conn.close()
    write_history(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_stats(app, pilot)
        text = await show_tab(pilot, screen, "topics")
        assert "[bold]x[/] [@click=app.quit]q[/]" in text


def test_heatmap_names_every_month_that_has_room_even_after_a_short_first_month():
    from datetime import date, timedelta

    from quiz.tui.widgets.charts import heatmap_text

    first = date(2026, 11, 20)  # Friday: eleven days of November, then December and January
    days = [{"date": (first + timedelta(n)).isoformat(), "reviews": n % 3} for n in range(70)]
    header = heatmap_text(days, "en").plain.splitlines()[0]
    assert header.split() == ["Dec", "Jan"]  # November's few days give way to December
    assert header.index("Dec") - 4 == 3  # over the first week that begins in December (Monday 7 December)
    longer = [{"date": (date(2026, 10, 5) + timedelta(n)).isoformat(), "reviews": 1} for n in range(120)]
    assert heatmap_text(longer, "id").plain.splitlines()[0].split() == ["Okt", "Nov", "Des", "Jan"]


def test_heatmap_puts_each_day_under_its_weekday_and_shades_by_count():
    from datetime import date, timedelta

    from quiz.tui.widgets.charts import LEVELS, heatmap_text

    first = date(2024, 6, 21)  # a Friday
    counts = {0: 1, 5: 40, 13: 3}  # Friday 21 June, Wednesday 26 June, Thursday 4 July
    days = [{"date": (first + timedelta(n)).isoformat(), "reviews": counts.get(n, 0)} for n in range(14)]
    text = heatmap_text(days, "en")
    lines = text.plain.splitlines()
    assert lines[0].strip() == "Jun" and len(lines) == 8
    grid = [line[4:] for line in lines[1:]]  # after the weekday labels: Monday first
    assert grid[4][0] == "■" and grid[2][1] == "■" and grid[3][2] == "■"  # Fri wk 1, Wed wk 2, Thu wk 3
    assert grid[5][0] == "·" and grid[0][0] == " "  # an empty day; a day before the first
    styles = {span.style for span in text.spans}
    assert LEVELS[-1] in styles and "dim" in styles  # the busiest day has the darkest shade


async def test_the_per_day_charts_draw_every_day_as_a_bar_of_one_width(make_app, db_path):
    write_history(db_path)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_stats(app, pilot)
        for tab, chart_id in (("accuracy", "#per-day"), ("forecast", "#forecast-chart")):
            await show_tab(pilot, screen, tab)
            chart = screen.query_one(chart_id)
            days, width = len(chart.data), chart.size.width
            per = width // days
            assert days >= 28 and per >= 3 and width % days  # (Sparkline alone draws bars of 2, 3 and 4 here)
            line = "".join(segment.text for segment in chart.render_line(chart.size.height - 1))
            assert len(line.rstrip()) == per * days
            assert all(len(set(line[day * per:(day + 1) * per])) == 1 for day in range(days)), (tab, line)
            if tab == "accuracy":
                assert len(set(line.strip())) > 1  # days with answers and days without: bars to tell apart
