# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL

from odoo.addons.rating.models.rating_data import (
    RATING_LIMIT_MIN,
    RATING_LIMIT_SATISFIED,
)

from ..models.crm_ticket import TICKET_CHANNELS, TICKET_PRIORITIES


class CrmTicketReport(models.Model):
    """Ticket analysis: one row per active ticket, with its working-hour
    times, its SLA outcome and its customer rating (a SQL view)."""

    _name = "crm.ticket.report"
    _description = "Ticket Analysis"
    _auto = False
    _rec_name = "number"
    _order = "create_date desc, id desc"
    # the search on the view flushes what it reads
    _depends = {
        "crm.ticket": [
            "number",
            "name",
            "active",
            "team_id",
            "user_id",
            "type_id",
            "stage_id",
            "partner_id",
            "commercial_partner_id",
            "company_id",
            "priority",
            "channel",
            "create_date",
            "close_date",
            "is_closed",
            "first_response_date",
            "first_response_hours",
            "resolution_hours",
        ],
        "crm.ticket.sla.status": [
            "ticket_id",
            "reached_date",
            "reached_late",
            "deadline",
        ],
        "rating.rating": ["res_model", "res_id", "rating", "consumed", "write_date"],
    }

    # the ticket
    ticket_id = fields.Many2one("crm.ticket", string="Ticket", readonly=True)
    number = fields.Char(string="Ticket Number", readonly=True)
    name = fields.Char(string="Subject", readonly=True)
    team_id = fields.Many2one("crm.ticket.team", string="Team", readonly=True)
    user_id = fields.Many2one("res.users", string="Assigned To", readonly=True)
    type_id = fields.Many2one("crm.ticket.type", string="Type", readonly=True)
    stage_id = fields.Many2one("crm.ticket.stage", string="Stage", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    commercial_partner_id = fields.Many2one(
        "res.partner", string="Customer Company", readonly=True
    )
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    priority = fields.Selection(TICKET_PRIORITIES, readonly=True)
    channel = fields.Selection(TICKET_CHANNELS, readonly=True)
    create_date = fields.Datetime(string="Opened On", readonly=True)
    close_date = fields.Datetime(string="Closed On", readonly=True)
    is_closed = fields.Boolean(string="Closed", readonly=True)
    ticket_count = fields.Integer(string="# Tickets", readonly=True)
    is_answered = fields.Boolean(string="Answered", readonly=True)
    # times, in the working hours of the ticket's team
    first_response_hours = fields.Float(
        string="First Response (Working Hours)",
        readonly=True,
        aggregator="avg",
        help="Working hours from the opening to the first public answer of an "
        "agent; empty while the ticket has no answer.",
    )
    resolution_hours = fields.Float(
        string="Resolution (Working Hours)",
        readonly=True,
        aggregator="avg",
        help="Working hours from the opening to the closing; empty for open "
        "tickets.",
    )
    backlog_age_days = fields.Float(
        string="Backlog Age (Days)",
        readonly=True,
        aggregator="avg",
        help="Calendar days an open ticket has been waiting since it was opened; "
        "empty for closed tickets.",
    )
    # SLA
    sla_status_count = fields.Integer(string="# SLA Targets", readonly=True)
    sla_success_rate = fields.Float(
        string="SLA Success (%)",
        readonly=True,
        aggregator="avg",
        help="Targets reached in time, in percent of the targets decided: "
        "reached in time or failed (a target still running and not late yet "
        "is left out); empty for a ticket without a decided target. Averaged "
        "over tickets, as on the Service Overview.",
    )
    sla_failed = fields.Boolean(
        string="SLA Failed",
        readonly=True,
        help="A target of the ticket was reached late, or its deadline passed "
        "unreached.",
    )
    # customer satisfaction
    rating_last_value = fields.Float(
        string="Last Rating (1-5)",
        readonly=True,
        aggregator="avg",
        help="The customer's last rating of the ticket, from 1 (unhappy) to 5 "
        "(happy); empty when the customer has not rated it.",
    )
    rating_avg = fields.Float(
        string="CSAT (1-5)",
        readonly=True,
        aggregator="avg",
        help="Customer satisfaction: the average of the ticket's ratings, from 1 "
        "(unhappy) to 5 (happy). Tickets without a rating are left out of the "
        "average.",
    )
    rating_satisfaction = fields.Float(
        string="Satisfied (%)",
        readonly=True,
        aggregator="avg",
        help="Percentage of the ticket's ratings that are satisfied (4 or 5 out "
        "of 5). Tickets without a rating are left out of the average.",
    )

    def _now_sql(self):
        return SQL("(now() AT TIME ZONE 'UTC')")

    def _select(self):
        """The view's columns, from the ticket ``t``, its SLA figures ``sla``
        and its ratings ``rt`` (see ``_from``)."""
        return SQL(
            """
                t.id AS id,
                t.id AS ticket_id,
                t.number,
                t.name,
                t.team_id,
                t.user_id,
                t.type_id,
                t.stage_id,
                t.partner_id,
                t.commercial_partner_id,
                t.company_id,
                t.priority,
                t.channel,
                t.create_date,
                t.close_date,
                COALESCE(t.is_closed, FALSE) AS is_closed,
                1 AS ticket_count,
                t.first_response_date IS NOT NULL AS is_answered,
                CASE WHEN t.first_response_date IS NOT NULL
                     THEN t.first_response_hours END AS first_response_hours,
                CASE WHEN t.is_closed AND t.close_date IS NOT NULL
                     THEN t.resolution_hours END AS resolution_hours,
                CASE WHEN NOT COALESCE(t.is_closed, FALSE)
                     THEN EXTRACT(EPOCH FROM %(now)s - t.create_date) / 86400.0
                     END AS backlog_age_days,
                COALESCE(sla.status_count, 0) AS sla_status_count,
                sla.success_rate AS sla_success_rate,
                COALESCE(sla.failed, FALSE) AS sla_failed,
                rt.last_value AS rating_last_value,
                rt.avg_value AS rating_avg,
                rt.satisfaction AS rating_satisfaction
            """,
            now=self._now_sql(),
        )

    def _from_sla(self):
        """Per ticket: its SLA targets, their success rate and whether one
        failed, by the definitions of ``crm.ticket.sla.status`` (one rule for
        the model, the dashboard and this report)."""
        Status = self.env["crm.ticket.sla.status"]
        now = self._now_sql()
        return SQL(
            """
                SELECT s.ticket_id,
                       count(*) AS status_count,
                       %(success_rate)s AS success_rate,
                       bool_or(%(failed)s) AS failed
                  FROM crm_ticket_sla_status s
              GROUP BY s.ticket_id
            """,
            success_rate=Status._success_rate_sql("s", now),
            failed=Status._failed_sql("s", now),
        )

    def _from_rating(self):
        """Per ticket: its last, average and satisfied share of ratings."""
        return SQL(
            """
                SELECT r.res_id,
                       (array_agg(r.rating ORDER BY r.write_date DESC, r.id DESC))[1]
                           AS last_value,
                       avg(r.rating) AS avg_value,
                       100.0 * count(*) FILTER (WHERE r.rating >= %(satisfied)s)
                           / count(*) AS satisfaction
                  FROM rating_rating r
                 WHERE r.res_model = 'crm.ticket'
                   AND r.consumed
                   AND r.rating >= %(rating_min)s
              GROUP BY r.res_id
            """,
            satisfied=RATING_LIMIT_SATISFIED,
            rating_min=RATING_LIMIT_MIN,
        )

    def _from(self):
        return SQL(
            """
            crm_ticket t
            LEFT JOIN (%(sla)s) sla ON sla.ticket_id = t.id
            LEFT JOIN (%(rating)s) rt ON rt.res_id = t.id
            """,
            sla=self._from_sla(),
            rating=self._from_rating(),
        )

    def _where(self):
        return SQL("t.active")

    def _group_by(self):
        """Nothing to group: one row per ticket (the SLA statuses and ratings
        are aggregated per ticket in ``_from``); an extension that groups
        returns its columns here."""
        return SQL()

    def _view_query(self):
        """The view's query, from its parts (an extension overrides one)."""
        group_by = self._group_by()
        return SQL(
            "SELECT %s FROM %s WHERE %s%s",
            self._select(),
            self._from(),
            self._where(),
            SQL(" GROUP BY %s", group_by) if group_by else SQL(),
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._view_query(),
            )
        )
