# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from collections import defaultdict
from datetime import timedelta, timezone

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, html2plaintext

from ..tools import normalize_customer_email

_logger = logging.getLogger(__name__)

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
    _inherit = [
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
    last_customer_message_date = fields.Datetime(
        copy=False, readonly=True, groups="base.group_user"
    )
    last_agent_message_date = fields.Datetime(
        copy=False, readonly=True, groups="base.group_user"
    )
    auto_close_warning_date = fields.Datetime(
        copy=False, readonly=True, groups="base.group_user"
    )
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
        the new team (a stage never resets for any other reason)."""
        for ticket in self:
            stages = ticket._get_applicable_stages()
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

    def _compute_access_url(self):
        for ticket in self:
            ticket.access_url = f"/my/tickets/{ticket.id}"

    def _get_applicable_stages(self):
        self.ensure_one()
        domain = [("team_ids", "=", False)]
        if self.team_id:
            domain = expression.OR([domain, [("team_ids", "in", self.team_id.ids)]])
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
            if not (ticket.name or "").strip():
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
        Team = self.env["crm.ticket.team"]
        for vals in vals_list:
            if "team_id" in vals and vals["team_id"]:
                if not Team.browse(vals["team_id"]).exists():
                    raise UserError(
                        self.env._(
                            "The team %(team)s does not exist: choose a ticket team.",
                            team=vals["team_id"],
                        )
                    )
            if not (vals.get("name") or "").strip():
                raise ValidationError(
                    self.env._(
                        "A ticket needs a subject: say in a few words what is wrong."
                    )
                )
            if vals.get("partner_email") and not vals.get("partner_id"):
                vals["partner_id"] = self._find_or_create_customer(
                    vals["partner_email"], vals.get("partner_name")
                ).id
        self._assign_numbers(vals_list)
        tickets = super().create(vals_list)
        tickets._post_create()
        return tickets

    @api.model
    def _get_attachment_max_bytes(self):
        # sudo: a system parameter, read for any user sending a file
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("crm_suite.ticket_attachment_max_mb")
        )
        try:
            megabytes = float(value) if value else 10.0
        except ValueError:
            megabytes = 10.0
        return int((megabytes if megabytes > 0 else 10.0) * 1024 * 1024)

    @api.model
    def _check_attachment_sizes(self, files):
        """Refuse any of ``files`` [(name, size in bytes)] over the limit."""
        limit = self._get_attachment_max_bytes()
        limit_mb = "%g" % (limit / 1048576)
        for name, size in files:
            if size > limit:
                size_mb = "%.1f" % (size / 1048576)
                raise UserError(
                    self.env._(
                        "The file %(name)s is too large (%(size)s MB): a ticket's "
                        "attachments may be up to %(limit)s MB each.",
                        name=name,
                        size=size_mb,
                        limit=limit_mb,
                    )
                )

    @api.model
    def _split_oversized_attachments(self, msg_dict):
        """Drop the attachments of an incoming email that exceed the limit
        (the email itself is kept); return the names dropped."""
        limit = self._get_attachment_max_bytes()
        kept, dropped = [], []
        for attachment in msg_dict.get("attachments") or []:
            content = attachment[1]
            size = len(content.encode() if isinstance(content, str) else content or b"")
            (dropped if size > limit else kept).append(attachment)
        if dropped:
            msg_dict["attachments"] = kept
        return [attachment[0] for attachment in dropped]

    def _note_dropped_attachments(self, names):
        if names:
            limit_mb = "%g" % (self._get_attachment_max_bytes() / 1048576)
            self.message_post(
                body=self.env._(
                    "Files too large to keep (over %(limit)s MB): %(names)s. Ask the "
                    "customer for a smaller copy or a link.",
                    limit=limit_mb,
                    names=", ".join(names),
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _find_or_create_customer(self, email, name=None):
        """The contact of ``email`` (which may be formatted, "Name <email>"),
        created in the current language when unknown."""
        parsed_name, normalized = tools.parse_contact_from_email(email or "")
        normalized = normalize_customer_email(normalized)
        if not normalized:
            raise UserError(
                self.env._(
                    "%(email)s is not a valid email address.",
                    email=email,
                )
            )
        values = {"lang": self.env.lang or self.env.user.lang}
        if name or parsed_name:
            values["name"] = name or parsed_name
        # sudo: a customer writing in (web form, API) may not see contacts;
        # the contact found or created only carries their own name and email
        return (
            self.env["res.partner"]
            .sudo()
            ._find_or_create_from_emails(
                [normalized], additional_values={normalized: values}
            )[0]
        )

    def _assign_numbers(self, vals_list):
        """Numbers from the company's sequence, drawn in one query per company."""
        Team = self.env["crm.ticket.team"]
        by_company = defaultdict(list)
        for vals in vals_list:
            if vals.get("number"):
                continue
            company_id = vals.get("company_id")
            if not company_id and vals.get("team_id"):
                company_id = Team.browse(vals["team_id"]).company_id.id
            by_company[company_id or self.env.company.id].append(vals)
        for company_id, company_vals in by_company.items():
            numbers = self._next_numbers(
                self.env["res.company"].browse(company_id), len(company_vals)
            )
            for vals, number in zip(company_vals, numbers, strict=True):
                vals["number"] = number

    @api.model
    def _get_sequence(self, company):
        # sudo: every user creating a ticket draws a number; sequences are
        # technical records only administrators see
        Sequence = self.env["ir.sequence"].sudo()
        sequence = Sequence.search(
            [("code", "=", "crm.ticket"), ("company_id", "=", company.id)], limit=1
        )
        if not sequence:
            sequence = Sequence.create(
                {
                    "name": self.env._("Tickets of %(company)s", company=company.name),
                    "code": "crm.ticket",
                    "company_id": company.id,
                    "prefix": "TCK-",
                    "padding": 5,
                    "implementation": "standard",
                }
            )
        return sequence

    @api.model
    def _next_numbers(self, company, count):
        sequence = self._get_sequence(company)
        if sequence.implementation != "standard":
            return [sequence.next_by_id() for __ in range(count)]
        self.env.cr.execute(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"ir_sequence_{sequence.id:03d}",
                count,
            )
        )
        return [sequence.get_next_char(row[0]) for row in self.env.cr.fetchall()]

    def _post_create(self):
        now = fields.Datetime.now()
        # assignment, per team in creation order
        by_team = defaultdict(lambda: self.browse())
        for ticket in self:
            if ticket.team_id and not ticket.user_id:
                by_team[ticket.team_id] |= ticket
        assigned = defaultdict(lambda: self.browse())
        for team, tickets in by_team.items():
            for ticket, user in team._assign_tickets(tickets).items():
                assigned[user] |= ticket
        for user, tickets in assigned.items():
            tickets.write({"user_id": user.id})
        self.filtered("user_id").assign_date = now
        # the customer follows their ticket (gets the agents' replies)
        by_partner = defaultdict(list)
        for ticket in self:
            if ticket.partner_id:
                by_partner[ticket.partner_id.id].append(ticket.id)
        for partner_id, ticket_ids in by_partner.items():
            self.env["mail.followers"]._insert_followers(
                self._name, ticket_ids, [partner_id], check_existing=True
            )
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

    def _send_acknowledgement(self):
        """Email every new ticket's customer its number and portal link, in
        the customer's language (rendered in batch by the mass composer)."""
        template = self.env.ref(
            "crm_suite.mail_template_ticket_acknowledgement", raise_if_not_found=False
        )
        tickets = self.filtered(lambda t: t.partner_id.email or t.partner_email)
        if template and tickets:
            # sudo: the customer opening a ticket (portal, public form) sends
            # the acknowledgement of their own ticket. Queued (not sent in the
            # request): the mail queue job sends it.
            tickets.sudo().message_mail_with_source(template, force_send=False)
            tickets._log_acknowledgement()

    def _log_acknowledgement(self):
        """Say in the ticket's public history (the portal's too) that the
        acknowledgement went out: a short line in the customer's language, not
        the email itself, whose web form confirmation link is its addressee's."""
        by_company = defaultdict(dict)
        for ticket in self:
            lang = ticket.partner_id.lang or self.env.lang
            # escaped: a ticket number given over the API is text, not markup
            by_company[ticket.company_id][ticket.id] = Markup(
                "<p>%s</p>"
            ) % ticket.with_context(lang=lang).env._(
                "We have received your request and opened the ticket %(number)s. "
                "A confirmation was sent to you by email.",
                number=ticket.number,
            )
        messages = self.env["mail.message"]
        for company, bodies in by_company.items():
            # sudo: a log on tickets being created, by whoever opens them
            messages |= (
                self.browse(list(bodies))
                .sudo()
                ._message_log_batch(
                    bodies, author_id=company.partner_id.id, message_type="comment"
                )
            )
        # public: the customer reads it on the portal
        messages.write(
            {"subtype_id": self.env.ref("mail.mt_comment").id, "is_internal": False}
        )

    def write(self, vals):
        if "name" in vals and not (vals["name"] or "").strip():
            raise ValidationError(
                self.env._(
                    "A ticket needs a subject: say in a few words what is wrong."
                )
            )
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

    def _on_stage_changed(self, old_stages, old_closed, now):
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
            for ticket, value in zip(tickets, hours, strict=True):
                ticket.write({hours_field: value})

    def _get_sla_calendar(self):
        self.ensure_one()
        return (
            self.team_id.resource_calendar_id
            or self.company_id.resource_calendar_id
            or self.env["resource.calendar"]
        )

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for ticket, vals in zip(self, vals_list, strict=True):
            if "name" not in (default or {}):
                vals["name"] = self.env._("%(name)s (copy)", name=ticket.name)
        return vals_list

    # ------------------------------------------------------------
    # Mail
    # ------------------------------------------------------------

    def _creation_subtype(self):
        return self.env.ref("crm_suite.mt_ticket_new")

    def _track_subtype(self, init_values):
        self.ensure_one()
        if "stage_id" in init_values:
            return self.env.ref("crm_suite.mt_ticket_stage")
        return super()._track_subtype(init_values)

    def _track_template(self, changes):
        res = super()._track_template(changes)
        ticket = self[0]
        if "stage_id" in changes and ticket.stage_id.template_id and ticket.partner_id:
            res["stage_id"] = (
                ticket.stage_id.template_id,
                {
                    "auto_delete_keep_log": False,
                    "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id(
                        "mail.mt_note"
                    ),
                    "email_layout_xmlid": "mail.mail_notification_light",
                    # queued for the mail job, not sent in the agent's request
                    "force_send": False,
                },
            )
        return res

    def _notify_get_reply_to(self, default=None):
        """Replies go to the team's alias, so they thread into the ticket."""
        res = super()._notify_get_reply_to(default=default)
        # sudo: whoever posts (a portal customer too) replies through the
        # team's alias, which only administrators may read
        for ticket in self.sudo():
            alias = ticket.team_id.alias_id
            if alias.alias_name and alias.alias_domain_id:
                res[ticket.id] = self._notify_get_reply_to_formatted_email(
                    alias.alias_full_name,
                    ticket.team_id.name,
                    company=ticket.company_id,
                )
        return res

    def _mail_get_partner_fields(self, introspect_fields=False):
        return ["partner_id"]

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A new email to a team's alias: the sender is the customer (created
        when unknown, in the company's language), CC'd contacts follow."""
        custom_values = dict(custom_values or {})
        subject = (msg_dict.get("subject") or "").strip()
        if not subject:
            body = html2plaintext(msg_dict.get("body") or "").strip()
            subject = body.split("\n")[0][:80] if body else ""
        custom_values.setdefault(
            "name", subject or self.env._("Email without a subject")
        )
        custom_values.setdefault("description", msg_dict.get("body"))
        custom_values.setdefault("channel", "email")
        author = self.env["res.partner"].browse(msg_dict.get("author_id") or [])
        if not author and msg_dict.get("email_from"):
            try:
                author = self._find_or_create_customer(msg_dict["email_from"])
            except UserError:
                author = self.env["res.partner"]
        if author:
            custom_values.setdefault("partner_id", author.id)
            msg_dict["author_id"] = author.id
        dropped = self._split_oversized_attachments(msg_dict)
        ticket = super().message_new(msg_dict, custom_values=custom_values)
        if ticket.partner_id.email_normalized:
            # the gateway copies the raw From header; keep the plain address
            ticket.partner_email = ticket.partner_id.email_normalized
        ticket._note_dropped_attachments(dropped)
        ticket._subscribe_cc(msg_dict)
        # sudo: conversation bookkeeping, whatever the gateway user may write
        ticket.sudo().last_customer_message_date = fields.Datetime.now()
        return ticket

    def message_update(self, msg_dict, update_vals=None):
        dropped = self._split_oversized_attachments(msg_dict)
        res = super().message_update(msg_dict, update_vals=update_vals)
        self._note_dropped_attachments(dropped)
        self._subscribe_cc(msg_dict)
        return res

    def _subscribe_cc(self, msg_dict):
        """Addresses in To and CC follow the ticket when they are contacts of
        its customer (same commercial entity): anyone can send an email with
        a customer's From and their own address in CC, and followers receive
        the agents' replies. A team with ``allow_new_cc_followers`` lets
        unknown addresses follow too (they become contacts). Our own aliases
        (Odoo's partner lookup skips them) and catchall or bounce addresses
        never follow."""
        emails = tools.mail.email_split_and_format(
            ",".join(filter(None, [msg_dict.get("cc"), msg_dict.get("to")]))
        )
        # sudo: alias domains are configuration the gateway's user may not read
        domains = self.env["mail.alias.domain"].sudo().search([])
        technical = set(domains.mapped("catchall_email")) | set(
            domains.mapped("bounce_email")
        )
        for ticket in self:
            customer = tools.email_normalize(ticket.partner_email or "")
            wanted = {
                normalized: email
                for email in emails
                if (normalized := tools.email_normalize(email))
                and normalized not in technical
                and normalized != customer
            }
            if not wanted:
                continue
            if ticket.team_id.allow_new_cc_followers:
                # sudo: the mail gateway runs as the alias owner; CC'd people
                # become contacts so that they get the replies, as they expect
                partners = ticket.sudo()._mail_find_partner_from_emails(
                    list(wanted.values()), records=ticket, force_create=True
                )
            elif entity := ticket.partner_id.commercial_partner_id:
                # sudo: the gateway's user may not read every contact of the
                # customer; only the customer's own contacts are looked up
                partners = (
                    self.env["res.partner"]
                    .sudo()
                    .search(
                        [
                            ("email_normalized", "in", list(wanted)),
                            ("commercial_partner_id", "=", entity.id),
                        ],
                        order="id",
                    )
                )
            else:
                continue
            partner_ids = list(dict.fromkeys(p.id for p in partners if p))
            if partner_ids:
                ticket.message_subscribe(partner_ids=partner_ids)

    def _message_post_after_hook(self, message, msg_values):
        """Track who spoke last: the customer or an agent. An agent's first
        public answer is the first response."""
        res = super()._message_post_after_hook(message, msg_values)
        if self.env.context.get("crm_ticket_system_message"):
            return res
        if message.message_type not in ("comment", "email"):
            return res
        if message.subtype_id != self.env.ref("mail.mt_comment"):
            return res
        author = message.author_id
        now = fields.Datetime.now()
        for ticket in self:
            # sudo: bookkeeping of the conversation, for any participant
            ticket_su = ticket.sudo()
            is_agent = (
                author
                and any(not user.share for user in author.user_ids)
                and author != ticket.partner_id
            )
            if is_agent:
                vals = {"last_agent_message_date": now}
                if not ticket.first_response_date:
                    vals["first_response_date"] = now
                ticket_su.write(vals)
                if "first_response_date" in vals:
                    ticket_su._compute_work_hours(
                        "first_response_date", "first_response_hours"
                    )
                    # sudo: see _sla_mark_reached
                    self.env["crm.ticket.sla.status"].sudo()._sla_mark_reached(
                        ticket_su, "response", now
                    )
            else:
                ticket_su.write(
                    {
                        "last_customer_message_date": now,
                        "auto_close_warning_date": False,
                    }
                )
        return res

    def _rating_get_partner(self):
        return self.partner_id or super()._rating_get_partner()

    def _rating_get_operator(self):
        return self.user_id.partner_id

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_assign_to_me(self):
        self.check_access("write")
        self.write({"user_id": self.env.user.id})
        return True

    def action_close(self):
        """Move to the team's first closing stage (one lookup per team)."""
        self.check_access("write")
        for __, tickets in (
            self.filtered(lambda t: not t.is_closed).grouped("team_id").items()
        ):
            stage = tickets[0]._get_applicable_stages().filtered("is_closed")[:1]
            if not stage:
                raise UserError(
                    self.env._(
                        "The team %(team)s has no closing stage: add one in the "
                        "configuration.",
                        team=tickets[0].team_id.name or "-",
                    )
                )
            tickets.stage_id = stage
        return True

    def action_view_customer_tickets(self):
        self.ensure_one()
        self.check_access("read")
        return self.commercial_partner_id.action_view_crm_tickets()

    def action_open_merge(self):
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Merge Tickets"),
            "res_model": "crm.ticket.merge",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": self._name, "active_ids": self.ids},
        }

    def action_create_lead(self):
        """Share with sales: open an opportunity for this customer."""
        self.ensure_one()
        self.check_access("write")
        lead = self.env["crm.lead"].create(
            {
                "name": self.name,
                "partner_id": self.partner_id.id,
                "type": "opportunity",
                "description": self.description,
                "company_id": self.company_id.id,
            }
        )
        self.lead_id = lead
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": lead.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------
    # Similar tickets
    # ------------------------------------------------------------

    @api.model
    def _has_trigram(self):
        self.env.cr.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return bool(self.env.cr.fetchone())

    def _compute_similar_ticket_ids(self):
        """Closed tickets of the same company with a similar subject: trigram
        similarity when PostgreSQL has pg_trgm, else shared words."""
        trigram = self._has_trigram() if self.ids else False
        for ticket in self:
            ticket.similar_ticket_ids = (
                ticket._find_similar(trigram) if ticket.id else False
            )

    def _find_similar(self, trigram, limit=5):
        self.ensure_one()
        base = [
            ("id", "!=", self.id),
            ("is_closed", "=", True),
            ("company_id", "=", self.company_id.id),
        ]
        if trigram:
            query = self._search(base)
            self.env.cr.execute(
                SQL(
                    """SELECT crm_ticket.id FROM %s WHERE %s
                       AND similarity(crm_ticket.name, %s) > 0.3
                       ORDER BY similarity(crm_ticket.name, %s) DESC LIMIT %s""",
                    query.from_clause,
                    query.where_clause or SQL("TRUE"),
                    self.name,
                    self.name,
                    limit,
                )
            )
            return self.browse([row[0] for row in self.env.cr.fetchall()])
        words = [w for w in (self.name or "").split() if len(w) > 3][:5]
        if not words:
            return self.browse()
        domain = expression.OR([[("name", "ilike", word)] for word in words])
        return self.search(expression.AND([base, domain]), limit=limit)

    def init(self):
        res = super().init()
        # pg_trgm may be missing or not creatable by this role: then similar
        # tickets fall back on shared words
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception:  # noqa: BLE001 - any refusal means no trigram support
            _logger.info("pg_trgm is not available: similar tickets use words")
        if self._has_trigram():
            self.env.cr.execute(
                "CREATE INDEX IF NOT EXISTS crm_ticket_name_trgm_idx "
                "ON crm_ticket USING gin (name gin_trgm_ops)"
            )
        return res

    # ------------------------------------------------------------
    # Scheduled jobs
    # ------------------------------------------------------------

    @api.model
    def _cron_auto_close(self, batch_size=500):
        """Warn, then close, tickets waiting on the customer for too long.

        The agent spoke last and the customer has been silent for the team's
        delay: first a warning (once), then the closing. Locked rows are
        skipped, so two workers never act on the same ticket.
        """
        now = fields.Datetime.now()
        teams = self.env["crm.ticket.team"].search([("auto_close_days", ">", 0)])
        for team in teams:
            close_before = now - timedelta(days=team.auto_close_days)
            warn_before = now - timedelta(
                days=max(team.auto_close_days - team.auto_close_warning_days, 0)
            )
            self.flush_model()
            self.env.cr.execute(
                SQL(
                    """
                    SELECT t.id FROM crm_ticket t
                     WHERE t.team_id = %s AND t.active
                       AND NOT COALESCE(t.is_closed, FALSE)
                       AND t.last_agent_message_date IS NOT NULL
                       AND t.last_agent_message_date
                           > COALESCE(t.last_customer_message_date, '1970-01-01')
                       AND t.last_agent_message_date < %s
                     ORDER BY t.id LIMIT %s
                     FOR UPDATE SKIP LOCKED
                    """,
                    team.id,
                    warn_before,
                    batch_size,
                )
            )
            tickets = self.browse([row[0] for row in self.env.cr.fetchall()])
            to_close = tickets.filtered(
                lambda t, limit=close_before: t.auto_close_warning_date
                and t.last_agent_message_date < limit
            )
            to_warn = tickets.filtered(lambda t: not t.auto_close_warning_date)
            if to_warn:
                template = self.env.ref(
                    "crm_suite.mail_template_ticket_auto_close_warning"
                )
                to_warn.with_context(
                    crm_ticket_system_message=True
                ).message_post_with_source(template, subtype_xmlid="mail.mt_comment")
                # a system message: the agent's last message date stays
                to_warn.write({"auto_close_warning_date": now})
            if len(tickets) == batch_size:
                self.env.ref("crm_suite.ir_cron_crm_ticket_auto_close")._trigger()
            for ticket in to_close:
                ticket.action_close()
                ticket.message_post(
                    body=self.env._(
                        "Closed automatically: no reply from the customer for "
                        "%(days)s days.",
                        days=team.auto_close_days,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
