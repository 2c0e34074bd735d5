# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from pytz import utc

from odoo import api, fields, models
from odoo.tools import SQL

from ..engines.sla import is_failed, reached_late
from ..engines.working_time import (
    WorkIntervals,
    hours_between_pairs,
    plan_deadlines,
)
from ..tools import write_grouped

SLA_TARGETS = [("response", "First Response"), ("resolution", "Resolution")]


def _aware(moment):
    return utc.localize(moment) if moment.tzinfo is None else moment


def _naive(moment):
    return moment.astimezone(utc).replace(tzinfo=None) if moment else False


class CrmTicketSlaStatus(models.Model):
    """One target of one SLA policy on one ticket.

    The clock runs in the working hours of the ticket's team calendar from
    ``segment_start``; a pause stage stops it (``hours_consumed`` keeps what
    was used, the deadline is cleared) and leaving it starts a new segment.
    "Failed" is never written: it is read from the deadline, so nothing has to
    change when a deadline passes, and a failed status is never moved.
    """

    _name = "crm.ticket.sla.status"
    _description = "Ticket SLA Status"
    _inherit = ["crm.ticket.sla.alert.job"]
    _order = "deadline, id"
    _rec_name = "sla_id"

    ticket_id = fields.Many2one(
        "crm.ticket", required=True, ondelete="cascade", index=True
    )
    sla_id = fields.Many2one(
        "crm.ticket.sla",
        string="SLA Policy",
        required=True,
        ondelete="cascade",
        index=True,
    )
    target = fields.Selection(SLA_TARGETS, required=True)
    company_id = fields.Many2one(related="ticket_id.company_id", store=True)
    team_id = fields.Many2one(related="ticket_id.team_id")
    user_id = fields.Many2one(related="ticket_id.user_id")
    hours = fields.Float(string="Target (Working Hours)", required=True)
    hours_consumed = fields.Float(
        string="Working Hours Used Before the Pause", readonly=True
    )
    segment_start = fields.Datetime(
        string="Clock Running Since",
        readonly=True,
        help="Empty while the clock is paused.",
    )
    deadline = fields.Datetime(index=True, readonly=True)
    reached_date = fields.Datetime(readonly=True)
    reached_late = fields.Boolean(compute="_compute_reached_late", store=True)
    failed = fields.Boolean(
        compute="_compute_failed",
        search="_search_failed",
        help="Reached after its deadline, or its deadline passed.",
    )
    state = fields.Selection(
        [
            ("ongoing", "Ongoing"),
            ("paused", "Paused"),
            ("reached", "Reached"),
            ("failed", "Failed"),
        ],
        compute="_compute_failed",
    )
    warned = fields.Boolean(readonly=True)
    escalated = fields.Boolean(readonly=True)

    _sql_constraints = [
        (
            "ticket_sla_target_uniq",
            "unique (ticket_id, sla_id, target)",
            "A ticket has one status per SLA policy and target.",
        )
    ]

    @api.depends("reached_date", "deadline")
    def _compute_reached_late(self):
        for status in self:
            status.reached_late = reached_late(status.reached_date, status.deadline)

    @api.depends("reached_date", "deadline", "reached_late", "segment_start")
    def _compute_failed(self):
        now = fields.Datetime.now()
        for status in self:
            failed = is_failed(status.reached_date, status.deadline, now)
            status.failed = failed
            if failed:
                status.state = "failed"
            elif status.reached_date:
                status.state = "reached"
            elif not status.segment_start:
                status.state = "paused"
            else:
                status.state = "ongoing"

    # the rule of engines/sla.py as a domain and in SQL: keep the three alike
    @api.model
    def _failed_domain(self):
        now = fields.Datetime.now()
        return [
            "|",
            ("reached_late", "=", True),
            "&",
            ("reached_date", "=", False),
            ("deadline", "<", now),
        ]

    def _search_failed(self, operator, value):
        if operator not in ("=", "!="):
            raise NotImplementedError("Unsupported search on failed")
        positive = (operator == "=") == bool(value)
        failed = self._failed_domain()
        return failed if positive else ["!"] + failed

    @api.model
    def _failed_sql(self, alias, now=None):
        """SQL: the status ``alias`` failed (reached late, or its deadline
        passed unreached) at ``now`` (a datetime or an SQL expression)."""
        table = SQL.identifier(alias)
        return SQL(
            "(COALESCE(%s.reached_late, FALSE)"
            " OR (%s.reached_date IS NULL AND %s.deadline < %s))",
            table,
            table,
            table,
            fields.Datetime.now() if now is None else now,
        )

    def _success_rate_sql(self, alias, now=None):
        """SQL aggregate: the SLA success (%) of the statuses ``alias``, the one
        definition of the figure: reached on time / (reached on time +
        failed). A target still running and not failed is left out (it is
        neither a success nor a failure yet); NULL when no target is decided."""
        table = SQL.identifier(alias)
        on_time = SQL(
            "(%s.reached_date IS NOT NULL AND NOT COALESCE(%s.reached_late, FALSE))",
            table,
            table,
        )
        return SQL(
            "100.0 * count(*) FILTER (WHERE %s)"
            " / NULLIF(count(*) FILTER (WHERE %s OR %s), 0)",
            on_time,
            on_time,
            self._failed_sql(alias, now),
        )

    # ------------------------------------------------------------
    # Working time, in batches
    # ------------------------------------------------------------

    @api.model
    def _work_intervals(self, calendar, start, end):
        """Work intervals of ``calendar`` between two naive UTC datetimes,
        holidays and calendar leaves removed; round the clock without one."""
        start, end = _aware(start), _aware(end)
        if not calendar:
            return WorkIntervals([(start, end)])
        intervals = calendar._work_intervals_batch(start, end, compute_leaves=True)
        return WorkIntervals(
            (begin.astimezone(utc), stop.astimezone(utc))
            for begin, stop, __ in intervals[False]
        )

    @api.model
    def _plan_deadlines(self, calendar, requests):
        """Deadlines for ``requests`` [(start, hours)] on one calendar: the
        calendar is read once for all (wider ranges only when needed, see
        ``engines/working_time.plan_deadlines``)."""
        planned = plan_deadlines(
            [(_aware(start), hours) for start, hours in requests],
            lambda start, end: self._work_intervals(calendar, start, end),
        )
        return [_naive(moment) for moment in planned]

    @api.model
    def _work_hours_between(self, calendar, pairs):
        """Working hours for each (start, end) pair on one calendar."""
        return hours_between_pairs(
            [(start and _aware(start), end and _aware(end)) for start, end in pairs],
            lambda start, end: self._work_intervals(calendar, start, end),
        )

    @api.model
    def _deadlines_for(self, items):
        """Deadlines for ``items`` [(calendar, start, hours)], one calendar
        read per calendar."""
        by_calendar = defaultdict(list)
        for index, (calendar, __, __) in enumerate(items):
            by_calendar[calendar].append(index)
        deadlines = [False] * len(items)
        for calendar, indexes in by_calendar.items():
            planned = self._plan_deadlines(
                calendar, [(items[i][1], items[i][2]) for i in indexes]
            )
            for index, deadline in zip(indexes, planned, strict=True):
                deadlines[index] = deadline
        return deadlines

    def _compute_deadlines(self):
        """Deadline of every running status of self, per calendar in batch."""
        running = self.filtered(
            lambda s: s.segment_start and not s.reached_date and not s.failed
        )
        deadlines = self._deadlines_for(
            [
                (
                    s.ticket_id._get_sla_calendar(),
                    s.segment_start,
                    max(s.hours - s.hours_consumed, 0.0),
                )
                for s in running
            ]
        )
        write_grouped(running, [{"deadline": deadline} for deadline in deadlines])

    # ------------------------------------------------------------
    # Matching and the clock
    # ------------------------------------------------------------

    @api.model
    def _sla_sync(self, tickets):
        """Add the statuses of newly matching policies, remove those of
        policies that no longer match (a failed status stays)."""
        # sudo: SLA statuses follow the ticket, whoever changes it
        self = self.sudo()
        tickets = tickets.sudo()
        matches = self.env["crm.ticket.sla"].sudo()._match_tickets(tickets)
        existing = {
            (s.ticket_id.id, s.sla_id.id, s.target): s for s in tickets.sla_status_ids
        }
        to_create, calendars = [], []
        wanted = set()
        for ticket, policies in matches.items():
            for policy in policies:
                for target, hours in (
                    ("response", policy.response_hours),
                    ("resolution", policy.resolution_hours),
                ):
                    if not hours:
                        continue
                    key = (ticket.id, policy.id, target)
                    wanted.add(key)
                    if key in existing:
                        continue
                    calendars.append(ticket._get_sla_calendar())
                    to_create.append(
                        self._sla_new_status_vals(ticket, policy, target, hours)
                    )
        obsolete = self.browse(
            [
                status.id
                for key, status in existing.items()
                if key not in wanted and not status.failed
            ]
        )
        obsolete.unlink()
        if to_create:
            self._sla_plan_new_statuses(to_create, calendars)
            return self.create(to_create)
        return self.browse()

    @api.model
    def _sla_new_status_vals(self, ticket, policy, target, hours):
        """A new status of ``ticket``: paused in a pause stage of ``policy``,
        reached already when the ticket was answered (or closed)."""
        paused = ticket.stage_id in policy.pause_stage_ids
        reached = False
        if target == "response" and ticket.first_response_date:
            reached = ticket.first_response_date
        elif ticket.is_closed:
            reached = ticket.close_date or fields.Datetime.now()
        return {
            "ticket_id": ticket.id,
            "sla_id": policy.id,
            "target": target,
            "hours": hours,
            "segment_start": False if paused else ticket.create_date,
            "reached_date": reached,
        }

    @api.model
    def _sla_plan_new_statuses(self, vals_list, calendars):
        """Set the deadline of the running ones of ``vals_list`` (new statuses,
        ``calendars`` theirs), one calendar read per calendar."""
        running = [
            (index, vals)
            for index, vals in enumerate(vals_list)
            if vals["segment_start"] and not vals["reached_date"]
        ]
        deadlines = self._deadlines_for(
            [
                (calendars[index], vals["segment_start"], vals["hours"])
                for index, vals in running
            ]
        )
        for (__, vals), deadline in zip(running, deadlines, strict=True):
            vals["deadline"] = deadline

    @api.model
    def _sla_stage_changed(self, tickets, old_stages, closing, reopening, now):
        """Pause, resume, reach or reopen the statuses of tickets whose stage
        changed."""
        # sudo: SLA statuses follow the ticket's stage, whoever moves it (an
        # agent, or a customer closing from the portal); users only read them
        self = self.sudo()
        statuses = tickets.sudo().sla_status_ids
        if not statuses:
            return
        pausing, resuming = self.browse(), self.browse()
        for status in statuses:
            ticket = status.ticket_id
            pause_stages = status.sla_id.pause_stage_ids
            was_paused = not status.segment_start
            in_pause = ticket.stage_id in pause_stages
            if status.reached_date or status.failed:
                continue
            if in_pause and not was_paused:
                pausing |= status
            elif (
                not in_pause
                and was_paused
                and old_stages.get(ticket.id) != ticket.stage_id
            ):
                resuming |= status
        self._sla_pause(pausing, now)
        self._sla_resume(resuming, now)
        if closing:
            self._sla_mark_reached(closing, None, now)
        if reopening:
            reopened = reopening.sudo().sla_status_ids.filtered(
                lambda s: s.target == "resolution"
                and s.reached_date
                and not s.reached_late
            )
            # the clock resumes where it stopped when the ticket closed
            for calendar, group in reopened.grouped(
                lambda s: s.ticket_id._get_sla_calendar()
            ).items():
                used = self._work_hours_between(
                    calendar, [(s.segment_start, s.reached_date) for s in group]
                )
                write_grouped(
                    group,
                    [
                        {"hours_consumed": status.hours_consumed + hours}
                        for status, hours in zip(group, used, strict=True)
                    ],
                )
            reopened.write(
                {"segment_start": now, "reached_date": False, "deadline": False}
            )
            reopened._compute_deadlines()

    def _sla_pause(self, statuses, now):
        for calendar, group in statuses.grouped(
            lambda s: s.ticket_id._get_sla_calendar()
        ).items():
            used = self._work_hours_between(
                calendar, [(s.segment_start, now) for s in group]
            )
            write_grouped(
                group,
                [
                    {"hours_consumed": status.hours_consumed + hours}
                    for status, hours in zip(group, used, strict=True)
                ],
            )
        statuses.write({"segment_start": False, "deadline": False})

    def _sla_resume(self, statuses, now):
        statuses.write({"segment_start": now})
        statuses._compute_deadlines()

    @api.model
    def _sla_mark_reached(self, tickets, target, when):
        """Targets of ``tickets`` reached at ``when``: ``target`` only, or both
        when None (closing a ticket answers it too)."""
        # sudo: reaching a target is the system's bookkeeping of an answer or
        # a closing, whoever made it
        statuses = tickets.sudo().sla_status_ids.filtered(
            lambda s: not s.reached_date and (target is None or s.target == target)
        )
        if statuses:
            statuses.write({"reached_date": when})
