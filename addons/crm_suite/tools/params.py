# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""System parameters that hold a number."""

from ..engines.numbers import positive_number


def get_param(env, key):
    """The text of system parameter ``key`` (None when unset), for any user."""
    # sudo: system parameters are for administrators; these ones are only read
    return env["ir.config_parameter"].sudo().get_param(key)


def get_positive_param(env, key, default):
    """The positive number of system parameter ``key``, else ``default``."""
    return positive_number(get_param(env, key), default)
