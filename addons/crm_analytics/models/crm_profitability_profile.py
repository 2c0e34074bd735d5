# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

GRADES = [("A", "A"), ("B", "B"), ("C", "C"), ("D", "D"), ("E", "E")]
# (weight field, factor label) in the order the explanation lists them
FACTOR_WEIGHTS = [
    "weight_revenue",
    "weight_profit",
    "weight_payment",
    "weight_lifetime",
    "weight_average_invoice",
    "weight_cost",
]


class CrmProfitabilityProfile(models.Model):
    """How a company weighs the factors of a customer's profitability and where
    its grades start: one profile per company (a default one is made for each)."""

    _name = "crm.profitability.profile"
    _description = "Profitability Profile"
    _order = "company_id, id"

    name = fields.Char(required=True, translate=True, default="Default profile")
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        ondelete="cascade",
    )
    weight_revenue = fields.Float(
        "Revenue Weight", default=1.0, help="0 leaves the factor out."
    )
    weight_profit = fields.Float(
        "Profit Weight", default=1.0, help="0 leaves the factor out."
    )
    weight_payment = fields.Float(
        "Payment Weight", default=1.0, help="0 leaves the factor out."
    )
    weight_lifetime = fields.Float(
        "Lifetime Weight", default=1.0, help="0 leaves the factor out."
    )
    weight_average_invoice = fields.Float(
        "Average Invoice Weight", default=1.0, help="0 leaves the factor out."
    )
    weight_cost = fields.Float(
        "Cost Weight",
        default=1.0,
        help="The four costs of serving the customer, less is better. "
        "0 leaves the factor out.",
    )
    grade_a_min = fields.Float("Grade A From", default=80.0)
    grade_b_min = fields.Float("Grade B From", default=60.0)
    grade_c_min = fields.Float("Grade C From", default=40.0)
    grade_d_min = fields.Float("Grade D From", default=20.0)

    _sql_constraints = [
        (
            "company_uniq",
            "unique(company_id)",
            "A company has one profitability profile.",
        ),
    ]

    def write(self, vals):
        # a profile belongs to its company for good: moving it would hand this
        # company's weights to another one (record rules check the company a
        # record has before a write, not the one it is given)
        if "company_id" in vals and any(
            profile.company_id.id != vals["company_id"] for profile in self
        ):
            raise UserError(
                self.env._("A profitability profile cannot move to another company.")
            )
        return super().write(vals)

    @api.constrains(*FACTOR_WEIGHTS)
    def _check_weights(self):
        for profile in self:
            weights = [profile[name] for name in FACTOR_WEIGHTS]
            if any(weight < 0 for weight in weights):
                raise ValidationError(
                    self.env._("A factor's weight cannot be negative.")
                )
            if not any(weights):
                raise ValidationError(
                    self.env._("At least one factor needs a weight above 0.")
                )

    @api.constrains("grade_a_min", "grade_b_min", "grade_c_min", "grade_d_min")
    def _check_grade_limits(self):
        for profile in self:
            limits = [
                profile.grade_a_min,
                profile.grade_b_min,
                profile.grade_c_min,
                profile.grade_d_min,
            ]
            if not all(0 <= limit <= 100 for limit in limits) or limits != sorted(
                limits, reverse=True
            ):
                raise ValidationError(
                    self.env._(
                        "Grade limits go from 0 to 100, A's highest: "
                        "A >= B >= C >= D."
                    )
                )

    def _prof_weights(self):
        """{factor: weight} for the ranking engine."""
        self.ensure_one()
        return {name.removeprefix("weight_"): self[name] for name in FACTOR_WEIGHTS}

    def _prof_limits(self):
        """(A min, B min, C min, D min)."""
        self.ensure_one()
        return (self.grade_a_min, self.grade_b_min, self.grade_c_min, self.grade_d_min)

    @api.model
    def _get_for_company(self, company):
        """The profile of ``company``, made with the defaults when it has none."""
        # sudo: the profile is configuration every analytics user's figures need;
        # creating the default one must not depend on who asks first
        profile = self.sudo().search([("company_id", "=", company.id)], limit=1)
        return profile or self.sudo().create({"company_id": company.id})

    @api.model
    def _create_missing_profiles(self):
        """A default profile for each company without one (install, new company)."""
        # sudo: runs at install and when a company is created, for every company
        companies = self.env["res.company"].sudo().search([])
        have = self.sudo().search([]).company_id
        self.sudo().create([{"company_id": company.id} for company in companies - have])
