# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every engine module imports without Odoo, and its doctests pass."""

import ast
import doctest
import importlib

import pytest
from engine_loader import ENGINE_DIRS, engine_modules

MODULES = list(engine_modules())


def test_there_are_engines():
    assert any(path.parent.name == "crm_suite" for path in ENGINE_DIRS)
    assert len(MODULES) > 2


@pytest.mark.parametrize("name,file", MODULES, ids=[name for name, _ in MODULES])
def test_engine_imports_no_odoo(name, file):
    tree = ast.parse(file.read_text(), str(file))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots = [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            # an engine may import its sibling engines (level 1), nothing above
            assert node.level <= 1, f"{file.name}:{node.lineno} imports above engines/"
            roots = [(node.module or "").split(".")[0]] if not node.level else []
        else:
            continue
        assert "odoo" not in roots, f"{file.name}:{node.lineno} imports Odoo"
        assert "psycopg2" not in roots, f"{file.name}:{node.lineno} imports psycopg2"
    importlib.import_module(name)


@pytest.mark.parametrize("name,file", MODULES, ids=[name for name, _ in MODULES])
def test_engine_doctests(name, file):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, report=True)
    assert result.failed == 0, f"{result.failed} doctest(s) of {name} failed"
