# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Load the addons' ``engines/`` packages on their own: no Odoo, no database.

Each addon's ``engines`` folder is imported as a top-level package named
``<addon>_engines`` (``crm_suite_engines.working_time``), with ``odoo`` made
unimportable first, so an engine that imports Odoo fails here at once.
"""

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ENGINE_DIRS = sorted(
    path
    for path in (REPO / "addons").glob("*/engines")
    if (path / "__init__.py").is_file()
)


def engine_package_name(path):
    return f"{path.parent.name}_engines"


def load_engine_package(path):
    name = engine_package_name(path)
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        name, path / "__init__.py", submodule_search_locations=[str(path)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def engine_modules():
    """(dotted name, file) of every engine module, packages first."""
    for path in ENGINE_DIRS:
        package = engine_package_name(path)
        yield package, path / "__init__.py"
        for file in sorted(path.glob("*.py")):
            if file.name != "__init__.py":
                yield f"{package}.{file.stem}", file


# an engine must not import Odoo: make it fail loudly if one does
for _module in [m for m in sys.modules if m == "odoo" or m.startswith("odoo.")]:
    del sys.modules[_module]
sys.modules["odoo"] = None
for _path in ENGINE_DIRS:
    load_engine_package(_path)
