"""The package draws the pipeline, and these tests keep it drawn.

Layers, lowest first: shared helpers (problems, yamlfile, logsetup) -> the answer engine (bot.search) -> what runs
around it (bot.ingest, bot.serving, bot.usage, side by side and independent of each other) -> the Telegram edge
(bot.telegram) -> entry points (cli, run, terminal, evaluation, checks), benchmarks (bot.bench) and judging. A module
imports only from its own room or from lower layers: never up, and never in a cycle.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "bot"

LAYERS: dict[str, int] = {
    "bot.problems": 0, "bot.yamlfile": 1, "bot.logsetup": 1,
    "bot.search": 2,
    "bot.ingest": 3, "bot.serving": 3, "bot.usage": 3,
    "bot.telegram": 4,
    "bot.terminal": 5, "bot.evaluation": 5, "bot.checks": 5,
    "bot.run": 6, "bot.bench": 6, "bot.judging": 6,
    "bot.cli": 7,
    "bot.__main__": 8, "bot": 8,
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def room(module: str) -> str:
    """The LAYERS key a module belongs to: its package under bot/, or itself for a top-level module."""
    parts = module.split(".")
    for size in (2, 1):
        key = ".".join(parts[:size])
        if key in LAYERS:
            return key
    raise AssertionError(f"{module} is in no room: add it to LAYERS")


def imports_of(path: Path) -> set[str]:
    """Every bot module a file imports, at the top or inside a function (a lazy import is still a dependency)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.split(".")[0] == "bot":
            if node.module != "bot":  # `from bot import terminal` depends on bot.terminal, not on the package
                found.add(node.module)
            for alias in node.names:  # `from bot.search import engine` imports bot.search.engine
                if (PACKAGE / Path(*node.module.split(".")[1:]) / f"{alias.name}.py").exists():
                    found.add(f"{node.module}.{alias.name}")
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "bot")
    return found


GRAPH = {module_name(p): imports_of(p) for p in PACKAGE.rglob("*.py")}


def test_every_module_sits_in_a_room() -> None:
    for module in GRAPH:
        room(module)


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_import_runs_up_a_layer_or_across_rooms_of_one_layer(module: str) -> None:
    mine = room(module)
    for target in GRAPH[module]:
        theirs = room(target)
        if theirs == mine:
            continue
        assert LAYERS[theirs] < LAYERS[mine], f"{module} imports {target}: {mine} may not depend on {theirs}"


def test_the_import_graph_has_no_cycle() -> None:
    modules = {m: {t for t in targets if t in GRAPH and t != m} for m, targets in GRAPH.items()}
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(modules[node]):
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt):], nxt] if nxt in path else [node, nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(modules):
        if start not in state:
            visit(start, [start])


def test_the_engine_loads_no_telegram_event_loop_or_file_watcher() -> None:
    """Imported in a fresh interpreter, the whole of bot.search pulls in none of the serving machinery."""
    probe = (
        "import json, pkgutil, importlib, sys\n"
        "import bot.search\n"
        "for m in pkgutil.walk_packages(bot.search.__path__, 'bot.search.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    loaded = json.loads(out)
    assert any(m == "bot.search.engine" for m in loaded)  # the probe really imported the engine
    banned = ("telegram", "watchfiles", "asyncio", "httpx", "bot.telegram", "bot.serving", "bot.usage", "bot.ingest")
    offenders = [m for m in loaded if m.split(".")[0] in banned or any(m.startswith(b + ".") or m == b for b in banned)]
    assert offenders == []
