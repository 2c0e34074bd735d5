# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, format_datetime

from .crm_lead_score_sql import INTERACTION_SQL

# precommit data: {user id: lead ids} to warn about when the transaction commits
COLLISION_KEY = "crm_suite.collision_pending"


class CrmLeadCollision(models.AbstractModel):
    """Collision guard: warn a salesperson who is about to contact a customer
    that a colleague contacted in the last N days (the team's window)."""

    _name = "crm.lead.collision"
    _description = "Lead Collision Guard"

    def _collision_last_contacts(self, user):
        """The latest interaction of another internal user than ``user`` with
        each lead's customer company (its leads or its contacts) within the
        lead's team window, in one query whatever the number of leads.

        :return: {lead id: dict(user=res.users, date=datetime)} (leads without
            such an interaction are left out)
        """
        now = fields.Datetime.now()
        keys = {}
        for lead in self:
            days = lead.team_id.collision_days
            if lead.partner_id and days > 0:
                keys[lead.id] = (lead.partner_id.commercial_partner_id.id, days)
        if not keys:
            return {}
        targets = sorted(set(keys.values()))
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT t.cp, t.days, last.uid, last.date
                FROM unnest(%(cps)s::int[], %(days)s::int[], %(since)s::timestamp[])
                     AS t(cp, days, since)
                CROSS JOIN LATERAL (
                    SELECT u.id AS uid, m.date FROM mail_message m
                    JOIN res_users u ON u.partner_id = m.author_id
                    WHERE m.date >= t.since AND %(interaction)s
                      AND u.id != %(uid)s AND u.active AND NOT u.share
                      AND ((m.model = 'res.partner' AND m.res_id IN (
                                SELECT id FROM res_partner
                                WHERE commercial_partner_id = t.cp))
                        OR (m.model = 'crm.lead' AND m.res_id IN (
                                SELECT id FROM crm_lead WHERE partner_id IN (
                                    SELECT id FROM res_partner
                                    WHERE commercial_partner_id = t.cp))))
                    ORDER BY m.date DESC LIMIT 1
                ) last
                """,
                cps=[cp for cp, __ in targets],
                days=[days for __, days in targets],
                since=[now - timedelta(days=days) for __, days in targets],
                interaction=INTERACTION_SQL,
                uid=user.id,
            )
        )
        Users = self.env["res.users"]
        found = {
            (cp, days): {"user": Users.browse(uid), "date": date}
            for cp, days, uid, date in self.env.cr.fetchall()
        }
        return {lead_id: found[key] for lead_id, key in keys.items() if key in found}

    def _collision_message(self, contact, partner):
        return self.env._(
            "%(user)s contacted %(customer)s on %(date)s.",
            # sudo: a colleague's name, which every internal user may see
            user=contact["user"].sudo().name,
            customer=partner.commercial_partner_id.display_name,
            date=format_datetime(self.env, contact["date"]),
        )

    def _collision_warnings(self, user):
        """{lead: the warning ``user`` gets about it} for these leads."""
        contacts = self._collision_last_contacts(user)
        return {
            lead: lead._collision_message(contacts[lead.id], lead.partner_id)
            for lead in self
            if lead.id in contacts
        }

    def _collision_warn(self, user):
        """Warn ``user`` (a browser notification) for each lead whose customer
        a colleague contacted within the team's window; return the warnings."""
        warnings = list(self._collision_warnings(user).values())
        if warnings:
            user._bus_send(
                "simple_notification",
                {
                    "type": "warning",
                    "title": self.env._("A colleague is already in touch"),
                    "message": "\n".join(warnings),
                    "sticky": False,
                },
            )
        return warnings

    def _collision_warn_later(self, user):
        """Warn ``user`` about these leads' customers when the transaction
        commits (one check for all leads, whatever was posted or scheduled)."""
        leads = self.filtered(
            lambda lead: lead.partner_id and lead.team_id.collision_days
        )
        if not leads or user.share:
            return
        data = self.env.cr.precommit.data
        pending = data.get(COLLISION_KEY)
        if pending is None:
            pending = data[COLLISION_KEY] = defaultdict(set)
            # sudo: the check reads colleagues' messages, not only the user's
            self.env.cr.precommit.add(self.sudo()._collision_flush_pending)
        pending[user.id].update(leads.ids)

    @api.model
    def _collision_flush_pending(self):
        pending = self.env.cr.precommit.data.pop(COLLISION_KEY, None) or {}
        for user_id, lead_ids in pending.items():
            self.browse(sorted(lead_ids)).exists()._collision_warn(
                self.env["res.users"].browse(user_id)
            )
