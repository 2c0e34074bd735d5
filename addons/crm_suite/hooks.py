# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


def uninstall_hook(env):
    """Remove the technical parameters of lead scoring (no XML id holds them)."""
    # sudo: technical parameters, removed with the addon
    env["ir.config_parameter"].sudo().search(
        [("key", "in", ["crm_suite.score_progress", "crm_suite.score_full_since"])]
    ).unlink()
