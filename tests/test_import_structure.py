"""The shape of the project's imports: no circles, views reach the gateway only for its types.

The modules are read with `ast`, not imported: an import inside a function counts like one at
the top of the module (it runs sooner or later), and so does `importlib.import_module("x")`
with a literal name; one under `if TYPE_CHECKING:` does not.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("backoffice", "debtors", "plans")
PACKAGES = (*APPS, "sandbox")
SKIPPED_DIRS = {"migrations", "__pycache__"}
VIEW_PACKAGES = ("debtors.views", "plans.views")
GATEWAY_TYPE_MODULES = {"backoffice.gateway.errors", "backoffice.gateway.types"}
ENUM_BASES = {"Enum", "IntEnum", "StrEnum", "Flag", "Choices", "IntegerChoices", "TextChoices"}
# The project's wiring may name the sandbox (it is mounted in development); nothing else may.
SANDBOX_ALLOWED_IMPORTERS = {"backoffice.settings", "backoffice.urls"}


@dataclass(frozen=True)
class Import:
    """One imported module, and the names taken from it (empty for `import x`)."""

    module: str
    names: tuple[str, ...]
    line: int


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if SKIPPED_DIRS.isdisjoint(path.relative_to(ROOT).parts):
                modules[_module_name(path)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _is_import_module(node: ast.AST) -> bool:
    """`import_module("literal")` or `importlib.import_module("literal")`."""
    return (
        isinstance(node, ast.Call)
        and ast.unparse(node.func) in {"import_module", "importlib.import_module"}
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    )


def _import_nodes(node: ast.AST):
    """Every import under `node`, skipping the bodies of `if TYPE_CHECKING:`."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child
        elif _is_import_module(child):
            yield child
            yield from _import_nodes(child)
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for orelse in child.orelse:
                yield from _import_nodes(ast.Module(body=[orelse], type_ignores=[]))
        else:
            yield from _import_nodes(child)


def imports_of(module: str, path: Path) -> list[Import]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in _import_nodes(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call):
            found.append(Import(node.args[0].value, (), node.lineno))
            continue
        if isinstance(node, ast.Import):
            found += [Import(alias.name, (), node.lineno) for alias in node.names]
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join([*anchor, base] if base else anchor)
        found.append(Import(base, tuple(alias.name for alias in node.names), node.lineno))
    return found


def edges_of(imported: Import, modules: dict[str, Path]) -> set[str]:
    """The project modules one import statement loads by name (`from a import b` may be a.b)."""
    targets = set()
    submodules = {f"{imported.module}.{name}" for name in imported.names} & modules.keys()
    targets |= submodules
    if len(submodules) < len(imported.names) or not imported.names:
        module = imported.module
        while module and module not in modules:
            module = module.rpartition(".")[0]
        if module:
            targets.add(module)
    return targets


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    graph = {}
    for module, path in modules.items():
        imports = imports_of(module, path)
        graph[module] = {target for imported in imports for target in edges_of(imported, modules)}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module, and modules importing themselves.

    Tarjan's algorithm, iterative so that a deep chain of imports cannot hit the recursion limit.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            target = next(targets, None)
            if target is not None:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph.get(target, ())))))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    found.append(sorted(component))
    return sorted(found)


def _describe(component: list[str], graph: dict[str, set[str]]) -> str:
    members = set(component)
    links = [
        f"    {module} -> {target}"
        for module in component
        for target in sorted(graph[module] & members)
    ]
    return "\n".join([" <-> ".join(component), *links])


def _gateway_public_names() -> set[str]:
    """The exception classes of gateway/errors.py and the dataclasses and enums of types.py."""
    names = set()
    errors = ast.parse((ROOT / "backoffice/gateway/errors.py").read_text())
    names |= {node.name for node in errors.body if isinstance(node, ast.ClassDef)}
    types = ast.parse((ROOT / "backoffice/gateway/types.py").read_text())
    for node in types.body:
        if not isinstance(node, ast.ClassDef):
            continue
        decorators = {ast.unparse(d).split("(")[0].rpartition(".")[2] for d in node.decorator_list}
        bases = {ast.unparse(b).rpartition(".")[2] for b in node.bases}
        if "dataclass" in decorators or bases & (ENUM_BASES | names):
            names.add(node.name)
    return names - {"F", "Filter"}


def test_checker_finds_a_cycle_and_ignores_a_self_free_chain():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"d"}, "e": {"a"}}
    assert cycles(graph) == [["a", "b", "c"], ["d"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_checker_skips_type_checking_imports(tmp_path):
    source = tmp_path / "example.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from backoffice import roles\n"
        "def later():\n"
        "    from backoffice.audit import services\n"
        "    return importlib.import_module('sandbox.seed')\n"
    )
    assert [i.module for i in imports_of("example", source)] == [
        "typing",
        "backoffice.audit",
        "sandbox.seed",
    ]


def test_no_import_cycles():
    graph = import_graph()
    found = cycles(graph)
    assert not found, "Import cycles:\n" + "\n".join(_describe(c, graph) for c in found)


def test_views_take_only_types_and_errors_from_the_gateway():
    modules = project_modules()
    allowed = _gateway_public_names()
    offenders = []
    for module, path in modules.items():
        if not module.startswith(VIEW_PACKAGES):
            continue
        for imported in imports_of(module, path):
            if not (imported.module + ".").startswith("backoffice.gateway."):
                continue
            if imported.module in GATEWAY_TYPE_MODULES:
                taken = set(imported.names) - allowed
            elif imported.module == "backoffice.gateway":
                modules_taken = {name.rpartition(".")[2] for name in GATEWAY_TYPE_MODULES}
                taken = set(imported.names or ["<module>"]) - allowed - modules_taken
            else:
                taken = set(imported.names) or {"<module>"}
            if taken:
                offenders.append(
                    f"{path.relative_to(ROOT)}:{imported.line}: "
                    f"{imported.module} {', '.join(sorted(taken))}"
                )
    assert not offenders, "Views importing gateway internals:\n" + "\n".join(offenders)


def test_apps_do_not_import_the_sandbox():
    modules = project_modules()
    offenders = [
        f"{path.relative_to(ROOT)}:{imported.line}: {imported.module}"
        for module, path in modules.items()
        if module.split(".")[0] in APPS and module not in SANDBOX_ALLOWED_IMPORTERS
        for imported in imports_of(module, path)
        if (imported.module + ".").startswith("sandbox.")
    ]
    assert not offenders, "App modules importing the sandbox:\n" + "\n".join(offenders)
