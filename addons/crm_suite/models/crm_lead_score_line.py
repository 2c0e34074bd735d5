# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError


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
            if line.rule_id.rule_type == "engagement" and line.rule_id.decay_days:
                age = max((today - line.date.date()).days, 0) if line.date else 0
                factor = 0.5 ** (age / line.rule_id.decay_days)
            by_lead_rule[(line.lead_id.id, line.rule_id.id)].append(
                (line, line.points * factor)
            )
        for (__, __), items in by_lead_rule.items():
            cap = items[0][0].rule_id.max_points
            if not cap:
                for line, value in items:
                    line.points_current = value
                continue
            # The cap takes the biggest contributions first.
            used = 0.0
            for line, value in sorted(items, key=lambda item: -abs(item[1])):
                take = min(abs(value), max(cap - used, 0.0))
                used += take
                line.points_current = take if value >= 0 else -take

    def _compute_source_name(self):
        # One read per source model, whatever the number of lines.
        ids_by_model = defaultdict(set)
        for line in self:
            if line.res_model in self.env and line.res_id:
                ids_by_model[line.res_model].add(line.res_id)
        names = {}
        for model, ids in ids_by_model.items():
            # sudo: only the display name of the source is shown
            for record in self.env[model].sudo().browse(ids).exists():
                names[(model, record.id)] = record.display_name
        for line in self:
            line.source_name = (
                names.get((line.res_model, line.res_id)) or line.res_model
            )

    @api.model_create_multi
    def create(self, vals_list):
        rules = self.env["crm.score.rule"].browse(
            [vals["rule_id"] for vals in vals_list if vals.get("rule_id")]
        )
        points = {rule.id: rule.points for rule in rules}
        leads = self.env["crm.lead"].browse(
            [vals["lead_id"] for vals in vals_list if vals.get("lead_id")]
        )
        # sudo: the line keeps its lead's company, whatever the creator may read
        companies = {lead.id: lead.company_id.id for lead in leads.sudo()}
        for vals in vals_list:
            if "points" not in vals and vals.get("rule_id"):
                vals["points"] = points.get(vals["rule_id"], 0.0)
            if "company_id" not in vals and vals.get("lead_id"):
                vals["company_id"] = companies.get(vals["lead_id"]) or False
        lines = super().create(vals_list)
        lines.lead_id._score_recompute_later()
        return lines

    def write(self, vals):
        leads = self.lead_id
        res = super().write(vals)
        (leads | self.lead_id)._score_recompute_later()
        return res

    def unlink(self):
        leads = self.lead_id
        res = super().unlink()
        leads._score_recompute_later()
        return res

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
            raise UserError(_("The source of this score line no longer exists."))
        record.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "views": [(False, "form")],
        }
