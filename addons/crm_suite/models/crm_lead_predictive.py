# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import models
from odoo.exceptions import UserError

from ..engines import predictive


class CrmLeadPredictive(models.AbstractModel):
    """ "Why this score?": the factors behind Odoo's predicted probability,
    read from Odoo's own frequency table (``engines.predictive`` does the
    arithmetic)."""

    _name = "crm.lead.predictive"
    _description = "Lead Predictive Factors"

    def _score_predictive_breakdown(self):
        """Rebuild, for each lead, the likelihood ratio of every variable
        behind Odoo's naive-Bayes probability, from crm.lead.scoring.frequency.

        The probability Odoo stores is ``odds / (1 + odds)`` with
        ``odds = prior_odds x product(ratio)``; this returns those terms.

        :return: {lead_id: {"prior_odds": float, "factors": [{"field",
            "value", "won", "lost", "ratio"}...]}} (a lead Odoo cannot score,
            e.g. without stage, a won stage or a team without both outcomes,
            is left out)
        """
        # sudo: Odoo's frequency table is readable by no user role; the ratios
        # only explain a probability the user already sees on the lead.
        Lead = self.sudo()
        if not self.ids:
            return {}
        lead_values = Lead._pls_get_lead_pls_values(domain=[("id", "in", self.ids)])
        variables = sorted(
            {field for values in lead_values.values() for field, __ in values["values"]}
        )
        tables = self._score_frequency_tables(variables)
        totals = {
            key: Lead._pls_get_won_lost_total_count(table)
            for key, table in tables.items()
        }
        won_stages = set(self.env["crm.stage"].search([("is_won", "=", True)]).ids)
        result = {}
        for lead_id, values in lead_values.items():
            pairs = values["values"]
            stage = dict(pairs).get("stage_id")
            if not stage or stage in won_stages:
                continue
            key = (
                values["team_id"]
                if values["team_id"] in tables
                else predictive.ALL_TEAMS
            )
            team_won, team_lost, __ = totals.get(key, (0, 0, 0))
            if not team_won or not team_lost:
                continue
            result[lead_id] = {
                "prior_odds": team_won / team_lost,
                "factors": predictive.lead_factors(
                    pairs, tables[key], team_won, team_lost
                ),
            }
        return result

    def _score_frequency_tables(self, variables):
        """Odoo's frequency table of ``variables``, per team and for all."""
        # sudo: see _score_predictive_breakdown
        frequencies = (
            self.env["crm.lead.scoring.frequency"]
            .sudo()
            .search_read(
                [("variable", "in", variables)],
                ["variable", "value", "won_count", "lost_count", "team_id"],
            )
        )
        return predictive.frequency_tables(
            (
                freq["variable"],
                freq["value"],
                freq["won_count"],
                freq["lost_count"],
                freq["team_id"] and freq["team_id"][0],
            )
            for freq in frequencies
        )

    def _score_factor_label(self, field, value):
        field_name = "tag_ids" if field == "tag_id" else field
        model_field = self._fields.get(field_name)
        label = (
            model_field.get_description(self.env)["string"] if model_field else field
        )
        if model_field is None:
            return label, str(value)
        if model_field.type in ("many2one", "many2many"):
            # sudo: only the name of a stage, country, tag... the lead refers to
            record = (
                self.env[model_field.comodel_name].sudo().browse(int(value)).exists()
            )
            return label, record.display_name if record else str(value)
        if model_field.type == "selection":
            selection = dict(model_field._description_selection(self.env))
            return label, selection.get(value, str(value))
        return label, str(value)

    def get_score_predictive_factors(self, limit=5):
        """The top factors behind each lead's predicted probability, strongest
        first: ``{lead_id: [{"field", "label", "value", "ratio"}...]}``."""
        self.check_access("read")
        try:
            limit = max(int(limit), 0)
        except (TypeError, ValueError) as error:
            raise UserError(
                self.env._(
                    "The number of factors must be a whole number, not %(value)s.",
                    value=limit,
                )
            ) from error
        breakdown = self._score_predictive_breakdown()
        result = {}
        for lead in self:
            rows = []
            factors = breakdown.get(lead.id, {}).get("factors", [])
            for factor in predictive.strongest(factors, limit):
                label, value = lead._score_factor_label(
                    factor["field"], factor["value"]
                )
                rows.append(
                    {
                        "field": factor["field"],
                        "label": label,
                        "value": value,
                        "ratio": round(factor["ratio"], 4),
                    }
                )
            result[lead.id] = rows
        return result

    def _score_predictive_factors_table(self, rows):
        """The summary and the table of one lead's factors ``rows``."""
        self.ensure_one()
        _ = self.env._
        body = Markup("").join(
            Markup("<tr><td>%s</td><td>%s</td><td class='text-end %s'>%s</td></tr>")
            % (
                row["label"],
                row["value"],
                "text-success" if row["ratio"] >= 1 else "text-danger",
                _("×%(ratio)s more likely to win", ratio=round(row["ratio"], 2))
                if row["ratio"] >= 1
                else _(
                    "×%(ratio)s more likely to lose",
                    ratio=round(1 / row["ratio"], 2),
                ),
            )
            for row in rows
        )
        return self._score_predictive_summary_html() + Markup(
            "<table class='table table-sm o_crm_suite_factors'><thead><tr>"
            "<th>%s</th><th>%s</th><th class='text-end'>%s</th></tr></thead>"
            "<tbody>%s</tbody></table>"
        ) % (_("Factor"), _("Value"), _("Effect"), body)
