"""One sync run: the folder, then the Fever server, for one open store (UI-free).

Used by `reader sync` and by the reader's background sync. The outcome (time, summary or
error) is kept in the state's meta (`sync_last`), so the header and `reader sync --status`
can show the last sync.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from reader.config import Config
from reader.paths import short_path
from reader.sanitize import clean_line
from reader.statefile import describe
from reader.store import Store
from reader.sync.fever import AuthError, FeverClient, FeverError, shown_url
from reader.sync.fever_sync import FeverSync
from reader.sync.folder import FolderSync, device_id
from reader.sync.settings import FeverSettings, SettingsError, api_key, read_password

QUIT_WAIT = 2.0  # seconds quitting waits for a running sync before leaving the folder be
LAST_KEY = "sync_last"  # meta: {"time": seconds, "ok": bool, "text": one line}


@dataclass
class Outcome:
    """What a sync run did: summary lines, or the errors that stopped a part of it."""

    lines: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    new_posts: int = 0  # item posts written (the library has changed)
    changed: int = 0  # marks changed here by the other side

    @property
    def ok(self) -> bool:
        """True when every configured part synced."""
        return not self.errors


def fever_folder(config: Config, fever: FeverSettings) -> Path:
    """Where the server's items become posts: the setting, else `fever` in the library."""
    if fever.folder is not None:
        return fever.folder
    if config.library is not None:
        return config.library / "fever"
    from reader.paths import feeds_dir

    return feeds_dir().parent / "fever"


class Syncer:
    """The sync parts a config asks for, for one store (keep one per store)."""

    def __init__(self, store: Store, config: Config, *, timeout: float = 30.0) -> None:
        """Set up from the config; does no IO but reading the device id."""
        self.store = store
        self.config = config
        self.timeout = timeout
        self.folder: FolderSync | None = None
        self._busy = threading.Lock()  # one sync at a time (the folder part is not shared)
        self.folder_error: str | None = None  # why the folder cannot be synced at all
        if config.sync_folder is not None:
            try:
                device = device_id(store.path)
            except OSError as exc:
                why = describe(exc)
                self.folder_error = f"cannot make this device's id beside the state: {why}"
                device = None
            if device is not None:
                self.folder = FolderSync(store, config.sync_folder, device)

    @property
    def configured(self) -> bool:
        """True when there is anything to sync with."""
        return self.config.sync_folder is not None or self.config.sync is not None

    def folder_changed(self) -> bool:
        """True when another machine's journal changed since the last folder sync."""
        try:
            return self.folder is not None and self.folder.changed()
        except OSError:
            return False

    def sync_folder(self, outcome: Outcome) -> None:
        """The folder part."""
        if self.folder_error is not None:
            outcome.errors.append(self.folder_error)
        if self.folder is None:
            return
        from filelock import Timeout

        try:
            result = self.folder.sync()
            outcome.lines.append(result.summary())
            outcome.changed += result.merged
        except (OSError, Timeout) as exc:
            why = describe(exc) if isinstance(exc, OSError) else "another sync is running"
            outcome.errors.append(f"folder {short_path(self.folder.folder)}: {why}")

    def sync_fever(self, outcome: Outcome) -> None:
        """The Fever part."""
        fever = self.config.sync
        if fever is None:
            return
        try:
            key = api_key(fever.user, read_password(fever))
            client = FeverClient(fever.url, key, timeout=self.timeout)
            result = FeverSync(self.store, client, fever_folder(self.config, fever)).sync()
            outcome.lines.append(result.summary())
            outcome.new_posts += result.new_items
            outcome.changed += result.pulled
        except AuthError as exc:
            outcome.errors.append(f"{exc} (wrong password?)")
        except (FeverError, SettingsError) as exc:
            outcome.errors.append(clean_line(str(exc)))
        except OSError as exc:
            outcome.errors.append(f"fever {shown_url(fever.url)}: {describe(exc)}")

    def run(self) -> Outcome:
        """Sync every configured part once; remember the outcome in the state."""
        outcome = Outcome()
        with self._busy:
            self.sync_folder(outcome)
            self.sync_fever(outcome)
            if self.folder is not None and outcome.lines and self.config.sync is not None:
                self.sync_folder(Outcome())  # the server's marks on to the other machines
        text = "; ".join(outcome.errors or outcome.lines)
        self.store.set_meta(LAST_KEY, {"time": time.time(), "ok": outcome.ok, "text": text})
        return outcome

    def final_folder_sync(self) -> None:
        """Write the last local marks to the folder as the reader quits (errors: next time)."""
        if self.folder is not None and self._busy.acquire(timeout=QUIT_WAIT):
            try:
                self.sync_folder(Outcome())
            finally:
                self._busy.release()

    def poll(self, *, local_changes: bool) -> Outcome | None:
        """A folder sync if another machine's journal changed (or local marks did); None when
        there was nothing to do or another sync is running (never waits for it)."""
        if self.folder is None or not (local_changes or self.folder_changed()):
            return None
        if not self._busy.acquire(blocking=False):
            return None
        try:
            outcome = Outcome()
            self.sync_folder(outcome)
            return outcome
        finally:
            self._busy.release()


def last_sync(store: Store) -> tuple[float, bool, str] | None:
    """(time, ok, text) of the last sync recorded in the state, or None."""
    value = store.get_meta(LAST_KEY)
    if not isinstance(value, dict):
        return None
    when, ok, text = value.get("time"), value.get("ok"), value.get("text")
    if not isinstance(when, int | float) or isinstance(when, bool) or not isinstance(ok, bool):
        return None
    return float(when), ok, clean_line(str(text or ""))
