"""A real Fever server for tests: coldsweat 0.10.2 from its own venv (.venv-fever), on
127.0.0.1, with its feed served by a loopback http.server. Nothing here talks to anything
but 127.0.0.1."""

from __future__ import annotations

import http.server
import os
import socket
import subprocess
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
COLDSWEAT = ROOT / ".venv-fever" / "bin" / "coldsweat"
USER = "me@example.com"
PASSWORD = "a-password-of-12+"
START_WAIT = 60.0  # seconds coldsweat may take to answer


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def rss(base: str, items: int) -> str:
    """An RSS feed of `items` items, its image on 127.0.0.1 (no favicon look-up outside)."""
    entries = "".join(
        f"<item><title>Item number {n}</title><link>{base}/post/{n}</link>"
        f"<guid>{base}/post/{n}</guid><description>&lt;p&gt;Body of &lt;b&gt;item {n}"
        f"&lt;/b&gt;&lt;/p&gt;</description>"
        f"<pubDate>Mon, 0{1 + n % 9} Jun 2026 10:00:00 +0000</pubDate></item>"
        for n in range(1, items + 1)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Test feed</title>'
        f"<link>{base}/</link><description>d</description>"
        f"<image><url>{base}/icon.png</url><title>Test feed</title><link>{base}/</link></image>"
        f"{entries}</channel></rss>"
    )


class FeedServer:
    """The test feed on a loopback http.server (in a thread of the test process)."""

    def __init__(self, items: int) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        body = rss(self.base, items).encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                data = body if self.path.startswith("/feed") else b"\x89PNG\r\n\x1a\n"
                kind = "application/rss+xml" if self.path.startswith("/feed") else "image/png"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Coldsweat:
    """coldsweat with one user subscribed to the test feed; start() and stop() at will."""

    def __init__(self, workdir: Path, items: int = 60) -> None:
        self.workdir = workdir
        self.feed = FeedServer(items)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/fever/"
        self.env = {
            **os.environ,
            "FLASK_DATABASE_URL": f"sqlite:///{workdir / 'cs.db'}",
            "FLASK_SECRET_KEY": "test",
            "NO_PROXY": "127.0.0.1",
            "no_proxy": "127.0.0.1",
        }
        self.proc: subprocess.Popen[bytes] | None = None
        opml = workdir / "subs.opml"
        opml.write_text(
            '<?xml version="1.0"?><opml version="1.0"><head><title>s</title></head><body>'
            f'<outline type="rss" text="Test feed" xmlUrl="{self.feed.base}/feed.xml"/>'
            "</body></opml>"
        )
        self._cs("setup", USER, "-p", PASSWORD)
        self._cs("import", str(opml), USER, "-f")

    def _cs(self, *args: str) -> None:
        subprocess.run(
            [str(COLDSWEAT), *args],
            env=self.env,
            cwd=self.workdir,
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> None:
        log = open(self.workdir / "server.log", "ab")  # noqa: SIM115 (owned by the process)
        self.proc = subprocess.Popen(
            [str(COLDSWEAT), "run", "-h", "127.0.0.1", "-p", str(self.port)],
            env=self.env,
            cwd=self.workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + START_WAIT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"coldsweat exited: {(self.workdir / 'server.log').read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("coldsweat did not start in time")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
            self.proc = None

    def close(self) -> None:
        self.stop()
        self.feed.stop()
