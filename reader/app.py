"""The Textual application: wires the library path, the store and the main screen."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.theme import Theme
from textual.widget import Widget

from reader.config import DEFAULT_MARK_READ_AFTER
from reader.messages import CopyText, NoBrowser, StartedUp, notice_timeout, sentence
from reader.sanitize import clean_line
from reader.screens.main import MainScreen
from reader.store import Store
from reader.widgets.bindings import bindings

if TYPE_CHECKING:
    from textual.driver import Driver

    from reader.clipboard import CopyResult
    from reader.first_screen import FirstScreen
    from reader.lifecycle import ExitGuard
    from reader.page.look import PageOptions
    from reader.sync.engine import Syncer


# Input that shows someone is reading (a mouse merely moving over the terminal does not).
READER_INPUT = (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)


class StateProblem(Message):
    """The store could not save (sent from its writer thread)."""

    def __init__(self, text: str) -> None:
        """Carry the one-line problem."""
        super().__init__()
        self.text = text


class Copied(Message):
    """A copy finished (sent from the clipboard worker)."""

    def __init__(self, text: str, result: CopyResult) -> None:
        """Carry what was copied and how."""
        super().__init__()
        self.text = text
        self.result = result


class ReaderApp(App[int]):
    """A keyboard-driven reader for a directory of Markdown posts."""

    CSS_PATH = "reader.tcss"
    TITLE = "reader"
    ENABLE_COMMAND_PALETTE = True
    # ctrl+p, ctrl+t, ctrl+z (see reader/keys.py); Textual's own ctrl+q and ctrl+c stay.
    BINDINGS: ClassVar[list[BindingType]] = bindings("app")

    def __init__(
        self,
        library_path: Path,
        store: Store,
        *,
        mark_read_after: float = DEFAULT_MARK_READ_AFTER,
        notices: Iterable[str] = (),
        theme: str | None = None,
        sort: str | None = None,
        keymap: Mapping[str, str] | None = None,
        exit_guard: ExitGuard | None = None,
        page_options: PageOptions | None = None,
        syncer: Syncer | None = None,
        sync_every: float | None = None,
        feeds_library: Path | None = None,
        refresh_every: float | None = None,
        first_screen: FirstScreen | None = None,
        started: Callable[[], None] | None = None,
    ) -> None:
        """Keep what the screen needs; nothing is read from disk here."""
        super().__init__()
        self.exit_guard = exit_guard
        self.library_path = library_path
        self.store = store
        self.mark_read_after = mark_read_after
        self.notices = list(notices)
        self.chosen_theme = theme
        self.sort = sort
        self.keymap_overrides = dict(keymap or {})
        self.page_options = page_options  # measure and link addresses (reader.page)
        self.syncer = syncer  # sync (reader.screens.sync_runner), None when not configured
        self.sync_every = sync_every  # minutes
        # Followed feeds: where a refresh writes their posts (None: the user data folder's
        # `feeds`), and how old a feed may get before the start refreshes it (0: never;
        # the CLI passes the config's refresh_every).
        self.feeds_library = feeds_library
        self.refresh_every = refresh_every
        self.first_screen = first_screen  # the library's first rows, read while starting
        self.started = started  # called once the main screen is up (StartedUp)

    def on_mount(self) -> None:
        """Apply theme and keys, show the main screen and any notices from start-up."""
        self.apply_theme()
        if self.keymap_overrides:
            self.set_keymap(self.keymap_overrides)
        self.theme_changed_signal.subscribe(self, self.remember_theme)
        self.app_resume_signal.subscribe(self, self.redraw_after_resume)
        self.push_screen(
            MainScreen(
                self.library_path,
                self.store,
                self.mark_read_after,
                sort=self.sort,
                first_screen=self.first_screen,
            )
        )
        for notice in self.notices:
            timeout = notice_timeout(notice)
            self.notify(sentence(notice), severity="warning", timeout=timeout, markup=False)

    async def on_event(self, event: events.Event) -> None:
        """Tell the main screen the reader is at the keys (a key, a click or the wheel)."""
        if isinstance(event, READER_INPUT) and not event.is_forwarded:
            main = self.main_screen
            if main is not None:
                main.reader_active()
        await super().on_event(event)

    @property
    def main_screen(self) -> MainScreen | None:
        """The main screen, wherever it is on the stack (None before it is pushed)."""
        return next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)

    def on_ready(self) -> None:
        """The first frame is up: from now on SIGTERM, SIGHUP or a lost terminal exit the app.

        (See reader/lifecycle.py. One that came earlier exits it now: exiting while the first
        screen still mounts makes Textual's own widgets fail.)
        """
        if self.exit_guard is not None:
            loop = asyncio.get_running_loop()
            self.exit_guard.attach(lambda: loop.call_soon_threadsafe(self.exit))
        main = self.main_screen
        if main is not None:
            main.start_up.painted()

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for this platform; on Linux and macOS one that survives a hang-up."""
        driver_class = super().get_driver_class()
        if sys.platform != "win32":
            from textual.drivers.linux_driver import LinuxDriver

            if driver_class is LinuxDriver:
                from reader.driver import ReaderDriver

                return ReaderDriver
        return driver_class

    def apply_theme(self) -> None:
        """Use the configured theme, else the one chosen last time, else Textual's default."""
        remembered = self.store.get_meta("theme")
        for name in (self.chosen_theme, remembered):
            if isinstance(name, str) and name in self.available_themes:
                self.theme = name
                return
        if self.chosen_theme is not None:
            self.notices.append(
                f"unknown theme '{self.chosen_theme}' in the config; "
                f"themes: {', '.join(sorted(self.available_themes))}"
            )

    def remember_theme(self, theme: Theme) -> None:
        """Keep the theme chosen (ctrl+t or the palette) for the next start."""
        if self.store.get_meta("theme") != theme.name:
            self.store.set_meta("theme", theme.name)

    def redraw_after_resume(self, _app: App[Any]) -> None:
        """Back from ctrl+z (`fg`): the terminal shows what the shell left; draw it all again."""
        self.refresh(layout=True)

    def report_state_problem(self, text: str) -> None:
        """Called from the store's writer thread: show the problem, or print it after exit."""
        if self.is_running:
            self.post_message(StateProblem(text))
        else:
            print(f"reader: {text}", file=sys.stderr)

    def on_started_up(self, _message: StartedUp) -> None:
        """The first list is on screen: tell whoever started the app (once)."""
        started, self.started = self.started, None
        if started is not None:
            started()

    def on_state_problem(self, message: StateProblem) -> None:
        """Tell the user the state could not be saved."""
        self.notify(sentence(message.text), severity="warning", timeout=8, markup=False)

    def on_copy_text(self, message: CopyText) -> None:
        """Copy text for the user (`y`, or a link no browser could open)."""
        self.copy_in_worker(message.text)

    @work(thread=True, group="clipboard", description="copy")
    def copy_in_worker(self, text: str) -> None:
        """Run the platform's clipboard tool off the UI thread (see reader/clipboard.py)."""
        from reader.clipboard import copy_text

        self.post_message(Copied(text, copy_text(text)))

    def on_copied(self, message: Copied) -> None:
        """Say honestly where the text went; with no tool, fall back to OSC 52."""
        shown, tool = clean_line(message.text), message.result.tool
        if tool is not None:
            self.notify(f"Copied {shown} to {tool.target} ({tool.name})", timeout=4, markup=False)
            return
        self.copy_to_clipboard(message.text)
        tried = "; ".join(message.result.failures)
        self.notify(
            f"Sent {shown} to the terminal's clipboard (OSC 52); the terminal or tmux may "
            f"block it{f' ({tried})' if tried else ''}",
            timeout=8,
            markup=False,
        )

    def on_no_browser(self, message: NoBrowser) -> None:
        """No browser could open a link (ssh, headless): offer to copy its address."""
        url = message.url

        def answered(yes: bool | None) -> None:
            if yes:
                self.copy_in_worker(url)

        from reader.screens.confirm import ConfirmScreen  # (imported when first needed)

        question = f"No web browser could open\n{clean_line(url)}\n\nCopy the address instead?"
        self.push_screen(ConfirmScreen(question), answered)

    def key_display(self, key: str) -> str:
        """How the footer shows a key (`?`, `^f`, `esc`)."""
        return self.get_key_display(Binding(key, ""))

    def action_help(self) -> None:
        """Show every key."""
        from reader.screens.help import HelpScreen, help_sections

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(help_sections(self.keymap_overrides, self.key_display)))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette: every reader key, then Textual's own commands."""
        main = self.main_screen
        if main is not None:
            targets: dict[str, Widget] = {
                "screen": main,
                "sidebar": main.post_list,
                "article": main.article,
            }
            from reader.screens.help import key_commands

            commands = key_commands(targets, self.keymap_overrides, self.key_display)
            for title, help_text, callback in commands:
                yield SystemCommand(title, help_text, callback)
        yield SystemCommand("Help", "Show every key (? or F1)", self.action_help)
        yield SystemCommand(
            "Suspend",
            "Back to the shell; fg brings the reader back (ctrl+z)",
            self.action_suspend_process,
        )
        yield from super().get_system_commands(screen)
