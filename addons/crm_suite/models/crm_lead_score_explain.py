# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import models
from odoo.tools import float_repr

from ..engines import scoring


def _num(value):
    """A figure as a reader writes it: 12, 12.5, -5 (never 12.000000)."""
    text = float_repr(round(value or 0.0, 2), 2)
    return text.rstrip("0").rstrip(".") if "." in text else text


class CrmLeadScoreExplain(models.AbstractModel):
    """ "Why this score?": the arithmetic of FEATURES.md written out with the
    lead's own figures (raw sums, clamps, the team's weights and thresholds),
    so that a reader can redo it from the screen."""

    _name = "crm.lead.score.explain"
    _description = "Lead Score Explanation"

    def _score_team_settings(self):
        """((wf, we, wp), (warm, hot)) of the lead's team, the defaults without
        one (as the scoring engine does)."""
        # sudo: the team's scoring settings explain a score the user sees
        team = self.team_id.sudo()
        if not team:
            return self._score_team_defaults()
        return (
            (
                team.score_weight_fit,
                team.score_weight_engagement,
                team.score_weight_predictive,
            ),
            (team.score_warm_threshold, team.score_hot_threshold),
        )

    def _score_arithmetic_html(self, raw_engagement):
        """The explanation table of one lead; ``raw_engagement`` is the sum of
        its engagement lines as of today (faded, each rule capped), before
        the 0-100 clamp."""
        self.ensure_one()
        _ = self.env._
        weights, thresholds = self._score_team_settings()
        wf, we, wp = weights
        fit, eng, pred = self.score_fit, self.score_engagement, self.score_predictive
        score = scoring.blend(fit, eng, pred, weights)
        band = scoring.band(score, thresholds)
        bands = dict(self._fields["score_band"]._description_selection(self.env))
        formula = _(
            "Score = round((%(wf)s × %(fit)s + %(we)s × %(eng)s + %(wp)s × "
            "%(pred)s) / (%(wf)s + %(we)s + %(wp)s)) = %(score)s",
            wf=_num(wf),
            we=_num(we),
            wp=_num(wp),
            fit=_num(fit),
            eng=_num(eng),
            pred=_num(pred),
            score=score,
        )
        band_line = _(
            "Band: hot from %(hot)s, warm from %(warm)s, else cold: %(band)s",
            hot=thresholds[1],
            warm=thresholds[0],
            band=bands.get(band, band),
        )
        return Markup(
            "<table class='table table-sm o_crm_suite_arithmetic'><thead><tr>"
            "<th>%s</th><th>%s</th><th class='text-end'>%s</th>"
            "<th class='text-end'>%s</th></tr></thead><tbody>%s</tbody></table>"
            "<p class='mb-1'>%s</p><p class='mb-1'>%s</p>"
            "<p class='text-muted mb-1'>%s</p>%s"
        ) % (
            _("Part"),
            _("How"),
            _("Value"),
            _("Weight"),
            self._score_arithmetic_rows(raw_engagement, weights),
            formula,
            band_line,
            self._score_settings_note(weights, thresholds),
            self._score_stale_note(score, band, bands),
        )

    def _score_arithmetic_rows(self, raw_engagement, weights):
        """The table's rows: each part, how it is made, its value and weight."""
        _ = self.env._
        wf, we, wp = weights
        fit, eng, pred = self.score_fit, self.score_engagement, self.score_predictive
        rows = [
            (
                _("Fit"),
                _("points of the matching fit rules, clamped to 0-100"),
                _num(fit),
                _num(wf),
            ),
            (
                _("Engagement"),
                _(
                    "sum of the engagement lines as of today: %(raw)s, "
                    "clamped to 0-100",
                    raw=_num(raw_engagement),
                ),
                _num(eng),
                _num(we),
            ),
            (
                _("Predictive"),
                _(
                    "Odoo's probability when last scored (now %(probability)s%%)",
                    probability=_num(self.probability),
                ),
                _num(pred),
                _num(wp),
            ),
        ]
        return Markup("").join(
            Markup(
                "<tr><td>%s</td><td class='text-muted'>%s</td>"
                "<td class='text-end'>%s</td><td class='text-end'>%s</td></tr>"
            )
            % row
            for row in rows
        )

    def _score_settings_note(self, weights, thresholds):
        """Whose weights and thresholds the score uses."""
        _ = self.env._
        if self.team_id:
            return _(
                "Weights and thresholds of the team %(team)s.", team=self.team_id.name
            )
        return _(
            "No sales team: the default weights (%(weights)s) and "
            "thresholds (%(warm)s, %(hot)s).",
            weights=", ".join(_num(weight) for weight in weights),
            warm=thresholds[0],
            hot=thresholds[1],
        )

    def _score_stale_note(self, score, band, bands):
        """A warning when the stored score is not what the arithmetic gives
        today (decay, Odoo's probability moved)."""
        if (
            score == self.score
            and band == self.score_band
            and abs((self.probability or 0.0) - self.score_predictive) < 0.01
        ):
            return Markup("")
        return Markup("<p class='text-warning mb-0'>%s</p>") % self.env._(
            "The stored score (%(score)s, %(band)s) dates from its last "
            "recompute; engagement points fade every day and Odoo updates "
            "its probability. Recompute the score to bring it up to date.",
            score=self.score,
            band=bands.get(self.score_band, self.score_band),
        )

    def _score_predictive_summary_html(self):
        """The line above the table of Odoo's factors."""
        self.ensure_one()
        return Markup("<p>%s</p>") % self.env._(
            "Odoo's predicted probability: %(probability)s%%, the predictive "
            "score. Its strongest factors:",
            probability=_num(self.probability),
        )

    def _score_predictive_missing_html(self):
        """What the predictive part says when Odoo's factors cannot be shown."""
        self.ensure_one()
        _ = self.env._
        if self.stage_id.is_won:
            text = _(
                "The lead is won: Odoo sets its probability to 100%, which is "
                "its predictive score."
            )
        elif self.probability and not self.is_automated_probability:
            text = _(
                "The probability (%(probability)s%%) was set by hand: it is the "
                "predictive score; Odoo's factors do not apply.",
                probability=_num(self.probability),
            )
        elif self.probability:
            text = _(
                "Odoo predicts %(probability)s%% for this lead; its factors "
                "cannot be shown (they need won and lost leads in its team, "
                "and a stage).",
                probability=_num(self.probability),
            )
        else:
            text = _(
                "Odoo has no prediction for this lead yet (it needs won and "
                "lost leads in its team, and a stage)."
            )
        return Markup("<p>%s</p>") % text
