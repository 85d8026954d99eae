"""The package's structure: no import cycle (imports inside functions count), no module
reaching into another's private names, one version."""

import ast
import pathlib
import tomllib

import refsim

SRC = pathlib.Path(refsim.__file__).resolve().parent
ROOT = SRC.parents[1]


def module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: pathlib.Path):
    """(module imported, names taken) for every import in the file, at any depth."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if (SRC.parent / (sub.replace(".", "/") + ".py")).exists() \
                        or (SRC.parent / sub.replace(".", "/")).is_dir():
                    yield sub, None  # a submodule
                else:
                    yield target, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None


def graph():
    files = {module_name(p): p for p in SRC.rglob("*.py")}
    edges = {}
    for mod, path in files.items():
        edges[mod] = {t for t, _ in imports(path) if t in files and t != mod}
    return files, edges


def test_no_import_cycle():
    """A package's __init__ may import its own submodules (it hands their names on);
    every other import must point down a hierarchy."""
    files, edges = graph()
    for mod in edges:  # drop a package's imports of its own submodules
        if files[mod].name == "__init__.py":
            edges[mod] = {t for t in edges[mod] if not t.startswith(mod + ".")}
    state, stack = {}, []

    def visit(m):
        state[m] = "open"
        stack.append(m)
        for t in sorted(edges[m]):
            if state.get(t) == "open":
                cycle = stack[stack.index(t):] + [t]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if t not in state:
                visit(t)
        stack.pop()
        state[m] = "done"

    for m in sorted(edges):
        if m not in state:
            visit(m)


def test_no_private_names_across_modules():
    files, _ = graph()
    found = []
    for mod, path in files.items():
        for target, name in imports(path):
            if target.startswith("refsim") and target != mod and name \
                    and name.startswith("_") and not name.startswith("__"):
                found.append(f"{mod} imports {target}.{name}")
    assert not found, found


def test_one_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert refsim.__version__ == project["version"]
