"""No import cycle among the reader's modules, deferred (in-function) imports included.

The graph comes from the source (ast), not from running it: every `import reader.x`
and `from reader.x import y` anywhere in a module is an edge (except under
`if TYPE_CHECKING:`, which never runs: the main screen's parts name the screen's type),
and so is each module the CLI dispatcher names in reader.cli.SUBCOMMANDS (imported by
name when used).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path

from reader.cli import SUBCOMMANDS

PACKAGE = Path(__file__).resolve().parents[2] / "reader"


def module_files(package: Path) -> dict[str, Path]:
    """Every module of the package, by dotted name."""
    modules: dict[str, Path] = {}
    for file in sorted(package.rglob("*.py")):
        parts = list(file.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = file
    return modules


def imports_of(name: str, file: Path, modules: Mapping[str, Path]) -> set[str]:
    """The package's modules that `name` imports, at any depth of its code."""
    package = name if file.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    tree = ast.parse(file.read_text(encoding="utf-8"))
    for block in ast.walk(tree):  # `if TYPE_CHECKING:` imports never run: not edges
        if isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING":
            block.body = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {module for module in found if module in modules and module != name}


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports."""
    modules = module_files(package)
    return {name: imports_of(name, file, modules) for name, file in modules.items()}


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_reader_has_no_import_cycle() -> None:
    graph = import_graph(PACKAGE)
    for target in SUBCOMMANDS.values():
        graph["reader.cli"].add(target.partition(":")[0])
    graph["reader.cli"].discard("reader.cli")
    assert cycles(graph) == []


def test_the_commands_never_import_the_dispatcher() -> None:
    graph = import_graph(PACKAGE)
    users = sorted(name for name, imported in graph.items() if "reader.cli" in imported)
    assert users == ["reader.__main__"]


def test_the_check_finds_a_cycle_through_a_deferred_import(tmp_path: Path) -> None:
    """As reader.cli and reader.commands had: one imports the other inside a function."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "cli.py").write_text("def main():\n    from pkg.commands import run\n")
    (package / "commands.py").write_text("from pkg.cli import echo\n")
    (package / "other.py").write_text("from . import commands\n")
    graph = import_graph(package)
    assert graph["pkg.other"] == {"pkg", "pkg.commands"}
    assert cycles(graph) == [["pkg.cli", "pkg.commands"]]
