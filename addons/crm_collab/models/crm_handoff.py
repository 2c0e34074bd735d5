# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A piece of work handed from a team or user to another: fields, checks,
and the receiver's buttons (accept, done, decline)."""

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

STATES = [
    ("proposed", "Proposed"),
    ("accepted", "Accepted"),
    ("done", "Done"),
    ("declined", "Declined"),
]
TRIGGERS = [
    ("manual", "By hand"),
    ("hot", "Lead turned hot"),
    ("won", "Opportunity won"),
]
# state -> the states it may come from
TRANSITIONS = {
    "accepted": ("proposed",),
    "done": ("proposed", "accepted"),
    "declined": ("proposed", "accepted"),
}


class CrmHandoff(models.Model):
    _name = "crm.handoff"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "crm.handoff.job",
        "crm.handoff.auto",
        "crm.handoff.receiver",
    ]
    _description = "Handoff"
    _order = "state_sequence, date_due, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda s: s.env.company
    )
    trigger = fields.Selection(
        TRIGGERS, default="manual", required=True, readonly=True, copy=False
    )
    # what it is about
    res_model = fields.Char(string="Document Model", required=True, index=True)
    res_id = fields.Many2oneReference(
        string="Document ID", model_field="res_model", required=True, index=True
    )
    res_name = fields.Char(string="Document", compute="_compute_res_name")
    partner_id = fields.Many2one("res.partner", string="Customer", index=True)
    # who hands it off
    from_team_id = fields.Many2one("crm.team", string="From Team", check_company=True)
    from_user_id = fields.Many2one(
        "res.users", string="From", default=lambda s: s.env.user, index=True
    )
    # who receives it
    to_team_id = fields.Many2one(
        "crm.team", string="To Sales Team", index=True, check_company=True
    )
    to_ticket_team_id = fields.Many2one(
        "crm.ticket.team", string="To Ticket Team", index=True, check_company=True
    )
    to_user_id = fields.Many2one("res.users", string="To", index=True, tracking=True)
    note = fields.Text()
    date_due = fields.Datetime(string="Due", tracking=True, index=True)
    state = fields.Selection(
        STATES, default="proposed", required=True, tracking=True, index=True, copy=False
    )
    state_sequence = fields.Integer(compute="_compute_state_sequence", store=True)
    accept_date = fields.Datetime(readonly=True, copy=False)
    done_date = fields.Datetime(readonly=True, copy=False)
    reminder_date = fields.Datetime(
        string="Reminded On", readonly=True, copy=False, index="btree_not_null"
    )
    # KPIs
    accept_hours = fields.Float(
        string="Hours to Accept",
        compute="_compute_accept_hours",
        store=True,
        aggregator="avg",
    )
    is_overdue = fields.Boolean(
        string="Overdue", compute="_compute_is_overdue", search="_search_is_overdue"
    )
    is_receiver = fields.Boolean(compute="_compute_is_receiver")

    _sql_constraints = [
        (
            "res_id_positive",
            "CHECK(res_id > 0)",
            "A handoff is about one document.",
        ),
    ]

    def init(self):
        # once per event: one automatic handoff per document and trigger
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS crm_handoff_trigger_uniq
                ON crm_handoff (res_model, res_id, trigger)
             WHERE trigger != 'manual'
            """
        )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("res_model", "res_id")
    def _compute_res_name(self):
        for model, handoffs in self.grouped("res_model").items():
            if model not in self.env:
                handoffs.res_name = False
                continue
            # only the names of the documents the reader may see
            names = {
                rec.id: rec.display_name
                for rec in self.env[model]
                .browse(handoffs.mapped("res_id"))
                .exists()
                ._filtered_access("read")
            }
            for handoff in handoffs:
                handoff.res_name = names.get(handoff.res_id, False)

    @api.depends("state")
    def _compute_state_sequence(self):
        order = {state: index for index, (state, __) in enumerate(STATES)}
        for handoff in self:
            handoff.state_sequence = order.get(handoff.state, 0)

    @api.depends("accept_date", "create_date")
    def _compute_accept_hours(self):
        for handoff in self:
            start = handoff.create_date
            handoff.accept_hours = (
                max((handoff.accept_date - start).total_seconds() / 3600, 0.0)
                if handoff.accept_date and start
                else 0.0
            )

    @api.depends("date_due", "state")
    def _compute_is_overdue(self):
        now = fields.Datetime.now()
        for handoff in self:
            handoff.is_overdue = bool(
                handoff.state in ("proposed", "accepted")
                and handoff.date_due
                and handoff.date_due < now
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search overdue handoffs with = or != only."))
        domain = [
            ("state", "in", ("proposed", "accepted")),
            ("date_due", "<", fields.Datetime.now()),
        ]
        return domain if (operator == "=") == value else ["!", *domain]

    @api.depends_context("uid")
    @api.depends("to_user_id", "to_team_id", "to_ticket_team_id")
    def _compute_is_receiver(self):
        user = self.env.user
        for handoff in self:
            handoff.is_receiver = handoff._may_receive(user)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("res_model")
    def _check_res_model(self):
        for handoff in self:
            self._check_model_name(handoff.res_model)

    @api.model
    def _check_model_name(self, model):
        if not (
            model
            and model in self.env
            and not self.env[model]._abstract
            and not self.env[model]._transient
        ):
            raise ValidationError(
                self.env._(
                    "%(model)s is not a model a handoff can be about: give the "
                    "technical name of a document's model (crm.lead, "
                    "crm.ticket, res.partner...).",
                    model=model,
                )
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        documents = defaultdict(set)
        for vals in vals_list:
            if vals.get("partner_id") and not (
                vals.get("res_model") or vals.get("res_id")
            ):
                # about the customer only: the customer is the document
                vals.update(res_model="res.partner", res_id=vals["partner_id"])
            if vals.get("res_model") and vals.get("res_id"):
                documents[vals["res_model"]].add(vals["res_id"])
        for model, res_ids in documents.items():
            self._check_documents(model, res_ids)
        self._default_partners(vals_list)
        for vals in vals_list:
            if not self.env.su and any(
                vals.get(f) for f in ("state", "accept_date", "done_date", "trigger")
            ):
                raise UserError(
                    self.env._("A new handoff is proposed; the receiver accepts it.")
                )
        handoffs = super().create(vals_list)
        handoffs._schedule_receiver_activity()
        return handoffs

    def write(self, vals):
        # the buttons' key counts under sudo only: any RPC client may send any
        # context
        transition = self.env.su and self.env.context.get("crm_handoff_transition")
        if not transition and {
            "state",
            "accept_date",
            "done_date",
            "trigger",
        }.intersection(vals):
            raise UserError(
                self.env._(
                    "Use the Accept, Done and Decline buttons to move a handoff."
                )
            )
        if "res_model" in vals or "res_id" in vals:
            for handoff in self:
                self._check_documents(
                    vals.get("res_model", handoff.res_model),
                    [vals.get("res_id", handoff.res_id)],
                )
        if "date_due" in vals:
            # a new due date: a new reminder
            vals = dict(vals, reminder_date=False)
        return super().write(vals)

    @api.model
    def _default_partners(self, vals_list):
        """A handoff without customer gets its document's: the contact itself,
        or the document's ``partner_id`` (read once per model)."""
        missing = defaultdict(list)
        for vals in vals_list:
            if (
                "partner_id" not in vals
                and vals.get("res_model")
                and vals.get("res_id")
            ):
                missing[vals["res_model"]].append(vals)
        for model, model_vals in missing.items():
            Model = self.env[model]
            if model == "res.partner":
                for vals in model_vals:
                    vals["partner_id"] = int(vals["res_id"])
                continue
            field = Model._fields.get("partner_id")
            if not field or field.comodel_name != "res.partner":
                continue
            records = Model.browse({int(vals["res_id"]) for vals in model_vals})
            partners = {record.id: record.partner_id.id for record in records}
            for vals in model_vals:
                vals["partner_id"] = partners.get(int(vals["res_id"])) or False

    @api.model
    def _check_documents(self, model, res_ids):
        """The documents exist and the caller may read them (as the caller:
        ids are untrusted input); one query per model."""
        self._check_model_name(model)
        ids = {int(res_id) for res_id in res_ids if res_id}
        records = self.env[model].browse(ids)
        missing = ids - set(records.exists().ids)
        if missing:
            raise ValidationError(
                self.env._(
                    "The document %(model)s,%(id)s does not exist.",
                    model=model,
                    id=min(missing),
                )
            )
        records.check_access("read")

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_accept(self):
        """The receiver takes the handoff (and becomes its user)."""
        self._check_transition("accepted")
        now = fields.Datetime.now()
        for handoff in self:
            handoff._transition(
                {
                    "state": "accepted",
                    "accept_date": now,
                    "to_user_id": handoff.to_user_id.id or self.env.uid,
                }
            )
        return True

    def action_done(self):
        self._check_transition("done")
        now = fields.Datetime.now()
        for handoff in self:
            handoff._transition(
                {
                    "state": "done",
                    "done_date": now,
                    "accept_date": handoff.accept_date or now,
                    "to_user_id": handoff.to_user_id.id or self.env.uid,
                }
            )
        self._close_receiver_activities()
        return True

    def action_decline(self):
        self._check_transition("declined")
        self._transition({"state": "declined", "done_date": fields.Datetime.now()})
        self._close_receiver_activities()
        return True

    def action_open_document(self):
        self.ensure_one()
        record = self.env[self.res_model].browse(self.res_id)
        record.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "views": [(False, "form")],
        }

    def _transition(self, vals):
        # sudo: the caller passed _check_transition (write access, receiver)
        self.sudo().with_context(crm_handoff_transition=True).write(vals)

    def _check_transition(self, state):
        """Only the receiver (or a CRM Collaboration administrator) moves a
        handoff, and only forward."""
        self.check_access("write")
        user = self.env.user
        if not user.has_group("crm_collab.group_crm_collab_manager"):
            refused = self.filtered(lambda h: not h._may_receive(user))
            if refused:
                raise AccessError(
                    self.env._(
                        "Only the receiver of the handoff %(name)s (its user, or a "
                        "member of its receiving team) or a CRM Collaboration "
                        "administrator may do this.",
                        name=refused[0].name,
                    )
                )
        wrong = self.filtered(lambda h: h.state not in TRANSITIONS[state])
        if wrong:
            states = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "The handoff %(name)s is %(state)s: it cannot be %(target)s.",
                    name=wrong[0].name,
                    state=states[wrong[0].state],
                    target=states[state].lower(),
                )
            )
