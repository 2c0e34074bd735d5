# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


def uninstall_hook(env):
    """Remove the technical parameters of lead scoring (no XML id holds them)."""
    # sudo: technical parameters, removed with the addon
    env["ir.config_parameter"].sudo().search(
        [("key", "in", ["crm_suite.score_progress", "crm_suite.score_full_since"])]
    ).unlink()
    # Email Marketing's actions get their own domain back (ours names a field
    # that leaves with the addon)
    for xmlid in (
        "mass_mailing.mailing_mailing_action_mail",
        "mass_mailing.action_view_mass_mailings_from_campaign",
    ):
        action = env.ref(xmlid, raise_if_not_found=False)
        if action:
            action.domain = "[('mailing_type', '=', 'mail')]"
