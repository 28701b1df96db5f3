"""The article loader: renders posts off the UI thread and puts them in the article pane.

It owns the render and prefetch workers, their `ArticleReady` messages and the cache of
the last few renderings (so j and k between posts are instant), and knows which post the
article shows (`current`) and whether it is fully rendered (`complete`). A non-visual
widget of the main screen; when a post is on screen it tells the screen
(`MainScreen.article_shown`), which hands it on to search and the read tracker.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.segment import Segment
from textual import work
from textual.widget import Widget
from textual.worker import get_current_worker

from reader.messages import ArticleReady
from reader.render_cache import RenderCache

if TYPE_CHECKING:
    from reader.library import Post
    from reader.page.look import Look
    from reader.screens.main import MainScreen

# A post is put on screen as soon as this many lines are rendered; the rest follows.
FIRST_SCREEN_LINES = 40
# Between later chunks the rendering thread sleeps this long, so keys are answered at once.
CHUNK_PAUSE = 0.003
# A big post's one full collection comes this many chunks after its first screen (painted
# by then: a collection holding the lock would have delayed it).
FULL_COLLECTION_AT = 2


class ArticleLoader(Widget):
    """Renders the shown post (and its neighbours ahead of time) for the article pane."""

    DEFAULT_CSS = "ArticleLoader { display: none; }"

    def __init__(self, host: MainScreen) -> None:
        """`host` is the main screen (its posts, sidebar and article)."""
        super().__init__()
        self.host = host
        self.current: str | None = None  # the post the article shows (or is rendering)
        self.complete = False  # the shown post is fully rendered (positions are meaningful)
        self.rendered: RenderCache[list[Segment]] = RenderCache()
        self.shown_any = False  # the first post waits for the first frame (see show)

    def on_mount(self) -> None:
        """Render again in a new theme's colours."""
        self.app.theme_changed_signal.subscribe(self, self.theme_changed)

    def theme_changed(self, _theme: object) -> None:
        """Render the post again in the new theme's colours."""
        self.rerender()

    def rerender(self) -> None:
        """Render the shown post again (new width or theme), keeping its place."""
        if self.current is not None:
            self.host.show_post(self.current, keep_scroll=True)

    def show(self, post: Post, *, keep_scroll: bool) -> None:
        """Put a post in the article: from the cache at once, else from a render worker."""
        article = self.host.article
        if keep_scroll and article.post_id != post.id:
            # A re-render (width, theme) that overtakes the post's first rendering must
            # still open it properly: from the top, then at its saved position.
            keep_scroll = False
        self.current = post.id
        if not self.shown_any:  # the list is painted first; its rendering waits a frame
            self.shown_any = True
            self.host.start_up.when_painted(lambda: self.show_first(post, keep_scroll))
            return
        width, look = article.text_width, self.look()
        cached = None if keep_scroll else self.rendered.get((post.id, width, look.key))
        if cached is not None:
            self.workers.cancel_group(self, "render")
            self.on_article_ready(ArticleReady(post.id, cached, width, False, look_key=look.key))
            return
        self.render_post(post, width, look, keep_scroll)

    def show_first(self, post: Post, keep_scroll: bool) -> None:
        """Show the first post, once the frame that lists it is up (unless moved on since)."""
        if self.current == post.id:
            self.show(post, keep_scroll=keep_scroll)

    def look(self) -> Look:
        """The page's look in the current theme (and the config's page options)."""
        from reader.widgets.page_look import look_for

        return look_for(self.app, getattr(self.app, "page_options", None))

    def clear(self) -> None:
        """Forget the post shown (none is left to show)."""
        self.current = None

    # A description of our own: Textual's default is the repr of every argument (the look's
    # whole palette, each post), built on the UI thread at every j.
    @work(thread=True, exclusive=True, group="render", description="render a post")
    def render_post(self, post: Post, width: int, look: Look, keep_scroll: bool) -> None:
        """Read and render one post off the UI thread; show the first part at once."""
        worker = get_current_worker()
        partial = not keep_scroll  # a re-render keeps its scroll position: no partial
        lines: list[list[Segment]] = []
        from reader.budget import worth_prefetching
        from reader.gcpause import collect_young, collection_paused, freeze_loaded
        from reader.render import rendered_chunks

        # A big post's lines (100,000 objects for 1 MB) would be walked by every full
        # collection while it is read: tens of ms each with the lock held, keys waiting.
        # So the young objects are collected chunk by chunk; once the first screen is
        # painted, one full collection (the post's lines still few); at the end what
        # lives on is frozen (freed once the reader moves on, as ever).
        big = not worth_prefetching(post.file)
        later = 0  # chunks rendered after the first screen
        with collection_paused():
            for lines in rendered_chunks(post, width, look):
                if worker.is_cancelled:
                    return
                if partial and len(lines) >= FIRST_SCREEN_LINES:
                    message = ArticleReady(post.id, list(lines), width, False, complete=False)
                    self.post_message(message)
                    partial, keep_scroll = False, True
                elif not partial:
                    later += 1
                    collect_young(2 if big and later == FULL_COLLECTION_AT else 0)
                    time.sleep(CHUNK_PAUSE)  # let the UI thread answer keys between chunks
            if big and collect_young(1):
                freeze_loaded()
        if not worker.is_cancelled:
            self.post_message(ArticleReady(post.id, lines, width, keep_scroll, look_key=look.key))

    @work(thread=True, exclusive=True, group="prefetch", description="render ahead")
    def prefetch(self, posts: list[Post], width: int, look: Look) -> None:
        """Render the posts next to the shown one ahead of time, so j and k are instant."""
        from reader.budget import worth_prefetching
        from reader.gcpause import collection_paused
        from reader.render import rendered_chunks

        worker = get_current_worker()
        for post in posts:
            if not worth_prefetching(post.file):  # a big post renders when shown, not ahead
                continue
            lines: list[list[Segment]] = []
            with collection_paused():
                for lines in rendered_chunks(post, width, look):
                    if worker.is_cancelled or len(lines) > RenderCache.MAX_LINES:
                        return
                    time.sleep(CHUNK_PAUSE)
            message = ArticleReady(post.id, lines, width, True, look_key=look.key, prefetch=True)
            self.post_message(message)

    def on_article_ready(self, message: ArticleReady) -> None:
        """Put a rendered post on screen; tell the screen it is there."""
        message.stop()
        if message.complete:
            self.rendered.put((message.post_id, message.width, message.look_key), message.lines)
        if message.prefetch or message.post_id != self.current:
            return
        self.complete = message.complete
        host = self.host
        host.article.show(
            message.post_id, message.lines, message.width, keep_scroll=message.keep_scroll
        )
        host.pane.post_rendered(new_post=not message.keep_scroll)
        if message.complete:  # once the post is painted: the worker would slow the paint
            self.call_after_refresh(self.prefetch_neighbours, message.post_id)
        host.article_shown(message.post_id, complete=message.complete, new=not message.keep_scroll)

    def prefetch_neighbours(self, post_id: str) -> None:
        """Render the next and previous posts of the list in the background."""
        if post_id != self.current:  # the reader has moved on: its neighbours come next
            return
        post_list = self.host.post_list
        index = post_list.index_of(post_id)
        if index is None:
            return
        ids = post_list.ids
        width, look = self.host.article.text_width, self.look()
        wanted = [
            self.host.session.posts[ids[i]]
            for i in (index + 1, index - 1)
            if 0 <= i < len(ids) and (ids[i], width, look.key) not in self.rendered
        ]
        if wanted:
            self.prefetch(wanted, width, look)
