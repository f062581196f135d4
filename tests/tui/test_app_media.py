"""A question that shows an imported card's picture: `m` opens the file, and only that file."""

from __future__ import annotations

from tui_helpers import Clock, ask_cards_as, first_question, screen_text

from quiz.model import Card, Deck, LocalText


def add_picture_deck(db_path, with_file: bool) -> str:
    from quiz.study.engine import Library
    from quiz.study.importing import media_folder

    card = Card("fe", LocalText.of("Which element is this? [image: rust.png]"), LocalText.of("Iron"),
                media=("rust.png",))
    with Library.open(db_path, clock=Clock(), sync_bundled=False) as library:
        library.add_deck(Deck("pictures", LocalText.of("Pictures"), cards=[card]))
        folder = media_folder(library, "pictures")
        folder.mkdir(parents=True, exist_ok=True)
        if with_file:
            (folder / "rust.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        return str(folder.resolve())


def recording_app(make_app, monkeypatch):
    """The app on the pictures deck, with the URLs it opens recorded instead of opened."""
    opened: list[str] = []
    app = make_app("pictures")
    monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))
    return app, opened


async def test_m_opens_the_cards_picture(make_app, db_path, monkeypatch):
    folder = add_picture_deck(db_path, with_file=True)
    app, opened = recording_app(make_app, monkeypatch)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await first_question(pilot)
        assert "[image: rust.png]" in screen_text(app)  # the placeholder, literally
        assert "m: open the picture or sound" in screen_text(app)
        await pilot.press("m")
        await pilot.pause()
        assert opened == [f"file://{folder}/rust.png"]
        assert any(f"Opening {folder}/rust.png" in str(n.message) for n in app._notifications)
        assert screen.shown is not None and screen.phase == "asking"  # nothing answered


async def test_ctrl_o_opens_it_while_typing_the_answer(make_app, db_path, config_path, monkeypatch):
    folder = add_picture_deck(db_path, with_file=True)
    ask_cards_as(config_path, "typed")  # the card asked typed
    app, opened = recording_app(make_app, monkeypatch)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await first_question(pilot)
        assert screen.shown.question.kind == "type_in"
        assert "Ctrl+O: open the picture or sound" in screen_text(app)
        await pilot.press("m", "ctrl+o")
        await pilot.pause()
        assert screen.typed.value == "m"  # m is a letter of the answer here
        assert opened == [f"file://{folder}/rust.png"]


async def test_a_missing_file_says_where_it_was_looked_for(make_app, db_path, monkeypatch):
    folder = add_picture_deck(db_path, with_file=False)
    app, opened = recording_app(make_app, monkeypatch)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await first_question(pilot)
        await pilot.press("m")
        await pilot.pause()
        assert opened == []
        assert any(folder in str(n.message) for n in app._notifications)
