# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
""" "Why this grade?": each factor's value, rank, weight and contribution, the
score's formula written out with the numbers, and the profile's limits."""

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import float_round

from ..engines import profitability as engine


class CrmProfitabilityExplain(models.AbstractModel):
    _name = "crm.profitability.explain"
    _description = "Profitability: the explanation"

    score_explanation = fields.Html(
        "Why this grade?", compute="_compute_score_explanation", sanitize=False
    )

    def _prof_factor_labels(self):
        _ = self.env._
        return {
            "revenue": (_("Revenue"), "revenue"),
            "profit": (_("Profit"), "profit"),
            "payment": (_("Payment score"), "payment_score"),
            "lifetime": (_("Lifetime (days)"), "lifetime_days"),
            "average_invoice": (_("Average invoice"), "average_invoice"),
            "cost": (_("Total cost (less is better)"), "cost_total"),
        }

    @api.depends("score", "grade", "profile_id")
    def _compute_score_explanation(self):
        for record in self:
            record.score_explanation = (
                record._prof_explain() if record.profile_id else False
            )

    def _prof_explain_rows(self):
        """[(label, value, rank, weight, contribution)] of one record."""
        self.ensure_one()
        weights = self.profile_id._prof_weights()
        ranks = {key: self[f"rank_{key}"] for key, _higher in engine.FACTORS}
        shares = engine.contributions(ranks, weights)
        labels = self._prof_factor_labels()
        return [
            (
                labels[key][0],
                self[labels[key][1]],
                ranks[key],
                weights[key],
                shares[key],
            )
            for key, _higher in engine.FACTORS
        ]

    def _prof_explain(self):
        self.ensure_one()
        _ = self.env._
        rows = self._prof_explain_rows()
        lines = Markup("").join(
            Markup(
                "<tr><td>%s</td><td class='text-end'>%s</td>"
                "<td class='text-end'>%s</td><td class='text-end'>%s</td>"
                "<td class='text-end'>%s</td></tr>"
            )
            % (
                label,
                _num(value),
                _num(rank),
                _num(weight),
                _num(share) if weight else _("left out"),
            )
            for label, value, rank, weight, share in rows
        )
        used = [(rank, weight) for _l, _v, rank, weight, _s in rows if weight]
        formula = "round((%s) / (%s)) = %s" % (
            " + ".join(f"{_num(w)} x {_num(r)}" for r, w in used),
            " + ".join(_num(w) for _r, w in used),
            self.score,
        )
        profile = self.profile_id
        limits = _(
            "Grades: A from %(a)s, B from %(b)s, C from %(c)s, D from %(d)s, else E.",
            a=_num(profile.grade_a_min),
            b=_num(profile.grade_b_min),
            c=_num(profile.grade_c_min),
            d=_num(profile.grade_d_min),
        )
        head = Markup("").join(
            Markup("<th>%s</th>") % title
            for title in (
                _("Factor"),
                _("Value"),
                _("Rank"),
                _("Weight"),
                _("Contribution"),
            )
        )
        return Markup(
            "<p>%s</p><table class='table table-sm o_crm_profitability_explain'>"
            "<thead><tr>%s</tr></thead><tbody>%s</tbody></table>"
            "<p><code>%s</code></p><p>%s</p>"
        ) % (
            _(
                "Each factor's rank is 100 x cume_dist among the %(count)s customers "
                "of this company and period (ties share a rank); the score is their "
                "weighted average; grade %(grade)s from the profile %(profile)s.",
                count=self._prof_population(),
                grade=self.grade or "",
                profile=profile.display_name,
            ),
            head,
            lines,
            escape(formula),
            limits,
        )

    def _prof_population(self):
        self.ensure_one()
        # sudo: the ranking's population (how many records of this company and
        # period), a count only, for a record the reader was allowed to open
        return self.sudo().search_count(
            [
                ("company_id", "=", self.company_id.id),
                ("date_from", "=", self.date_from),
                ("date_to", "=", self.date_to),
                ("is_daily", "=", self.is_daily),
            ]
        )


def _num(value):
    """A short number for the explanation (two decimals at most)."""
    text = f"{float_round(float(value or 0.0), precision_digits=2):.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
