"""Importers: other formats turned into post files (UI-free).

base.py defines what an importer is (the Importer protocol, ImportResult) and the
helpers every importer shares; registry.py lists them for `reader import`.
"""
