# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta, timezone

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import write_grouped


class CrmTicketSlaMixin(models.AbstractModel):
    """A ticket's SLA: its statuses, the next deadline, whether a target was
    missed, and the working hours it took (inherited by ``crm.ticket``; the
    clock itself is ``crm.ticket.sla.status``)."""

    _name = "crm.ticket.sla.mixin"
    _description = "Ticket SLA"

    first_response_hours = fields.Float(
        string="First Response (Working Hours)",
        copy=False,
        readonly=True,
        aggregator="avg",
        groups="base.group_user",
    )
    resolution_hours = fields.Float(
        string="Resolution (Working Hours)",
        copy=False,
        readonly=True,
        aggregator="avg",
        groups="base.group_user",
    )
    # SLA
    sla_status_ids = fields.One2many(
        "crm.ticket.sla.status",
        "ticket_id",
        string="SLA Statuses",
        copy=False,
        groups="base.group_user",
    )
    sla_deadline = fields.Datetime(
        string="SLA Deadline",
        compute="_compute_sla_deadline",
        store=True,
        index=True,
        help="The earliest deadline among the ticket's SLA targets not yet reached.",
        groups="base.group_user",
    )
    sla_failed = fields.Boolean(
        string="SLA Failed",
        compute="_compute_sla_failed",
        search="_search_sla_failed",
        help="A target of the ticket was missed (reached late, or its deadline "
        "passed).",
        groups="base.group_user",
    )
    sla_urgency = fields.Selection(
        [("overdue", "Overdue"), ("today", "Due Today"), ("later", "Later")],
        string="SLA Urgency",
        compute="_compute_sla_urgency",
        help="Overdue: a target was missed or its deadline passed; due today: the "
        "next deadline falls before midnight in your time zone; later: after.",
        groups="base.group_user",
    )

    @api.depends("sla_status_ids.deadline", "sla_status_ids.reached_date")
    def _compute_sla_deadline(self):
        for ticket in self:
            deadlines = [
                status.deadline
                for status in ticket.sla_status_ids
                if status.deadline and not status.reached_date
            ]
            ticket.sla_deadline = min(deadlines) if deadlines else False

    @api.depends("sla_status_ids.deadline", "sla_status_ids.reached_date")
    def _compute_sla_failed(self):
        for ticket in self:
            ticket.sla_failed = any(ticket.sla_status_ids.mapped("failed"))

    @api.depends("sla_deadline", "sla_failed")
    @api.depends_context("tz")
    def _compute_sla_urgency(self):
        now = fields.Datetime.now()
        local_now = fields.Datetime.context_timestamp(self, now)
        midnight = (local_now + timedelta(days=1)).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        end_of_today = midnight.astimezone(timezone.utc).replace(tzinfo=None)
        for ticket in self:
            deadline = ticket.sla_deadline
            if ticket.sla_failed or (deadline and deadline <= now):
                ticket.sla_urgency = "overdue"
            elif not deadline:
                ticket.sla_urgency = False
            elif deadline < end_of_today:
                ticket.sla_urgency = "today"
            else:
                ticket.sla_urgency = "later"

    def _search_sla_failed(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Unsupported search on SLA Failed."))
        failed = self.env["crm.ticket.sla.status"]._failed_domain()
        positive = (operator == "=") == bool(value)
        return [("sla_status_ids", "any" if positive else "not any", failed)]

    def _on_stage_changed(self, old_stages, old_closed, now):
        """The closing (and reopening) date and time, and the SLA clocks of
        tickets whose stage changed."""
        closing = self.filtered(lambda t: t.is_closed and not old_closed.get(t.id))
        reopening = self.filtered(lambda t: not t.is_closed and old_closed.get(t.id))
        if closing:
            closing.write({"close_date": now, "auto_close_warning_date": False})
            closing._compute_work_hours("close_date", "resolution_hours")
        if reopening:
            reopening.write({"close_date": False, "resolution_hours": 0.0})
        self.env["crm.ticket.sla.status"]._sla_stage_changed(
            self, old_stages, closing, reopening, now
        )

    def _compute_work_hours(self, date_field, hours_field):
        """Write ``hours_field``: working hours from creation to ``date_field``
        in each ticket's calendar (one calendar read per calendar)."""
        Status = self.env["crm.ticket.sla.status"]
        for calendar, tickets in self.grouped(lambda t: t._get_sla_calendar()).items():
            pairs = [(t.create_date, t[date_field]) for t in tickets]
            hours = Status._work_hours_between(calendar, pairs)
            write_grouped(tickets, [{hours_field: value} for value in hours])

    def _get_sla_calendar(self):
        self.ensure_one()
        return (
            self.team_id.resource_calendar_id
            or self.company_id.resource_calendar_id
            or self.env["resource.calendar"]
        )
