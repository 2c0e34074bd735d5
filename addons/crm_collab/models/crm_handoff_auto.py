# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Handoffs created by events (inherited by ``crm.handoff``): a lead turning
hot (marketing to sales), an opportunity won (sales to onboarding). Once per
event: one automatic handoff per document and trigger, ever (a unique index
backs the search)."""

from datetime import timedelta

from odoo import api, fields, models

HOT_DUE_DAYS = 1
WON_DUE_DAYS = 3


class CrmHandoffAuto(models.AbstractModel):
    _name = "crm.handoff.auto"
    _description = "Automatic Handoffs"

    @api.model
    def _create_automatic(self, trigger, records, values_of):
        """Create the ``trigger`` handoffs of ``records`` that have none yet,
        in one search and one create; ``values_of(record)`` gives a
        handoff's values (or None to skip the record)."""
        if not records:
            return self.browse()
        # sudo: the event is the company's process, whoever caused it
        Handoff = self.env["crm.handoff"].sudo()
        done = set(
            Handoff.with_context(active_test=False)
            .search(
                [
                    ("res_model", "=", records._name),
                    ("res_id", "in", records.ids),
                    ("trigger", "=", trigger),
                ]
            )
            .mapped("res_id")
        )
        vals_list = []
        for record in records:
            if record.id in done:
                continue
            vals = values_of(record)
            if vals:
                vals_list.append(
                    dict(
                        vals, trigger=trigger, res_model=record._name, res_id=record.id
                    )
                )
        return Handoff.create(vals_list)

    @api.model
    def _create_for_hot_leads(self, leads):
        """Marketing to sales: the leads of teams with ``crm_handoff_on_hot``
        go to their team and salesperson."""
        leads = leads.filtered(
            lambda lead: lead.active
            and lead.team_id.crm_handoff_on_hot
            and not lead.stage_id.is_won
        )
        due = fields.Datetime.now() + timedelta(days=HOT_DUE_DAYS)

        def values_of(lead):
            return {
                "name": self.env._("Hot lead: %(lead)s", lead=lead.name),
                "company_id": (lead.company_id or lead.team_id.company_id).id
                or self.env.company.id,
                "partner_id": lead.partner_id.id,
                "from_user_id": False,
                "to_team_id": lead.team_id.id,
                "to_user_id": lead.user_id.id,
                "date_due": due,
                "note": self.env._(
                    "The lead's score reached %(score)s: it is hot.", score=lead.score
                ),
            }

        return self._create_automatic("hot", leads, values_of)

    @api.model
    def _create_for_won_leads(self, leads):
        """Sales to onboarding: each won opportunity goes to its company's
        ``crm_handoff_won_team_id`` (no team set, no handoff)."""
        # no onboarding team, no handoff (and no query)
        leads = leads.filtered(
            lambda lead: (lead.company_id or self.env.company).crm_handoff_won_team_id
        )
        due = fields.Datetime.now() + timedelta(days=WON_DUE_DAYS)

        def values_of(lead):
            company = lead.company_id or self.env.company
            team = company.crm_handoff_won_team_id
            return {
                "name": self.env._("Won: %(lead)s", lead=lead.name),
                "company_id": company.id,
                "partner_id": lead.partner_id.id,
                "from_team_id": lead.team_id.id,
                "from_user_id": lead.user_id.id,
                "to_ticket_team_id": team.id,
                "date_due": due,
                "note": self.env._(
                    "Won by %(user)s: please onboard the customer.",
                    user=lead.user_id.name or self.env._("the sales team"),
                ),
            }

        return self._create_automatic("won", leads, values_of)
