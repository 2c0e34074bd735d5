# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The engines' tests need neither Odoo nor a database: ``engine_loader`` imports
each addon's ``engines`` package as ``<addon>_engines`` with Odoo made unimportable."""

import engine_loader  # noqa: F401  (loads the packages before the tests import them)
