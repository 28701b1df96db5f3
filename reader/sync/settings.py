"""Sync settings from the config file, and the Fever password (UI-free).

```toml
sync_folder = "~/Sync/reader"     # folder sync (Syncthing, Dropbox, git, ...)
sync_every = 15                   # minutes between background syncs in the reader
[sync.fever]
url = "https://rss.example.org/api/fever.php"
user = "me"
password_file = "~/.config/reader/fever-password"   # or password_command = ["pass", "rss"]
folder = "~/.local/share/reader/fever"              # where the server's items become posts
```

Without `password_file` or `password_command`, the password is read from the environment
variable READER_FEVER_PASSWORD. The password and the api key made from it never appear in a
message or a log, nor in `reader config --show`.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from reader.sanitize import clean_line

PASSWORD_ENV = "READER_FEVER_PASSWORD"
COMMAND_TIMEOUT = 30.0  # seconds a password_command may take


class SettingsError(Exception):
    """A sync setting that cannot be used; one line, never holding a secret."""


@dataclass(frozen=True)
class FeverSettings:
    """`[sync.fever]`: where the server is and how to get the password."""

    url: str
    user: str
    password_file: Path | None = None
    password_command: tuple[str, ...] | None = None
    folder: Path | None = None


def parse_fever(value: object) -> tuple[FeverSettings | None, list[str]]:
    """The `[sync.fever]` table (the `fever` key of `[sync]`) and its mistakes."""
    if not isinstance(value, dict):
        return None, ["'sync.fever' must be a table"]
    problems: list[str] = []
    known = {"url", "user", "password_file", "password_command", "folder"}
    unknown = [clean_line(str(key)) for key in value if key not in known]
    problems += [f"unknown setting 'sync.fever.{key}'" for key in unknown]
    url, user = value.get("url"), value.get("user")
    if not (isinstance(url, str) and url.lower().startswith(("http://", "https://"))):
        problems.append("'sync.fever.url' must be an http(s) address")
        url = None
    if not (isinstance(user, str) and user):
        problems.append("'sync.fever.user' must be a user name (a string)")
        user = None
    file = value.get("password_file")
    if file is not None and not (isinstance(file, str) and file.strip()):
        problems.append("'sync.fever.password_file' must be a path (a string)")
        file = None
    command = value.get("password_command")
    if command is not None and not (
        isinstance(command, list) and command and all(isinstance(a, str) for a in command)
    ):
        problems.append("'sync.fever.password_command' must be a list of strings (argv)")
        command = None
    folder = value.get("folder")
    if folder is not None and not (isinstance(folder, str) and folder.strip()):
        problems.append("'sync.fever.folder' must be a path (a string)")
        folder = None
    if url is None or user is None:
        return None, problems
    return (
        FeverSettings(
            url=url,
            user=user,
            password_file=Path(file).expanduser() if file else None,
            password_command=tuple(command) if command else None,
            folder=Path(folder).expanduser() if folder else None,
        ),
        problems,
    )


def read_password(settings: FeverSettings) -> str:
    """The Fever password: from the file, the command (argv, no shell) or the environment.

    Raises SettingsError with a one-line reason that never holds the password.
    """
    if settings.password_file is not None:
        try:
            text = settings.password_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            why = getattr(exc, "strerror", None) or type(exc).__name__
            shown = clean_line(str(settings.password_file))
            raise SettingsError(f"cannot read the Fever password file {shown}: {why}") from None
        password = text.splitlines()[0] if text.splitlines() else ""
    elif settings.password_command is not None:
        shown = clean_line(settings.password_command[0])
        try:
            done = subprocess.run(
                list(settings.password_command),
                capture_output=True,
                timeout=COMMAND_TIMEOUT,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            why = getattr(exc, "strerror", None) or type(exc).__name__
            raise SettingsError(f"the Fever password command {shown} failed: {why}") from None
        if done.returncode != 0:
            raise SettingsError(
                f"the Fever password command {shown} failed (exit status {done.returncode})"
            )
        out = done.stdout.decode("utf-8", errors="replace").splitlines()
        password = out[0] if out else ""
    else:
        password = os.environ.get(PASSWORD_ENV, "")
        if not password:
            raise SettingsError(
                "no Fever password: set password_file or password_command in [sync.fever], "
                f"or {PASSWORD_ENV}"
            )
    if not password:
        raise SettingsError("the Fever password is empty")
    return password


def api_key(user: str, password: str) -> str:
    """The Fever api key: md5 of "user:password" (the protocol's, not a choice)."""
    import hashlib  # here, not at start-up: only sync with a Fever server needs it

    return hashlib.md5(f"{user}:{password}".encode(), usedforsecurity=False).hexdigest()
