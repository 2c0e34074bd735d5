# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Attacks on segments: a filter through a relation must find the members
with the rights of the user the refresh acts for, never as superuser."""

from odoo.exceptions import UserError
from odoo.tests import tagged

from .segments_common import SegmentBooksCommon


@tagged("post_install", "-at_install")
class TestCrmAnalyticsAttacksSegments(SegmentBooksCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a contact shared by both companies, and company A's secret deal on it
        cls.shared = cls.env["res.partner"].create(
            {"name": "Shared prospect", "is_company": True, "company_id": False}
        )
        cls.env["crm.lead"].create(
            {
                "name": "A's secret deal",
                "type": "opportunity",
                "partner_id": cls.shared.id,
                "company_id": cls.company_a.id,
                "expected_revenue": 987654.0,
            }
        )
        cls.leak_domain = "[('opportunity_ids.expected_revenue', '=', 987654.0)]"

    def _segment_b(self):
        return (
            self.env["crm.segment"]
            .with_user(self.manager_b)
            .with_company(self.company_b)
            .create(
                {
                    "name": "Probe",
                    "company_id": self.company_b.id,
                    "domain": self.leak_domain,
                }
            )
        )

    def test_refresh_does_not_reveal_company_a_deals(self):
        segment = self._segment_b()
        segment.action_refresh()
        self.assertNotIn(self.shared, segment.sudo().partner_ids)
        self.assertEqual(segment.sudo().member_count, 0)

    def test_daily_job_does_not_reveal_company_a_deals(self):
        segment = self._segment_b()
        self.env["crm.segment"]._cron_refresh()
        self.assertTrue(segment.sudo().last_refresh)
        self.assertNotIn(self.shared, segment.sudo().partner_ids)

    def test_a_user_who_may_read_the_deal_still_finds_it(self):
        # the fix must not blind the filter: company A's own manager matches
        segment = (
            self.env["crm.segment"]
            .with_user(self.manager_a)
            .create(
                {
                    "name": "Big deals",
                    "company_id": self.company_a.id,
                    "domain": self.leak_domain,
                }
            )
        )
        segment.action_refresh()
        self.assertIn(self.shared, segment.sudo().partner_ids)

    def test_refresh_by_a_manager_outside_demographics_is_refused(self):
        # a demographer's segment on birth dates: refreshed by a manager who
        # may not search birth dates, it must not list who matches them
        self.shared.sudo().crm_birth_date = "1980-05-01"
        segment = (
            self.env["crm.segment"]
            .with_user(self.demographer)
            .create(
                {
                    "name": "Born in 1980",
                    "company_id": self.company_a.id,
                    "domain": "[('crm_birth_date', '>=', '1980-01-01'), "
                    "('crm_birth_date', '<', '1981-01-01')]",
                }
            )
        )
        with self.assertRaises(UserError):
            segment.with_user(self.manager_a).action_refresh()
        self.assertFalse(segment.sudo().partner_ids)
        segment.with_user(self.demographer).action_refresh()
        self.assertIn(self.shared, segment.sudo().partner_ids)
