# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression

from ..engines.ticket_subject import clean_subject

TICKET_PRIORITIES = [
    ("0", "Low"),
    ("1", "Medium"),
    ("2", "High"),
    ("3", "Urgent"),
]
TICKET_CHANNELS = [
    ("email", "Email"),
    ("portal", "Customer Portal"),
    ("web_form", "Web Form"),
    ("phone", "Phone"),
    ("api", "API"),
]
# a change of these re-matches the ticket's SLA policies
SLA_FIELDS = {"team_id", "priority", "type_id", "tag_ids", "partner_id", "company_id"}


class CrmTicket(models.Model):
    _name = "crm.ticket"
    _description = "Service Ticket"
    # each concern of the ticket in a file of its own (an AbstractModel each),
    # listed first so that their overrides of the mail and portal mixins run
    _inherit = [
        "crm.ticket.sla.mixin",
        "crm.ticket.mail.mixin",
        "crm.ticket.attachment.mixin",
        "crm.ticket.numbering.mixin",
        "crm.ticket.portal.mixin",
        "crm.ticket.similar.mixin",
        "crm.ticket.auto.close.job",
        "crm.ticket.actions.mixin",
        "portal.mixin",
        "mail.thread.cc",
        "mail.activity.mixin",
        "rating.mixin",
        "crm.ticket.web.form.mixin",
    ]
    _order = "priority desc, id desc"
    _rec_names_search = ["number", "name", "partner_id.name"]
    _primary_email = "partner_email"
    _mail_post_access = "read"

    # identity
    number = fields.Char(
        string="Ticket Number",
        readonly=True,
        copy=False,
        index="trigram",
        help="Given from the company's ticket sequence when the ticket is created.",
    )
    name = fields.Char(string="Subject", required=True, tracking=True)
    description = fields.Html()
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        index=True,
    )
    color = fields.Integer(groups="base.group_user")
    # customer
    partner_id = fields.Many2one(
        "res.partner", string="Customer", tracking=True, index=True
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id",
        string="Customer Company",
        store=True,
        index=True,
    )
    partner_name = fields.Char(
        string="Customer Name",
        compute="_compute_partner_contact",
        store=True,
        readonly=False,
    )
    partner_email = fields.Char(
        string="Customer Email",
        compute="_compute_partner_contact",
        store=True,
        readonly=False,
    )
    partner_phone = fields.Char(
        string="Customer Phone",
        compute="_compute_partner_contact",
        store=True,
        readonly=False,
    )
    # the people in CC of the emails (mail.thread.cc): not the portal's
    email_cc = fields.Char(groups="base.group_user")
    # classification
    priority = fields.Selection(
        TICKET_PRIORITIES, default="0", required=True, index=True, tracking=True
    )
    type_id = fields.Many2one("crm.ticket.type", string="Type", tracking=True)
    tag_ids = fields.Many2many(
        "crm.ticket.tag", string="Tags", groups="base.group_user"
    )
    channel = fields.Selection(
        TICKET_CHANNELS,
        default="api",
        required=True,
        help="How the ticket came in. Tickets created by a program through the "
        "API default to API; agents creating a ticket from the app log a phone "
        "call.",
        groups="base.group_user",
    )
    lead_id = fields.Many2one(
        "crm.lead",
        string="Lead/Opportunity",
        index="btree_not_null",
        tracking=True,
        ondelete="set null",
        groups="base.group_user",
    )
    # handling
    team_id = fields.Many2one(
        "crm.ticket.team",
        string="Team",
        compute="_compute_team_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Assigned To",
        index=True,
        tracking=True,
        domain=[("share", "=", False)],
        groups="base.group_user",
    )
    stage_id = fields.Many2one(
        "crm.ticket.stage",
        string="Stage",
        compute="_compute_stage_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
        copy=False,
        ondelete="restrict",
        group_expand="_read_group_expand_stage_ids",
        domain="['|', ('team_ids', '=', False), ('team_ids', 'in', team_id)]",
    )
    is_closed = fields.Boolean(
        related="stage_id.is_closed", store=True, string="Closed", index=True
    )
    portal_close = fields.Boolean(related="stage_id.portal_close")
    kanban_state = fields.Selection(
        [("normal", "In Progress"), ("done", "Ready"), ("blocked", "Blocked")],
        default="normal",
        copy=False,
        groups="base.group_user",
    )
    # dates
    assign_date = fields.Datetime(
        string="Assigned On", copy=False, readonly=True, groups="base.group_user"
    )
    first_response_date = fields.Datetime(
        copy=False, readonly=True, groups="base.group_user"
    )
    close_date = fields.Datetime(copy=False, readonly=True)
    last_stage_update = fields.Datetime(
        default=fields.Datetime.now, copy=False, readonly=True, groups="base.group_user"
    )
    similar_ticket_ids = fields.Many2many(
        "crm.ticket",
        compute="_compute_similar_ticket_ids",
        string="Similar Past Tickets",
        groups="base.group_user",
    )
    # merge
    merged_into_id = fields.Many2one(
        "crm.ticket",
        string="Merged Into",
        readonly=True,
        copy=False,
        index=True,
        groups="base.group_user",
    )

    _sql_constraints = [
        (
            "number_company_uniq",
            "unique (company_id, number)",
            "Ticket numbers must be unique per company.",
        )
    ]

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    @api.depends("partner_id", "number", "name")
    def _compute_display_name(self):
        for ticket in self:
            ticket.display_name = (
                f"{ticket.number} {ticket.name or ''}".strip()
                if ticket.number
                else ticket.name
            )

    @api.depends("team_id")
    def _compute_company_id(self):
        for ticket in self:
            if ticket.team_id:
                ticket.company_id = ticket.team_id.company_id
            elif not ticket.company_id:
                ticket.company_id = self.env.company

    def _compute_team_id(self):
        """Routing: a ticket created without a team gets one from the first
        matching routing rule, else the first team of its company."""
        todo = self.filtered(lambda t: not t.team_id)
        if not todo:
            return
        routed = self.env["crm.ticket.routing.rule"]._route_tickets(todo)
        for ticket in todo:
            ticket.team_id = routed.get(ticket) or False

    @api.depends("team_id")
    def _compute_stage_id(self):
        """The team's first stage, unless the current stage also belongs to
        the new team (a stage never resets for any other reason). One stage
        search for the whole batch, split per team."""
        all_stages = self._get_applicable_stages_of(self.team_id)
        by_team = {}
        for ticket in self:
            team = ticket.team_id
            if team not in by_team:
                by_team[team] = all_stages.filtered(
                    lambda stage, team=team: not stage.team_ids
                    or (team and team in stage.team_ids)
                )
            stages = by_team[team]
            if ticket.stage_id and ticket.stage_id in stages:
                continue
            ticket.stage_id = stages[:1]

    @api.depends("partner_id")
    def _compute_partner_contact(self):
        for ticket in self:
            if ticket.partner_id:
                ticket.partner_name = ticket.partner_id.name
                ticket.partner_email = ticket.partner_id.email
                ticket.partner_phone = ticket.partner_id.phone

    def _compute_access_url(self):
        for ticket in self:
            ticket.access_url = f"/my/tickets/{ticket.id}"

    def _get_applicable_stages(self):
        self.ensure_one()
        return self._get_applicable_stages_of(self.team_id)

    @api.model
    def _get_applicable_stages_of(self, teams):
        """The stages shared by every team, and those of ``teams``."""
        domain = [("team_ids", "=", False)]
        if teams:
            domain = expression.OR([domain, [("team_ids", "in", teams.ids)]])
        return self.env["crm.ticket.stage"].search(domain)

    @api.model
    def _read_group_expand_stage_ids(self, stages, domain):
        team_id = self.env.context.get("default_team_id")
        search_domain = [("team_ids", "=", False)]
        if team_id:
            search_domain = ["|", ("team_ids", "in", [team_id])] + search_domain
        return stages.search(search_domain)

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("name")
    def _check_name(self):
        for ticket in self:
            self._check_subject(ticket.name)

    @api.model
    def _check_subject(self, name):
        """Refuse a subject that is empty or only spaces (the one rule, see
        ``engines/ticket_subject.py``)."""
        if not clean_subject(name):
            raise ValidationError(
                self.env._(
                    "A ticket needs a subject: say in a few words what is wrong."
                )
            )

    @api.constrains("stage_id", "team_id")
    def _check_stage_team(self):
        for ticket in self:
            teams = ticket.stage_id.team_ids
            if teams and ticket.team_id and ticket.team_id not in teams:
                raise ValidationError(
                    self.env._(
                        "The stage %(stage)s is not a stage of the team %(team)s.",
                        stage=ticket.stage_id.name,
                        team=ticket.team_id.name,
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # the teams asked for, checked in one query
        team_ids = [vals["team_id"] for vals in vals_list if vals.get("team_id")]
        existing = set(self.env["crm.ticket.team"].browse(team_ids).exists().ids)
        for vals in vals_list:
            if vals.get("team_id") and vals["team_id"] not in existing:
                raise UserError(
                    self.env._(
                        "The team %(team)s does not exist: choose a ticket team.",
                        team=vals["team_id"],
                    )
                )
            self._check_subject(vals.get("name"))
            if vals.get("partner_email") and not vals.get("partner_id"):
                vals["partner_id"] = self._find_or_create_customer(
                    vals["partner_email"], vals.get("partner_name")
                ).id
        self._assign_numbers(vals_list)
        tickets = super().create(vals_list)
        tickets._post_create()
        return tickets

    def _post_create(self):
        now = fields.Datetime.now()
        self.env["crm.ticket.team"]._assign_new_tickets(self)
        self.filtered("user_id").assign_date = now
        self._subscribe_customers()
        self.env["crm.ticket.sla.status"]._sla_sync(self)
        if not self.env.context.get("crm_ticket_no_ack"):
            self._send_acknowledgement()
        # sudo: a ticket counts as engagement for its customer's leads
        # whoever opens it (a customer on the portal has no access to leads)
        self.env["crm.score.event"].sudo()._record(
            [
                {
                    "event_type": "ticket_opened",
                    "partner_id": ticket.commercial_partner_id.id
                    or ticket.partner_id.id,
                    "lead_id": ticket.lead_id.id,
                    "date": ticket.create_date,
                    "res_model": self._name,
                    "res_id": ticket.id,
                    "company_id": ticket.company_id.id,
                }
                for ticket in self
                if ticket.partner_id or ticket.lead_id
            ]
        )

    def write(self, vals):
        if "name" in vals:
            self._check_subject(vals["name"])
        now = fields.Datetime.now()
        if vals.get("user_id"):
            vals.setdefault("assign_date", now)
        old_closed = {}
        if "stage_id" in vals:
            vals.setdefault("last_stage_update", now)
            old_closed = {ticket.id: ticket.is_closed for ticket in self}
            old_stages = {ticket.id: ticket.stage_id for ticket in self}
        res = super().write(vals)
        if "stage_id" in vals:
            self._on_stage_changed(old_stages, old_closed, now)
        if SLA_FIELDS & set(vals):
            self.env["crm.ticket.sla.status"]._sla_sync(self)
        if vals.get("partner_id"):
            for partner_id, tickets in self.grouped("partner_id").items():
                tickets.message_subscribe(partner_ids=partner_id.ids)
        return res

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for ticket, vals in zip(self, vals_list, strict=True):
            if "name" not in (default or {}):
                vals["name"] = self.env._("%(name)s (copy)", name=ticket.name)
        return vals_list
