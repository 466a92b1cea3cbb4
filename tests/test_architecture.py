"""The README's Architecture section is true: it names every module, and imports point up its list.

The two back-edges the README names are the only ones allowed; a new one either belongs in a
module further down or is a design change the README must say.
"""

from __future__ import annotations

import ast
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PACKAGE = PROJECT / "src" / "dskg"
USED_BY_ALL = {"__init__", "errors", "vocab", "resources"}
NAMED_EXCEPTIONS = {("queries", "endpoint")}


def architecture_order() -> list[str]:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Architecture") :]
    block = section[section.index("```") + 3 :]
    block = block[: block.index("```")]
    return [line.split()[0] for line in block.splitlines() if line.strip()]


def imports_of(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found.update([node.module.split(".")[0]] if node.module else [alias.name for alias in node.names])
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("dskg."):
            found.add(node.module.split(".")[1])
    return found


def test_the_architecture_section_names_every_module():
    modules = {path.stem for path in PACKAGE.glob("*.py")}
    order = architecture_order()
    assert sorted(modules - set(order) - USED_BY_ALL) == [], "modules the README's Architecture section does not name"
    assert sorted(set(order) - modules) == [], "the README's Architecture section names modules that do not exist"


def test_imports_point_up_the_architecture_list():
    order = architecture_order()
    back_edges = {
        (module, imported)
        for module in order
        for imported in imports_of(module)
        if imported in order and imported not in USED_BY_ALL and order.index(imported) > order.index(module)
    }
    assert back_edges <= NAMED_EXCEPTIONS, f"imports against the README's Architecture order: {sorted(back_edges - NAMED_EXCEPTIONS)}"
