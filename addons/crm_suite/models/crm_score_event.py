# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from .crm_score_rule import ENGAGEMENT_EVENTS


class CrmScoreEvent(models.Model):
    """Something a lead or a contact did, recorded where it happened.

    Events are kept whatever rules exist, so a rule created later scores the
    past too. An event on a lead counts for that lead; an event on a contact
    counts for every lead of that contact.
    """

    _name = "crm.score.event"
    _description = "Lead Scoring Event"
    _order = "date desc, id desc"
    _rec_name = "event_type"

    event_type = fields.Selection(ENGAGEMENT_EVENTS, required=True, index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    lead_id = fields.Many2one("crm.lead", ondelete="cascade", index="btree_not_null")
    partner_id = fields.Many2one(
        "res.partner", ondelete="cascade", index="btree_not_null"
    )
    res_model = fields.Char(string="Source Model", required=True)
    res_id = fields.Many2oneReference(string="Source Record", model_field="res_model")
    # The company of the lead, else of the contact, else the one the event
    # was recorded in: record rules keep events within their company.
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )

    def init(self):
        # One event per source record and moment: replaying a hook (or a
        # crashed job that runs again) records nothing twice.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS crm_score_event_source_uniq
            ON crm_score_event (event_type, res_model, res_id, date,
                                COALESCE(lead_id, 0), COALESCE(partner_id, 0))
            """
        )

    @api.model
    def _companies_of(self, model, ids):
        """{id: company id} of the records ``ids`` of ``model`` (one query)."""
        if not ids:
            return {}
        Model = self.env[model]
        Model.flush_model(["company_id"])
        self.env.cr.execute(
            SQL(
                "SELECT id, company_id FROM %s WHERE id = ANY(%s)",
                SQL.identifier(Model._table),
                list(ids),
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _event_companies(self, events):
        """The company of each event: the one given, else its lead's, else
        its contact's, else the current company (two queries in all)."""
        lead_company = self._companies_of(
            "crm.lead", {e["lead_id"] for e in events if e.get("lead_id")}
        )
        partner_company = self._companies_of(
            "res.partner", {e["partner_id"] for e in events if e.get("partner_id")}
        )
        return [
            event.get("company_id")
            or lead_company.get(event.get("lead_id"))
            or partner_company.get(event.get("partner_id"))
            or self.env.company.id
            for event in events
        ]

    @api.model
    def _record(self, events):
        """Record engagement events and rescore the leads they count for.

        :param events: list of dicts with ``event_type``, ``res_model``,
            ``res_id``, ``date`` and ``lead_id`` or ``partner_id``.
        :return: ids of the events recorded now (already known ones are skipped)
        """
        events = [e for e in events if e.get("lead_id") or e.get("partner_id")]
        if not events:
            return []
        now = fields.Datetime.now()
        companies = self._event_companies(events)
        rows = [
            SQL(
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                event["event_type"],
                event.get("date") or now,
                event.get("lead_id") or None,
                event.get("partner_id") or None,
                event["res_model"],
                event.get("res_id") or 0,
                companies[index],
                self.env.uid,
                now,
                self.env.uid,
                now,
            )
            for index, event in enumerate(events)
        ]
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO crm_score_event (event_type, date, lead_id, partner_id,
                    res_model, res_id, company_id, create_uid, create_date,
                    write_uid, write_date)
                VALUES %s
                ON CONFLICT DO NOTHING
                RETURNING id, lead_id, partner_id
                """,
                SQL(", ").join(rows),
            )
        )
        inserted = self.env.cr.fetchall()
        if not inserted:
            return []
        lead_ids = {lead_id for __, lead_id, __ in inserted if lead_id}
        partner_ids = {partner_id for __, __, partner_id in inserted if partner_id}
        # sudo: events come from any user's action (a tracking pixel, a mail
        # reply, a done activity); the score they change is the same for all.
        Lead = self.env["crm.lead"].sudo()
        leads = Lead.browse(lead_ids)
        if partner_ids:
            leads |= Lead.search([("partner_id", "in", list(partner_ids))])
        leads._score_recompute_later()
        return [event_id for event_id, __, __ in inserted]
