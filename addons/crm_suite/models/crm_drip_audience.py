# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who a campaign reaches: its filters, evaluated with the rights of its
responsible, in its company."""

from odoo import api, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression

from .crm_suite_domain import (
    DomainError,
    domain_eval_context,
    eval_domain,
    validate_domain,
)


class CrmDripCampaignAudience(models.AbstractModel):
    _name = "crm.drip.campaign.audience"
    _description = "Drip Campaign Audience"

    @api.model
    def _domain_eval_context(self):
        """Plain values only (no record, no environment): see crm_suite_domain."""
        return domain_eval_context(self.env)

    def _parse_domain(self, domain_text, model_name=None, validate=False):
        """The domain as a list, a plain literal (it runs no code, whoever
        stored it); with ``validate``, also checked against the target model
        with the rights of the current user (on save).

        :raise ValidationError: when the text is no valid domain there
        """
        model_name = model_name or self.model_name
        try:
            if validate:
                return validate_domain(self.env, domain_text, model_name)
            return eval_domain(self.env, domain_text)
        except DomainError as error:
            raise ValidationError(
                self.env._(
                    "The filter %(domain)s is not valid on %(model)s: %(error)s",
                    domain=domain_text,
                    model=self.env["ir.model"]._get(model_name).name,
                    error=error,
                )
            ) from None

    def _audience_company_domain(self):
        """Records of the campaign's company (and shared ones) only."""
        self.ensure_one()
        if "company_id" not in self.env[self.model_name]._fields:
            return []
        return [("company_id", "in", [False, self.company_id.id])]

    def _audience_model(self):
        """The target model with the rights of the campaign's responsible (or
        its creator), in the campaign's company only: the job runs as
        superuser, the audience is what that person may see.

        :raise UserError: when that person may not read the target there
        """
        self.ensure_one()
        owner = self.user_id or self.create_uid
        # sudo: the companies of the owner, which a manager may not read
        if not owner or self.company_id not in owner.sudo().company_ids:
            raise UserError(
                self.env._(
                    "The responsible of the campaign %(campaign)s must belong "
                    "to its company %(company)s.",
                    campaign=self.name,
                    company=self.company_id.name,
                )
            )
        Model = (
            self.env[self.model_name]
            .with_user(owner)
            .with_context(allowed_company_ids=self.company_id.ids, active_test=True)
        )
        if not Model.has_access("read"):
            raise UserError(
                self.env._(
                    "The responsible of the campaign %(campaign)s may not read "
                    "its target records: choose another responsible.",
                    campaign=self.name,
                )
            )
        return Model

    def _audience_search(self, domain, ids=None):
        """Ids of the target records among ``ids`` matching ``domain``, as
        the campaign's responsible, in its company."""
        self.ensure_one()
        domain = expression.AND([domain, self._audience_company_domain()])
        if ids is not None:
            domain = expression.AND([[("id", "in", list(ids))], domain])
        return self._audience_model().search(domain).ids

    def _records_query(self, domain):
        """SQL selecting the ids of the target records matching ``domain``,
        as the campaign's responsible and in the campaign's company (see
        _audience_model)."""
        Model = self._audience_model()
        return Model._search(
            expression.AND([domain, self._audience_company_domain()])
        ).subselect()
