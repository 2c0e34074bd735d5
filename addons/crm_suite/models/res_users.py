# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    ticket_language_ids = fields.Many2many(
        "res.lang",
        "crm_ticket_user_lang_rel",
        "user_id",
        "lang_id",
        string="Support Languages",
        help="Languages this agent answers tickets in. Assignment prefers an "
        "agent who speaks the customer's language.",
    )
    ticket_team_ids = fields.Many2many(
        "crm.ticket.team",
        "crm_ticket_team_member_rel",
        "user_id",
        "team_id",
        string="Ticket Teams",
    )

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        users._crm_suite_set_default_home()
        return users

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + ["ticket_language_ids"]

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return super().SELF_WRITEABLE_FIELDS + ["ticket_language_ids"]

    @api.model
    def _crm_suite_home_action(self):
        """The first screen of CRM Suite for the current user, after their role: an
        agent (in a ticket team, not a sales team) gets their tickets by SLA deadline,
        a marketer (mass mailing, in neither team) the running campaigns, anyone else
        their hot leads."""
        user = self.env.user
        in_sales_team = bool(user.crm_team_ids)
        if user.ticket_team_ids and not in_sales_team:
            xmlid = "crm_suite.crm_ticket_action_my"
        elif not in_sales_team and user._has_group(
            "mass_mailing.group_mass_mailing_user"
        ):
            xmlid = "crm_suite.crm_drip_campaign_action_running"
        else:
            xmlid = "crm_suite.crm_lead_action_my_hot"
        return self.env["ir.actions.act_window"]._for_xml_id(xmlid)

    def _crm_suite_set_default_home(self):
        """CRM Suite users start in CRM Suite, not in Discuss: those of ``self``
        without a home action get its home screen; a home action chosen (at
        creation or later) is left alone. Run for new users, and once at install
        for the users already in the group (the administrator)."""
        home = self.env.ref("crm_suite.crm_suite_action_home", raise_if_not_found=False)
        if home:
            self.filtered(
                lambda user: not user.action_id
                and user._has_group("crm_suite.group_crm_suite_user")
            ).write({"action_id": home.id})

    @api.model
    def _crm_suite_set_default_home_at_install(self):
        self.search([("share", "=", False)])._crm_suite_set_default_home()
