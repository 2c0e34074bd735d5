# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..engines import scoring

# Set by the scoring engine only (superuser): a line made by hand has none.
ENGINE_FIELDS = {"res_model", "res_id", "event_id", "is_manual"}


class CrmLeadScoreLine(models.Model):
    """One reason behind a lead's score: a fit rule it matches, or an event
    that earned engagement points.

    The scoring engine keeps these lines in step with the rules and events.
    A line created by hand is a manual adjustment: it is kept by every
    recompute and counts (with decay, for an engagement rule) like an event.
    """

    _name = "crm.lead.score.line"
    _description = "Lead Score Line"
    _order = "lead_id, rule_type, date desc, id desc"

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade", index=True)
    rule_id = fields.Many2one(
        "crm.score.rule", required=True, ondelete="cascade", index=True
    )
    rule_type = fields.Selection(related="rule_id.rule_type", store=True)
    points = fields.Float(
        help="Points the rule gave (before decay and cap).",
    )
    points_current = fields.Float(
        string="Points Now",
        compute="_compute_points_current",
        help="What this line adds to the score today, after decay and the "
        "rule's cap.",
    )
    date = fields.Datetime(
        default=fields.Datetime.now,
        required=True,
        help="When the lead matched the rule, or when the event happened.",
    )
    event_id = fields.Many2one("crm.score.event", ondelete="cascade", index=True)
    res_model = fields.Char(string="Source Model")
    res_id = fields.Many2oneReference(string="Source Record", model_field="res_model")
    source_name = fields.Char(string="Source", compute="_compute_source_name")
    is_manual = fields.Boolean(
        string="Manual", default=True, readonly=True, help="Adjustment made by hand."
    )
    # The lead's company when the line was written (set by the engine and on
    # create; not a related field, so that writing leads never reads lines).
    company_id = fields.Many2one("res.company", readonly=True)

    def init(self):
        # The engine upserts its lines on this key (manual lines are free).
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS crm_lead_score_line_engine_uniq
            ON crm_lead_score_line (lead_id, rule_id, COALESCE(event_id, 0))
            WHERE NOT is_manual
            """
        )

    @api.depends("points", "date", "rule_id.decay_days", "rule_id.max_points")
    def _compute_points_current(self):
        today = self.env["crm.lead"]._score_today()  # as the engine, whole days
        by_lead_rule = defaultdict(list)
        for line in self:
            factor = 1.0
            if line.rule_id.rule_type == "engagement" and line.date:
                age = (today - line.date.date()).days
                factor = scoring.decay_factor(age, line.rule_id.decay_days)
            by_lead_rule[(line.lead_id.id, line.rule_id.id)].append(
                (line, line.points * factor)
            )
        for items in by_lead_rule.values():
            # The cap takes the biggest contributions first.
            shares = scoring.cap_contributions(
                [value for __, value in items], items[0][0].rule_id.max_points
            )
            for (line, __), share in zip(items, shares, strict=True):
                line.points_current = share

    @api.depends("res_model", "res_id")
    @api.depends_context("uid")
    def _compute_source_name(self):
        """The source's name as the reader sees it: a source they may not
        read (or that is gone) shows its kind only ("Ticket", "Email
        Trace"...). Computed with the real user's rights even when read
        through a superuser's field (a many2one's display name)."""
        # One read per source model, whatever the number of lines.
        ids_by_model = defaultdict(set)
        for line in self:
            if line.res_model in self.env and line.res_id:
                ids_by_model[line.res_model].add(line.res_id)
        names = {}
        for model, ids in ids_by_model.items():
            records = self.env[model].sudo(False).browse(ids).exists()
            for record in records._filtered_access("read"):
                try:
                    names[(model, record.id)] = record.display_name
                except AccessError:
                    continue
        labels = {}
        for line in self:
            name = names.get((line.res_model, line.res_id))
            if not name and line.res_model:
                if line.res_model not in labels:
                    # sudo: the label of the source's model, no record's data
                    model = self.env["ir.model"].sudo()._get(line.res_model)
                    labels[line.res_model] = model.name or line.res_model
                name = labels[line.res_model]
            line.source_name = name or False

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                self._check_engine_fields(vals)
                vals["is_manual"] = True
        rules = self.env["crm.score.rule"].browse(
            [vals["rule_id"] for vals in vals_list if vals.get("rule_id")]
        )
        points = {rule.id: rule.points for rule in rules}
        leads = self.env["crm.lead"].browse(
            [vals["lead_id"] for vals in vals_list if vals.get("lead_id")]
        )
        if not self.env.su:
            self._check_leads_and_rules(leads, rules, vals_list)
        # sudo: the line keeps its lead's company, whatever the creator may read
        companies = {lead.id: lead.company_id.id for lead in leads.sudo()}
        for vals in vals_list:
            if "points" not in vals and vals.get("rule_id"):
                vals["points"] = points.get(vals["rule_id"], 0.0)
            # always the lead's company: the record rules follow the lead
            vals["company_id"] = companies.get(vals.get("lead_id")) or False
        lines = super().create(vals_list)
        lines.lead_id._score_recompute_later()
        return lines

    def write(self, vals):
        vals = dict(vals)
        # the company is the lead's, never written by hand
        vals.pop("company_id", None)
        if not self.env.su:
            self._check_engine_fields(vals, writing=True)
            self.lead_id.check_access("write")
            if "lead_id" in vals or "rule_id" in vals:
                targets = [
                    {
                        "lead_id": vals.get("lead_id", line.lead_id.id),
                        "rule_id": vals.get("rule_id", line.rule_id.id),
                    }
                    for line in self
                ]
                self._check_leads_and_rules(
                    self.env["crm.lead"].browse({t["lead_id"] for t in targets}),
                    self.env["crm.score.rule"].browse({t["rule_id"] for t in targets}),
                    targets,
                )
        leads = self.lead_id
        res = super().write(vals)
        if "lead_id" in vals:
            # sudo: the line follows its lead's company (checked above)
            lead = self.env["crm.lead"].sudo().browse(vals["lead_id"])
            super(CrmLeadScoreLine, self.sudo()).write(
                {"company_id": lead.company_id.id or False}
            )
        (leads | self.lead_id)._score_recompute_later()
        return res

    def unlink(self):
        if not self.env.su:
            self.lead_id.check_access("write")
        leads = self.lead_id
        res = super().unlink()
        leads._score_recompute_later()
        return res

    @api.model
    def _check_engine_fields(self, vals, writing=False):
        """The source of a line (its event, record) is the engine's: a line
        made by hand is a manual adjustment, with no source."""
        if writing:
            refused = ENGINE_FIELDS & set(vals)
        else:
            refused = {
                field for field in ENGINE_FIELDS - {"is_manual"} if vals.get(field)
            }
            if "is_manual" in vals and not vals["is_manual"]:
                refused.add("is_manual")
        if refused:
            raise UserError(
                self.env._(
                    "A score line made by hand is a manual adjustment: its source "
                    "(%(fields)s) is set by the scoring engine only. Leave these "
                    "fields out.",
                    fields=", ".join(sorted(refused)),
                )
            )

    @api.model
    def _check_leads_and_rules(self, leads, rules, vals_list):
        """A manual line goes on a lead the user may change, with a rule of
        that lead's company (or of every company)."""
        leads.check_access("write")
        rules.check_access("read")
        # sudo: the companies of records the user may change (checked above)
        lead_company = {lead.id: lead.company_id for lead in leads.sudo()}
        rule_company = {rule.id: rule.company_id for rule in rules.sudo()}
        for vals in vals_list:
            company = rule_company.get(vals.get("rule_id"))
            if company and company != lead_company.get(vals.get("lead_id")):
                raise UserError(
                    self.env._(
                        "This scoring rule belongs to another company than the "
                        "lead: choose a rule of the lead's company or of every "
                        "company."
                    )
                )

    def action_open_source(self):
        """Open the record the line comes from (the lead, the mailing trace,
        the message of a done activity...), with the user's own rights."""
        self.ensure_one()
        self.check_access("read")
        record = (
            self.env[self.res_model].browse(self.res_id).exists()
            if self.res_model in self.env and self.res_id
            else None
        )
        if not record:
            raise UserError(
                self.env._("The source of this score line no longer exists.")
            )
        record.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "views": [(False, "form")],
        }
