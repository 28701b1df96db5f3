"""Following feeds: subscriptions, polite refresh, OPML, source detection, full text.

UI-free: nothing here imports textual. Each module is wired into the CLI, the store
and the TUI by thin adapters (see each module's public functions).
"""
