# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from ast import literal_eval
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

ASSIGNMENT_METHODS = [
    ("manual", "Manual"),
    ("round_robin", "Round-robin"),
    ("balanced", "Balanced (fewest open tickets)"),
]


class CrmTicketTeam(models.Model):
    _name = "crm.ticket.team"
    _description = "Ticket Team"
    # optional: a team has a mail.alias record only once it is given an alias
    # name (an alias without a name routes nothing and would only weigh on
    # every alias-domain change)
    _inherit = ["mail.alias.mixin.optional", "mail.thread"]
    _order = "sequence, name, id"

    # identity
    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    description = fields.Html(translate=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    # people
    user_id = fields.Many2one(
        "res.users",
        string="Team Leader",
        domain=[("share", "=", False)],
        tracking=True,
        help="Notified when a ticket of the team misses its SLA.",
    )
    member_ids = fields.Many2many(
        "res.users",
        "crm_ticket_team_member_rel",
        "team_id",
        "user_id",
        string="Members",
        domain=[("share", "=", False)],
    )
    assignment_method = fields.Selection(
        ASSIGNMENT_METHODS,
        required=True,
        default="manual",
        tracking=True,
        help="Manual: tickets wait for an agent to take them. Round-robin: each "
        "new ticket goes to the next member, in member order. Balanced: to the "
        "member with the fewest open tickets. Both prefer members who speak the "
        "customer's language.",
    )
    last_assigned_user_id = fields.Many2one(
        "res.users",
        string="Last Assigned",
        readonly=True,
        copy=False,
        help="The member who got the last ticket by round-robin.",
    )
    # workflow
    stage_ids = fields.Many2many(
        "crm.ticket.stage",
        "crm_ticket_stage_team_rel",
        "team_id",
        "stage_id",
        string="Stages",
        help="Stages of this team's tickets; stages without a team are shared "
        "by every team.",
    )
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Hours",
        compute="_compute_resource_calendar_id",
        store=True,
        readonly=False,
        precompute=True,
        help="SLA deadlines and reported times count these working hours, "
        "public holidays and leaves of the calendar excluded.",
    )
    auto_close_days = fields.Integer(
        string="Auto-close After (Days)",
        help="Close tickets waiting on the customer after this many days without "
        "a reply from them. 0 disables automatic closing.",
    )
    auto_close_warning_days = fields.Integer(
        string="Warn Before (Days)",
        default=2,
        help="Days before the automatic closing when the customer is warned.",
    )
    alias_contact = fields.Selection(
        related="alias_id.alias_contact", readonly=False, string="Accept Emails From"
    )
    allow_new_cc_followers = fields.Boolean(
        string="New Contacts in CC Follow",
        help="Addresses in CC (or To) of a customer's email follow the ticket "
        "when they are contacts of the ticket's customer. With this option, "
        "unknown addresses become contacts and follow too: anyone can put "
        "any address in CC, so they would receive the agents' replies.",
    )
    # dashboard
    ticket_ids = fields.One2many("crm.ticket", "team_id", string="Tickets")
    open_ticket_count = fields.Integer(compute="_compute_ticket_counts")
    unassigned_ticket_count = fields.Integer(compute="_compute_ticket_counts")
    urgent_ticket_count = fields.Integer(compute="_compute_ticket_counts")
    failed_ticket_count = fields.Integer(
        string="SLA Failed", compute="_compute_ticket_counts"
    )
    sla_success_rate = fields.Float(
        string="SLA Success (%)",
        compute="_compute_sla_success_rate",
        help="The SLA success of the team's open tickets, as the Ticket Analysis "
        "computes it: targets reached in time, in percent of the targets "
        "reached in time or failed (running targets not late yet are left "
        "out), averaged over the tickets.",
    )
    sla_rated_ticket_count = fields.Integer(compute="_compute_sla_success_rate")

    _sql_constraints = [
        (
            "auto_close_positive",
            "CHECK (auto_close_days >= 0 AND auto_close_warning_days >= 0)",
            "Automatic closing delays cannot be negative.",
        )
    ]

    @api.depends("company_id")
    def _compute_resource_calendar_id(self):
        for team in self:
            calendar_company = team.resource_calendar_id.company_id
            if not team.resource_calendar_id or (
                calendar_company and calendar_company != team.company_id
            ):
                team.resource_calendar_id = team.company_id.resource_calendar_id

    def _compute_ticket_counts(self):
        """Every counter of every team in one grouped query."""
        counts = {}
        if self.ids:
            Ticket = self.env["crm.ticket"]
            Ticket.flush_model()
            self.env["crm.ticket.sla.status"].flush_model()
            query = Ticket._search(
                [("team_id", "in", self.ids), ("is_closed", "=", False)]
            )
            self.env.cr.execute(
                SQL(
                    """
                    SELECT crm_ticket.team_id, count(*),
                           count(*) FILTER (WHERE crm_ticket.user_id IS NULL),
                           count(*) FILTER (WHERE crm_ticket.priority = '3'),
                           count(*) FILTER (WHERE EXISTS (
                               SELECT 1 FROM crm_ticket_sla_status s
                                WHERE s.ticket_id = crm_ticket.id AND %s))
                      FROM %s
                     WHERE %s
                  GROUP BY crm_ticket.team_id
                    """,
                    self.env["crm.ticket.sla.status"]._failed_sql("s"),
                    query.from_clause,
                    query.where_clause,
                )
            )
            counts = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for team in self:
            values = counts.get(team.id, (0, 0, 0, 0))
            team.open_ticket_count = values[0]
            team.unassigned_ticket_count = values[1]
            team.urgent_ticket_count = values[2]
            team.failed_ticket_count = values[3]

    def _compute_sla_success_rate(self):
        """The Ticket Analysis' figure (one definition) of the open tickets,
        like every counter of the dashboard, with the rights of the user who
        looks."""
        rates = {}
        if self.ids:
            groups = self.env["crm.ticket.report"]._read_group(
                [("team_id", "in", self.ids), ("is_closed", "=", False)],
                ["team_id"],
                ["sla_success_rate:avg", "sla_success_rate:count"],
            )
            rates = {team.id: (rate, count) for team, rate, count in groups}
        for team in self:
            rate, count = rates.get(team.id, (0.0, 0))
            team.sla_success_rate = rate or 0.0
            team.sla_rated_ticket_count = count

    @api.constrains("company_id", "resource_calendar_id")
    def _check_calendar_company(self):
        for team in self:
            calendar_company = team.resource_calendar_id.company_id
            if calendar_company and calendar_company != team.company_id:
                raise ValidationError(
                    self.env._(
                        "The working hours %(calendar)s belong to another company "
                        "than the team %(team)s.",
                        calendar=team.resource_calendar_id.name,
                        team=team.name,
                    )
                )

    # ------------------------------------------------------------
    # Mail alias
    # ------------------------------------------------------------

    def _alias_get_creation_values(self):
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get("crm.ticket").id
        if self.id:
            values["alias_defaults"] = defaults = literal_eval(
                self.alias_id.alias_defaults or "{}"
            )
            defaults["team_id"] = self.id
        return values

    # ------------------------------------------------------------
    # Assignment
    # ------------------------------------------------------------

    def _get_assignable_members(self):
        self.ensure_one()
        return self.member_ids.filtered("active")

    @api.model
    def _assign_new_tickets(self, tickets):
        """Give an agent to the new ``tickets`` without one, per team in
        creation order by its method: one write per agent."""
        by_team = defaultdict(lambda: tickets.browse())
        for ticket in tickets:
            if ticket.team_id and not ticket.user_id:
                by_team[ticket.team_id] |= ticket
        assigned = defaultdict(lambda: tickets.browse())
        for team, team_tickets in by_team.items():
            for ticket, user in team._assign_tickets(team_tickets).items():
                assigned[user] |= ticket
        for user, user_tickets in assigned.items():
            user_tickets.write({"user_id": user.id})

    def _assign_tickets(self, tickets):
        """Choose an agent for each of ``tickets`` (one team's, in creation
        order) by the team's method; writes nothing, returns {ticket: user}."""
        self.ensure_one()
        members = self._get_assignable_members()
        if self.assignment_method == "manual" or not members:
            return {}
        # languages spoken, read once
        speakers = {}
        for member in members:
            for lang in member.ticket_language_ids:
                speakers.setdefault(lang.code, []).append(member)
        result = {}
        if self.assignment_method == "round_robin":
            order = list(members)
            last = self.last_assigned_user_id
            for ticket in tickets:
                lang = ticket.partner_id.lang
                candidates = speakers.get(lang) or order
                position = order.index(last) if last in order else -1
                # the next member after the last one, among the candidates
                chosen = next(
                    (
                        order[(position + step) % len(order)]
                        for step in range(1, len(order) + 1)
                        if order[(position + step) % len(order)] in candidates
                    ),
                    candidates[0],
                )
                result[ticket] = chosen
                last = chosen
            # sudo: remembering the last agent is the team's bookkeeping, not
            # a change the ticket's author needs the right to make
            self.sudo().last_assigned_user_id = last
        else:
            open_counts = dict.fromkeys(members, 0)
            # sudo: the balance counts every open ticket of the team, also
            # those the ticket's author (a portal customer) cannot read
            groups = (
                self.env["crm.ticket"]
                .sudo()
                ._read_group(
                    [
                        ("team_id", "=", self.id),
                        ("user_id", "in", members.ids),
                        ("is_closed", "=", False),
                    ],
                    ["user_id"],
                    ["__count"],
                )
            )
            for user, count in groups:
                open_counts[user] = count
            order = list(members)
            for ticket in tickets:
                candidates = speakers.get(ticket.partner_id.lang) or order
                chosen = min(candidates, key=lambda m: (open_counts[m], order.index(m)))
                result[ticket] = chosen
                open_counts[chosen] += 1
        return result

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def _action_tickets(self, domain, name):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_suite.crm_ticket_action"
        )
        action["domain"] = [("team_id", "=", self.id)] + domain
        action["context"] = {"default_team_id": self.id}
        action["display_name"] = name
        return action

    def action_open_tickets(self):
        return self._action_tickets(
            [("is_closed", "=", False)], self.env._("Open Tickets")
        )

    def action_unassigned_tickets(self):
        return self._action_tickets(
            [("is_closed", "=", False), ("user_id", "=", False)],
            self.env._("Unassigned Tickets"),
        )

    def action_urgent_tickets(self):
        return self._action_tickets(
            [("is_closed", "=", False), ("priority", "=", "3")],
            self.env._("Urgent Tickets"),
        )

    def action_failed_tickets(self):
        return self._action_tickets(
            [("is_closed", "=", False), ("sla_failed", "=", True)],
            self.env._("Tickets Past Their SLA"),
        )
