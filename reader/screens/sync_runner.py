"""Sync in the reader: `S` syncs now, a background sync runs at start and every
`sync_every` minutes, other machines' journals are read when they change, and the header
shows the last sync's time or that it failed (the error in a notice).

A non-visual widget of the main screen (like the loaders): it owns the sync workers, their
message and the header's sync label; the screen routes `S` to it and asks it for the label.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message
from textual.widget import Widget

from reader.screens.library_loader import STATE_CHECK_EVERY

if TYPE_CHECKING:
    from reader.screens.main import MainScreen
    from reader.sync.engine import Outcome, Syncer

DEFAULT_EVERY = 15.0  # minutes between background syncs when sync_every is not set


class SyncDone(Message):
    """A sync finished (in a worker thread)."""

    def __init__(self, outcome: Outcome, manual: bool) -> None:
        """Carry what the sync did and whether S asked for it."""
        super().__init__()
        self.outcome = outcome
        self.manual = manual


class SyncRunner(Widget):
    """Runs syncs for the main screen (a no-op when nothing is configured)."""

    DEFAULT_CSS = "SyncRunner { display: none; }"

    def __init__(self, host: MainScreen) -> None:
        """`host` is the main screen (its counts, marks and library)."""
        super().__init__()
        self.host = host
        self.label = ""  # shown after the header's counts
        self.local_changes = True  # marks changed here since the last folder sync
        self.last_error: str | None = None

    @property
    def syncer(self) -> Syncer | None:
        """The app's syncer, if sync is configured."""
        syncer: Syncer | None = getattr(self.app, "syncer", None)
        return syncer if syncer is not None and syncer.configured else None

    def on_mount(self) -> None:
        """Sync once now, then every sync_every minutes; watch the folder."""
        if self.syncer is None:
            return
        self.label = " · syncing…"
        every = getattr(self.app, "sync_every", None) or DEFAULT_EVERY
        self.sync_in_background(manual=False)
        self.set_interval(every * 60.0, lambda: self.sync_in_background(manual=False))
        if self.syncer.folder is not None:
            self.set_interval(STATE_CHECK_EVERY, self.poll_folder)

    def sync_now(self) -> None:
        """Sync now (S)."""
        if self.syncer is None:
            self.notify(
                "Nothing to sync: set sync_folder or [sync.fever] in the config",
                severity="warning",
                markup=False,
            )
            return
        self.label = " · syncing…"
        self.host.update_counts()
        self.sync_in_background(manual=True)

    def note_local_change(self) -> None:
        """Marks changed here: the next folder poll passes them on."""
        self.local_changes = True

    @work(thread=True, group="sync", description="sync")
    def sync_in_background(self, manual: bool) -> None:
        """Run a whole sync off the UI thread."""
        syncer = self.syncer
        if syncer is not None:
            self.post_message(SyncDone(syncer.run(), manual))

    @work(thread=True, exclusive=True, group="sync-poll", description="poll sync")
    def poll_folder(self) -> None:
        """Sync with the folder when another machine's journal changed, or marks here did."""
        syncer, changed = self.syncer, self.local_changes
        self.local_changes = False
        outcome = None if syncer is None else syncer.poll(local_changes=changed)
        if outcome is not None and (outcome.changed or outcome.errors):
            self.post_message(SyncDone(outcome, manual=False))

    def on_sync_done(self, message: SyncDone) -> None:
        """Show what the sync brought and say when it ran (or that it failed)."""
        outcome = message.outcome
        self.label = f" · synced {time.strftime('%H:%M')}" if outcome.ok else " · sync failed"
        if outcome.errors:
            text = "Sync failed: " + "; ".join(outcome.errors)
            if message.manual or text != self.last_error:  # a failing server: said once
                self.notify(text, severity="error", timeout=8, markup=False)
            self.last_error = text
        else:
            self.last_error = None
            if message.manual:
                self.notify("Synced: " + "; ".join(outcome.lines), markup=False)
        if outcome.new_posts:
            self.host.library.reload()
        self.host.marks_changed()
