"""The link opener: a post's url and links, opened in the browser or copied.

It owns the workers that read a post's links and hand a link to the web browser (both
off the UI thread) and their messages. Only http, https and mailto links are opened; when
no browser can open one, `NoBrowser` goes up to the app, which offers to copy it. A
non-visual widget of the main screen, which routes `o`, `f`, `y` and clicks to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.widget import Widget

from reader.messages import CopyText, LinksFound, NoBrowser, Notice
from reader.screens.links import LinksScreen

if TYPE_CHECKING:
    from reader.library import Post
    from reader.screens.main import MainScreen


class LinkOpener(Widget):
    """Opens the highlighted post's url and links."""

    DEFAULT_CSS = "LinkOpener { display: none; }"

    def __init__(self, host: MainScreen) -> None:
        """`host` is the main screen (the highlighted post)."""
        super().__init__()
        self.host = host

    def highlighted_post(self) -> Post | None:
        """The post under the sidebar cursor."""
        post_id = self.host.highlighted_id
        return None if post_id is None else self.host.session.posts.get(post_id)

    def open_url(self, url: str) -> None:
        """Open a link if it is safe (http, https, mailto), else say why not."""
        from reader.links import unsafe_reason

        reason = unsafe_reason(url)
        if reason is not None:
            self.notify(f"Not opened: {reason}", severity="warning", markup=False)
            return
        self.open_in_browser(url)  # it says "Opened …" once a browser took it

    def open_post_url(self) -> None:
        """Open the post's own url (front matter) in the web browser."""
        post = self.highlighted_post()
        if post is not None and post.url:
            self.open_url(post.url)
        elif post is not None:
            self.notify("This post has no url", timeout=2)

    def copy_post_url(self) -> None:
        """Copy the post's url to the clipboard (the app says how that went)."""
        post = self.highlighted_post()
        if post is not None and post.url:
            self.post_message(CopyText(post.url))
        elif post is not None:
            self.notify("This post has no url", timeout=2)

    def list_links(self) -> None:
        """Show the post's links to pick one to open."""
        post = self.highlighted_post()
        if post is not None:
            self.find_links(post)

    @work(thread=True, exclusive=True, group="links", description="find links")
    def find_links(self, post: Post) -> None:
        """Read a post and list its links, off the UI thread."""
        from reader.library import PostError, read_body
        from reader.links import extract_links

        try:
            links = extract_links(read_body(post))
        except PostError as error:
            self.post_message(Notice(f"Cannot read the post: {error}"))
            return
        self.post_message(LinksFound(post.id, links))

    @work(thread=True, group="browser", description="open a link")
    def open_in_browser(self, url: str) -> None:
        """Open a link in the web browser, off the UI thread; say it opened, or why not."""
        from reader.links import NO_BROWSER, open_link
        from reader.sanitize import clean_line

        problem = open_link(url)
        if problem is None:
            self.post_message(Notice(f"Opened {clean_line(url)} in the web browser", "information"))
        elif problem == NO_BROWSER:
            self.post_message(NoBrowser(url))  # the app offers to copy it
        else:
            self.post_message(Notice(problem))

    def on_links_found(self, message: LinksFound) -> None:
        """Offer the post's links to choose from."""
        message.stop()
        if message.post_id != self.host.highlighted_id:
            return
        if not message.links:
            self.notify("This post has no links", timeout=2)
            return

        def chosen(url: str | None) -> None:
            """Open the chosen link."""
            if url is not None:
                self.open_url(url)

        self.app.push_screen(LinksScreen(message.links), chosen)
