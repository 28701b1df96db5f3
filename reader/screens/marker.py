"""The mark keys of the main screen: bookmark, read/unread, next unread, view, sort,
mark all read and undo (a non-visual part, like the loaders; the screen routes the keys
here, and keeps the sidebar's marks and the header's counts)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widget import Widget

from reader.screens.confirm import ConfirmScreen
from reader.views import find_unread

if TYPE_CHECKING:
    from reader.screens.main import MainScreen


class Marker(Widget):
    """Changes marks, the view and the sort for the keys of the main screen."""

    DEFAULT_CSS = "Marker { display: none; }"

    def __init__(self, host: MainScreen) -> None:
        """`host` is the main screen (its session, store, sidebar and counts)."""
        super().__init__()
        self.host = host

    def toggle_bookmark(self) -> None:
        """Bookmark the highlighted post, or remove its bookmark."""
        post_id = self.host.highlighted_id
        if post_id is None:
            return
        value = not self.host.store.is_bookmarked(post_id)
        title = self.host.session.posts[post_id].title
        what = f"bookmarked “{title}”" if value else f"removed the bookmark of “{title}”"
        self.host.session.set_bookmarked(post_id, value, undoable=what)
        self.host.marks_changed()  # the ★ and the header's count say it: no toast to pile up

    def toggle_read(self) -> None:
        """Mark the highlighted post read or unread, overriding the timer."""
        post_id = self.host.highlighted_id
        if post_id is None:
            return
        self.host.reading.cancel()
        value = not self.host.store.is_read(post_id)
        title = self.host.session.posts[post_id].title
        what = f"marked “{title}” {'read' if value else 'unread'}"
        self.host.set_read(post_id, value, undoable=what)

    def next_unread(self) -> None:
        """Go to the next unread post, wrapping around."""
        self.jump_unread(+1)

    def previous_unread(self) -> None:
        """Go to the previous unread post, wrapping around."""
        self.jump_unread(-1)

    def jump_unread(self, step: int) -> None:
        """Move the cursor to the nearest unread post in direction `step`."""
        ids = self.host.post_list.ids
        index = find_unread(ids, self.host.post_list.cursor, step, self.host.store.is_read)
        if index is None or (index == self.host.post_list.cursor and len(ids) > 1):
            self.host.notify("No unread posts left", timeout=2)
            return
        self.host.post_list.move_to(index)

    def cycle_view(self) -> None:
        """Switch to the next view, keeping the current post where the view holds it."""
        # The last post shown, even from an empty view.
        selected = self.host.store.get_meta("selected")
        current = self.host.highlighted_id or (selected if isinstance(selected, str) else None)
        view = self.host.session.cycle_view()
        self.host.store.set_meta("view", view.value)
        self.host.refresh_rows(select=self.host.session.nearest_listed(current))

    def cycle_sort(self) -> None:
        """Switch to the next sort order, keeping the current post selected."""
        sort = self.host.session.cycle_sort()
        self.host.store.set_meta("sort", sort.value)
        self.host.refresh_rows(select=self.host.highlighted_id)
        self.host.notify(f"Sorted {sort.label}", timeout=1.5)

    def mark_all_read(self) -> None:
        """Mark every post of this view read, after asking."""
        unread = [i for i in self.host.post_list.ids if not self.host.store.is_read(i)]
        if not unread:
            self.host.notify("Every post in this view is already read", timeout=2)
            return
        count = len(unread)
        question = (
            f"Mark {count} post{'s' if count != 1 else ''} in the "
            f"{self.host.session.view.label} view read? (u undoes it)"
        )

        def answered(yes: bool | None) -> None:
            """Mark them read if the answer was yes."""
            if yes:
                self.host.reading.cancel()
                changed = self.host.session.mark_all_read(unread)
                self.host.marks_changed()
                self.host.notify(f"Marked {changed} posts read — u to undo", timeout=4)

        self.host.app.push_screen(ConfirmScreen(question), answered)

    def undo(self) -> None:
        """Undo the last mark change made by hand (m, b or M)."""
        self.host.reading.cancel()
        change = self.host.session.undo()
        if change is None:
            self.host.notify("Nothing to undo", timeout=2)
            return
        self.host.marks_changed()
        self.host.notify(f"Undone: {change.description}", timeout=4, markup=False)
