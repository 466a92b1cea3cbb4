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


SEAM = PACKAGE / "fast"
PYTHON_DUNDERS = {name for kind in (object, type, int, str, dict, list, type(len), type(ast), BaseException) for name in dir(kind)} | {
    "__future__",
    "__file__",
    "__name__",
    "__version__",
    "__wrapped__",
    "__annotations__",
    "__qualname__",
    "__module__",
    "__slots__",
    "__all__",
    "__path__",
    "__spec__",
    "__func__",
    "__self__",
    "__code__",
    "__defaults__",
    "__globals__",
}


def _outside_the_seam() -> list[Path]:
    return [path for path in sorted(PACKAGE.rglob("*.py")) if SEAM not in path.parents]


def _names_dskg_defines() -> set[str]:
    """Every name dskg's own code gives a function, class, attribute or variable: those may start with _."""
    names: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and isinstance(node.value, ast.Name):
                if node.value.id in ("self", "cls"):
                    names.add(node.attr)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
    return names


NAMEDTUPLE_API = {"_replace", "_asdict", "_fields", "_make", "_field_defaults"}
"""Public despite the underscore: namedtuple's documented methods (urllib.parse results are namedtuples)."""


def _is_private(name: str, own: set[str]) -> bool:
    if name in NAMEDTUPLE_API:
        return False
    if name.startswith("__") and name.endswith("__"):
        return name not in PYTHON_DUNDERS
    return name.startswith("_") and name not in own


def private_names_used(path: Path, own: set[str]) -> list[str]:
    """The private names of other libraries a module uses: `lib._module`, `from lib import _name`,
    `x._attr` (or getattr/setattr with "_attr") for an attribute dskg does not define, and
    dunders Python does not define (pydantic's `__pydantic_private__`)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        where = f"{path.name}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            found += [f"{where} import {a.name}" for a in node.names if any(p.startswith("_") for p in a.name.split("."))]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and node.module != "__future__":
            if any(part.startswith("_") for part in node.module.split(".")):
                found.append(f"{where} from {node.module}")
            found += [f"{where} from {node.module} import {a.name}" for a in node.names if a.name.startswith("_")]
        elif isinstance(node, ast.Attribute) and _is_private(node.attr, own):
            found.append(f"{where} .{node.attr}")
        elif isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute)):
            called = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
            if called in ("getattr", "setattr", "hasattr", "delattr", "__setattr__", "__getattribute__"):
                for arg in node.args[1:2]:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and _is_private(arg.value, own):
                        found.append(f"{where} {called}(..., {arg.value!r})")
    return found


def test_no_private_name_of_another_library_outside_the_speed_seam():
    """Private names of rdflib, oxrdflib, pydantic... change without notice: only fast/ may use them,
    where each has a reference path and pyproject pins the versions they need."""
    own = _names_dskg_defines()
    found = [hit for path in _outside_the_seam() for hit in private_names_used(path, own)]
    assert found == [], "private names of other libraries outside src/dskg/fast/:\n" + "\n".join(found)


def test_the_private_name_scan_sees_each_kind_of_private_use(tmp_path):
    """The scan above is only as good as what it recognises: each form is caught, and dskg's own names are not."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from oxrdflib._converter import from_ox\n"
        "import rdflib.plugins._private\n"
        "from rdflib.term import _is_valid_uri\n"
        "literal._language = 'en'\n"
        "x = model.__pydantic_private__\n"
        "object.__setattr__(record, '__pydantic_fields_set__', set())\n"
        "store._inner\n"
        "self._mine = 1\n"
        "obj._mine\n"
        "type(x).__name__\n",
        encoding="utf-8",
    )
    hits = private_names_used(sample, own={"_mine"})
    assert sorted(hit.split(" ", 1)[1] for hit in hits) == sorted(
        [
            "from oxrdflib._converter",
            "import rdflib.plugins._private",
            "from rdflib.term import _is_valid_uri",
            "._language",
            ".__pydantic_private__",
            "__setattr__(..., '__pydantic_fields_set__')",
            "._inner",
        ]
    )


SEAM_MAY_IMPORT = {"errors", "fileread", "fast"}


def _dskg_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 2:  # from ..x import y
            found.update([node.module.split(".")[0]] if node.module else [a.name for a in node.names])
        elif isinstance(node, ast.ImportFrom) and node.level == 1:  # from . / from .x: the seam itself
            found.add("fast")
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("dskg."):
            found.add(node.module.split(".")[1])
    return found


def test_the_seam_stands_apart_and_every_trick_has_its_reference_path():
    """fast/ sits under the domain (it imports nothing of it but errors and the file reader), and
    each of its modules asks `enabled()`, i.e. has a path for DSKG_REFERENCE_PATH=1."""
    modules = [path for path in sorted(SEAM.glob("*.py")) if path.name != "__init__.py"]
    assert modules, "no module in src/dskg/fast/"
    for path in modules:
        assert _dskg_imports(path) <= SEAM_MAY_IMPORT, f"fast/{path.name} imports {sorted(_dskg_imports(path) - SEAM_MAY_IMPORT)}"
        assert "enabled()" in path.read_text(encoding="utf-8"), f"fast/{path.name} has no reference path (never asks enabled())"


MAX_MODULE_LINES = 450


def test_no_module_outside_the_seam_is_over_450_lines():
    """A module a reader can hold in mind; past that it does more than one job (ruff's C901 keeps functions small)."""
    long = {path.name: n for path in _outside_the_seam() if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}, f"modules over {MAX_MODULE_LINES} lines: {long}"
