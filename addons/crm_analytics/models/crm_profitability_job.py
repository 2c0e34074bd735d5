# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The daily job: per company, the last 12 months, the partners' grades."""

import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.crm_suite.tools import auto_commit

_logger = logging.getLogger(__name__)
# first key of the two-key advisory lock taken per company (second: company id)
LOCK_KEY = 1_401_014


class CrmProfitabilityJob(models.AbstractModel):
    _name = "crm.profitability.job"
    _description = "Profitability: the daily job"

    @api.model
    def _daily_period(self, today=None):
        """From the same day 12 months ago to today."""
        today = today or fields.Date.today()
        return today - relativedelta(months=12), today

    @api.model
    def _cron_compute_daily(self):
        """Each company in turn: replace its daily records, then write its
        customers' ``crm_grade``. One transaction per company (committed outside
        tests), so a crash resumes with the companies not done yet today; a
        company another worker is computing (its advisory lock taken) is left to
        that worker; a company already done today is skipped."""
        date_from, date_to = self._daily_period()
        # sudo: a scheduled job, for every company
        records = self.sudo()
        for company in self.env["res.company"].sudo().search([], order="id"):
            if not self._daily_try_lock(company):
                _logger.info("Profitability of %s: another worker has it", company.name)
                continue
            done = records.search_count(
                [
                    ("company_id", "=", company.id),
                    ("is_daily", "=", True),
                    ("date_to", "=", date_to),
                    ("date_from", "=", date_from),
                ],
                limit=1,
            )
            if done and not self.env.context.get("crm_profitability_force"):
                continue
            computed = records._compute_records(company, date_from, date_to, daily=True)
            records._write_grades(company, computed)
            if auto_commit(self.env):
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return True

    @api.model
    def _daily_try_lock(self, company):
        """Take the company's daily-period lock for this transaction (False when
        another transaction holds it: the job in another worker, or a "Compute
        now" of the dashboard)."""
        self.env.cr.execute(
            SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", LOCK_KEY, company.id)
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _write_grades(self, company, records):
        """``res.partner.crm_grade`` in ``company`` from ``records`` (one write per
        grade); customers without a record lose their grade."""
        # sudo: crm_grade is written by the job only (superuser), whatever the
        # partners' access rules; the grades come from records of ``company``
        partners = self.env["res.partner"].sudo().with_company(company)
        by_grade = {}
        for record in records:
            by_grade.setdefault(record.grade, []).append(record.partner_id.id)
        graded = partners.with_context(active_test=False).search(
            [("crm_grade", "!=", False)]
        )
        stale = graded - partners.browse(records.partner_id.ids)
        if stale:
            stale.write({"crm_grade": False})
        for grade, ids in by_grade.items():
            partners.browse(ids).write({"crm_grade": grade})
