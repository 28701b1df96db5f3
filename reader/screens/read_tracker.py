"""The read tracker: when the shown post becomes read, and how far each post was read.

It owns the read-after clock (see read_timer.py) and what holds it (a covered screen, a
lost terminal focus, ctrl+z, a search preview, a reader not yet at the keys), and the
reading positions: restored when a post is complete, saved as the reader scrolls, the
post read once its end is reached. A non-visual widget of the main screen: the screen
tells it what was shown and scrolled; it changes read marks through the screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widget import Widget

from reader.screens.read_timer import ReadTimer

if TYPE_CHECKING:
    from reader.screens.main import MainScreen
    from reader.widgets.article import ArticleView


class ReadTracker(Widget):
    """The read-after clock of the shown post and the reading positions of every post."""

    DEFAULT_CSS = "ReadTracker { display: none; }"

    def __init__(self, host: MainScreen, mark_read_after: float) -> None:
        """`host` is the main screen (its store, session and article)."""
        super().__init__()
        self.host = host
        self.timer = ReadTimer(mark_read_after, self.set_timer, self.timer_fired)
        self.preview_id: str | None = None  # shown only as a search preview: not being read

    def on_mount(self) -> None:
        """Hold the clock while the terminal has lost the focus or the reader is suspended."""
        self.watch(self.app, "app_focus", self.app_focus_changed, init=False)
        self.app.app_suspend_signal.subscribe(self, self.app_suspended)
        self.app.app_resume_signal.subscribe(self, self.app_resumed)

    def app_focus_changed(self, focused: bool) -> None:
        """The terminal lost (or got back) the focus: hold the read-after clock meanwhile."""
        if focused:
            self.timer.release("blur")
        else:
            self.timer.hold("blur")

    def app_suspended(self, _app: object) -> None:
        """ctrl+z: nobody reads a suspended reader; hold the read-after clock until fg."""
        self.timer.hold("suspend")

    def app_resumed(self, _app: object) -> None:
        """Back from ctrl+z (fg)."""
        self.timer.release("suspend")

    def covered(self, covered: bool) -> None:
        """Another screen covers the main one (help, a question) or went away."""
        if covered:
            self.timer.hold("modal")
        else:
            self.timer.release("modal")

    def reader_active(self) -> None:
        """A key or a click: from now on the post shown at launch is being read."""
        self.timer.release("launch")

    # The read-after clock ----------------------------------------------------------

    def start(self, post_id: str) -> None:
        """Start the read-after clock of a newly shown post (held while it is a preview)."""
        if self.host.store.is_read(post_id):
            self.timer.cancel()
            return
        self.timer.start(post_id, preview=post_id == self.preview_id)

    def timer_fired(self, post_id: str) -> None:
        """The post was shown long enough while the reader could read it: it is read now."""
        if post_id == self.host.current:
            self.host.set_read(post_id, True)

    def cancel(self) -> None:
        """Forget a pending read-after clock."""
        self.timer.cancel()

    def preview(self, post_id: str) -> None:
        """The post is shown as a search preview while the query is typed: not read yet."""
        self.preview_id = post_id

    def stop_preview(self) -> None:
        """The post shown as a search preview is now being read (down or enter)."""
        self.preview_id = None
        self.timer.release("preview")

    # Positions -----------------------------------------------------------------------

    def post_complete(self, post_id: str) -> None:
        """A post is fully rendered: go to its saved position, or save the pages read.

        Positions are fractions of the whole post: restored (or, if the reader paged
        while it was rendering, saved) only once it is complete.
        """
        article = self.host.article
        article.restore_position(self.host.store.position(post_id))
        if article.settled and article.fraction is not None:
            self.remember_position(post_id, article.fraction, article.at_end)

    def scrolled(self, message: ArticleView.Scrolled) -> None:
        """The article was scrolled: remember how far; reaching its end marks it read."""
        post_id = message.post_id
        if post_id is None or post_id != self.host.current or not self.host.complete:
            return
        if message.settled and message.fraction is not None:
            self.remember_position(post_id, message.fraction, message.at_end)

    def remember_position(self, post_id: str, fraction: float, at_end: bool) -> None:
        """Save a post's reading position; reaching its end marks it read."""
        host = self.host
        before = host.store.position(post_id)
        if before is None and fraction == 0.0:
            return  # a post opened at its top has no position yet
        host.store.set_position(post_id, fraction)
        if at_end and not host.store.is_read(post_id):
            self.cancel()
            host.session.set_read(post_id, True)
            host.marks_changed()
        elif before is None or int(before * 100) != int(fraction * 100):
            host.marks_changed()
