"""Import: pick a deck file, see what it would do (a dry run), confirm, watch it run.

The file is picked in a tree of the folders below the current one (only files quiz imports are
listed) or typed as a path. The preview is a dry run of the import: the same work, rolled back.
The import then runs in a thread worker, holding the app's library lock; its progress comes back
through call_from_thread. Escape cancels it up to its commit: the progress callback raises
ImportCancelled in the worker and the import rolls back, so a cancelled or failed import changes
nothing. Every file name, deck name, card and error shown is literal text.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, ContentSwitcher, DirectoryTree, Footer, Input, ProgressBar, Static
from textual.worker import Worker, WorkerCancelled, WorkerFailed, WorkerState, get_current_worker

from quiz.tui.literal import clean, literal
from quiz.tui.screens.base import QuizScreen

IMPORTABLE = frozenset({".yaml", ".yml", ".csv", ".tsv", ".txt", ".apkg", ".colpkg"})
SAMPLE_WIDTH = 34  # characters of a sample card's side in the preview
MAX_WARNINGS_SHOWN = 3


class DeckFileTree(DirectoryTree):
    """Folders and the files quiz imports; names shown as plain text, whatever they hold. Backspace
    goes up to the folder above (the tree starts in the working folder)."""

    BINDINGS = [Binding("backspace", "parent_folder", "Folder above", show=False, id="import.parent")]

    def action_parent_folder(self) -> None:
        folder = Path(self.path).resolve()
        if folder.parent != folder:
            self.path = folder.parent

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [path for path in paths if not path.name.startswith(".")
                and (path.suffix.lower() in IMPORTABLE or self._safe_is_dir(path))]

    def process_label(self, label) -> Text:
        # A file name is the file system's data: no control character reaches the terminal.
        return super().process_label(Text(clean(label)) if isinstance(label, str) else label)

    # Textual's loader waits for more folders to load for as long as the tree is mounted, so the
    # app's workers are never all done (what the tests wait for). This one stops when nothing is
    # left to load, and a folder opened later starts it again.
    _loading = False

    def _add_to_load_queue(self, node):
        waiting = super()._add_to_load_queue(node)
        if not self._loading:
            self._loading = True
            self._loader()
        return waiting

    @work(exclusive=True, group="_loader")
    async def _loader(self) -> None:
        worker = get_current_worker()
        queue = self._load_queue
        self._loading = True
        try:
            while not worker.is_cancelled and not queue.empty():
                node = queue.get_nowait()
                async with self.lock:
                    cursor_node = self.cursor_node
                    try:
                        content = await self._load_directory(node).wait()
                    except WorkerCancelled:
                        break
                    except WorkerFailed:
                        content = []
                    finally:
                        queue.task_done()
                    if content:
                        self._populate_node(node, content)
                        if cursor_node is not None:
                            self.move_cursor(cursor_node, animate=False)
        finally:
            if queue is self._load_queue:  # no await since the queue was last seen empty
                self._loading = False


def _one_line(text: str, width: int) -> str:
    text = " / ".join(part.strip() for part in clean(text).splitlines() if part.strip())
    return text if len(text) <= width else text[:width - 1] + "…"


class ImportScreen(QuizScreen):
    """Dismisses with the name of the deck imported (None if nothing was): home re-reads its decks and
    highlights that one."""

    CSS_PATH = "import_deck.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="import.cancel")]

    def __init__(self, start: str | Path | None = None):
        super().__init__()
        self.start = Path(start) if start is not None else Path.cwd()
        self.state = "pick"  # pick, previewing, preview, importing, cancelling, done
        self.path: str | None = None  # the file previewed
        self.report = None  # the last ImportReport (dry run or real)
        self.progress_seen = 0  # the highest progress shown, of PROGRESS_TOTAL
        self._worker: Worker | None = None

    def compose(self) -> ComposeResult:
        from quiz.study.importing import PROGRESS_TOTAL

        yield Static(id="import-title", classes="screen-title")
        yield Input(id="import-path")
        with ContentSwitcher(initial="import-tree", id="import-body"):
            yield DeckFileTree(self._tree_start(), id="import-tree")
            with VerticalScroll(id="import-preview"):
                yield Static(id="import-summary")
                yield Static(id="import-sample")
        yield ProgressBar(total=PROGRESS_TOTAL, show_eta=False, id="import-progress")
        yield Static(id="import-status")
        with Horizontal(id="import-buttons"):
            yield Button("", id="import-go", variant="primary", compact=True)
            yield Button("", id="import-back", compact=True)
        yield Static(id="import-hint", classes="hint")
        yield Footer(compact=True)

    def describe(self, binding: Binding) -> str:
        if binding.id == "import.cancel" and self.state not in ("previewing", "importing", "cancelling"):
            return self.app.t("import.back")  # Escape leaves the preview or the screen
        return super().describe(binding)

    def _tree_start(self) -> Path:
        for folder in (self.start, Path.home()):
            if folder.is_dir():
                return folder
        return Path("/")

    def on_mount(self) -> None:
        self.refresh_language()
        self._show("pick")

    # -- states ------------------------------------------------------------------------------
    def _show(self, state: str) -> None:
        self.state = state
        working = state in ("previewing", "importing", "cancelling")
        self.query_one("#import-body", ContentSwitcher).current = "import-tree" if state == "pick" else \
            "import-preview"
        self.query_one("#import-progress").display = working or state == "done"
        self.query_one("#import-buttons").display = state in ("preview", "done")
        go, back = self.query_one("#import-go", Button), self.query_one("#import-back", Button)
        go.display = state == "preview"
        back.label = self.app.t("import.close" if state == "done" else "import.back")
        self.query_one("#import-hint", Static).update(self.app.t(f"import.hint.{state}"))
        if state == "pick":
            self.query_one("#import-path", Input).focus()
        elif state == "preview":
            go.focus()
        elif state == "done":
            back.focus()
        else:
            self.set_focus(None)  # keys typed meanwhile go nowhere
        self.refresh_bindings()

    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#import-status", Static)
        status.set_class(error, "error")
        status.update(literal(_one_line(text, 500)))

    def refresh_language(self) -> None:
        t = self.app.t
        self.query_one("#import-title", Static).update(t("import.title"))
        self.query_one("#import-path", Input).placeholder = t("import.placeholder")
        self.query_one("#import-go", Button).label = t("import.go")
        self.query_one("#import-back", Button).label = t("import.close" if self.state == "done" else "import.back")
        self.query_one("#import-hint", Static).update(t(f"import.hint.{self.state}"))
        if self.report is not None and self.state in ("preview", "done"):
            self._show_report(self.report)

    # -- picking -----------------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text or self.state != "pick":
            return
        path = Path(text).expanduser()
        if path.is_dir():
            self.query_one("#import-tree", DeckFileTree).path = path
            self._status("")
            return
        if not path.is_file():
            self._status(self.app.t("import.no_file", path=text), error=True)
            return
        self.preview(str(path))

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        if self.state == "pick":
            # The field shows the name without control characters; the file is read by its real name.
            self.query_one("#import-path", Input).value = clean(str(event.path))
            self.preview(str(event.path))

    def preview(self, path: str) -> None:
        self.path = path
        self.report = None
        self.query_one("#import-summary", Static).update("")
        self.query_one("#import-sample", Static).update("")
        self._status(self.app.t("import.reading"))
        self._start(path, dry_run=True)

    # -- the worker ----------------------------------------------------------------------------
    def _start(self, path: str, dry_run: bool) -> None:
        self.progress_seen = 0
        self.query_one("#import-progress", ProgressBar).update(progress=0)
        self._show("previewing" if dry_run else "importing")
        self._worker = self.run_import(path, dry_run)

    @work(thread=True, exclusive=True, group="import-file", exit_on_error=False)
    def run_import(self, path: str, dry_run: bool) -> None:
        from quiz.study.importing import ImportCancelled, import_deck

        app = self.app
        worker = get_current_worker()
        shown = -1

        def progress(done: int, total: int, stage: str) -> None:
            nonlocal shown
            if worker.is_cancelled:
                if done < total:  # never once the import has committed
                    raise ImportCancelled
                return  # (the app is going: waiting on its thread here, holding the library, would stall it)
            if done != shown:
                shown = done
                app.call_from_thread(self._progress, done, stage)

        try:
            with app._library_lock:
                report = import_deck(app.opened_library(), path, dry_run=dry_run, progress=progress)
        except ImportCancelled:
            app.call_from_thread(self._cancelled, dry_run)
        except Exception as error:  # one line on screen, never a traceback: the database is as it was
            message = str(error) or type(error).__name__
            app.call_from_thread(self._failed, message)
        else:
            app.call_from_thread(self._finished, report)

    def _progress(self, done: int, stage: str) -> None:
        self.progress_seen = max(self.progress_seen, done)
        self.query_one("#import-progress", ProgressBar).update(progress=done)
        if self.state in ("previewing", "importing") and stage in ("read", "store", "reviews", "commit"):
            self._status(self.app.t(f"import.stage.{stage}"))

    def _finished(self, report) -> None:
        self.report = report
        self._show_report(report)
        if report.dry_run:
            self._status("")
            self._show("preview")
        else:
            self._status(self.app.t("import.imported", deck=report.deck))
            self._show("done")
            self.app.notify(self.app.t("import.done", deck=report.deck), markup=False)

    def _failed(self, message: str) -> None:
        self.report = None
        self._status(self.app.t("import.error", error=message), error=True)
        self._show("pick")

    def _cancelled(self, dry_run: bool) -> None:
        self._status(self.app.t("import.cancelled"))
        if dry_run or self.report is None:
            self._show("pick")
        else:
            self._show("preview")

    # -- the preview ---------------------------------------------------------------------------
    def _show_report(self, report) -> None:
        from quiz.i18n import grouped

        app = self.app

        def t(key: str, **values) -> str:  # counts written as the language writes large numbers
            return app.t(key, **{k: grouped(v, app.lang) if type(v) is int else v for k, v in values.items()})
        kind = report.format if report.format in ("anki", "text", "quizlet", "yaml") else "other"
        existing = bool(report.updated or report.unchanged or report.retired)
        lines = [
            t("import.file", path=report.path),
            t("import.format", format=t(f"import.format.{kind}")),
            t("import.deck_done" if not report.dry_run else "import.deck_existing" if existing else "import.deck_new",
              deck=report.deck),
            t("import.counts", notes=report.notes, cards=report.cards, questions=report.questions),
        ]
        if report.facts:
            lines.append(t("import.facts", facts=report.facts))
        verb = "import.would" if report.dry_run else "import.did"
        # The first line counts what the file holds: its cards, its facts, or both.
        held = "import.what.both" if report.facts and report.cards else \
            "import.what.facts" if report.facts else "import.what.cards"
        lines.append(t(verb, what=t(held), added=report.added, updated=report.updated, unchanged=report.unchanged))
        questions = (report.questions_added, report.questions_updated, report.questions_unchanged)
        if report.facts or questions != (report.added, report.updated, report.unchanged):
            # (A card deck's questions are its cards, one item each: the same line twice says nothing.)
            lines.append(t(verb, what=t("import.what.questions"), added=report.questions_added,
                           updated=report.questions_updated, unchanged=report.questions_unchanged))
        if report.retired or report.questions_retired:
            lines.append(t("import.retired", cards=report.retired, questions=report.questions_retired))
        if report.format == "anki" or report.reviews or report.reviews_known:  # (a text file has no history)
            lines.append(t("import.history", reviews=report.reviews, known=report.reviews_known))
        if report.suspended:
            lines.append(t("import.suspended", n=report.suspended))
        if report.media:
            lines.append(t("import.media", n=report.media))
        if report.warnings:
            lines.append(t("import.warnings", n=len(report.warnings)))
            lines += ["  " + _one_line(w, 200) for w in report.warnings[:MAX_WARNINGS_SHOWN]]
        self.query_one("#import-summary", Static).update(literal("\n".join(lines)))
        sample = [t("import.sample")] if report.sample else []
        sample += [f"  {_one_line(front, SAMPLE_WIDTH)}  →  {_one_line(back, SAMPLE_WIDTH)}"
                   for front, back in report.sample]
        self.query_one("#import-sample", Static).update(literal("\n".join(sample)))

    # -- keys and buttons ------------------------------------------------------------------------
    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "import-go" and self.state == "preview" and self.path:
            self._status(self.app.t("import.stage.read"))
            self._start(self.path, dry_run=False)
        elif event.button.id == "import-back":
            self.action_cancel()

    def action_cancel(self) -> None:
        if self.state in ("previewing", "importing"):
            if self._worker is not None and self._worker.state in (WorkerState.PENDING, WorkerState.RUNNING):
                self._worker.cancel()
                self._show("cancelling")
                self._status(self.app.t("import.cancelling"))
        elif self.state == "preview":
            self._status("")
            self._show("pick")
        elif self.state != "cancelling":
            # Home highlights the deck just imported.
            self.dismiss(self.report.deck if self.state == "done" and self.report is not None else None)
