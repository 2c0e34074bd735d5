# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo's story holds: tiers, firings and segments of the demo customers."""

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestCrmSegmentDemo(TransactionCase):
    def test_demo_story(self):
        ref = self.env.ref
        atlas = ref("crm_analytics.partner_demo_atlas", raise_if_not_found=False)
        if not atlas:
            self.skipTest("installed without demo data")
        brightline = ref("crm_analytics.partner_demo_brightline")
        company = ref("base.main_company")
        atlas, brightline = (
            atlas.with_company(company),
            brightline.with_company(company),
        )
        self.assertEqual(atlas.crm_tier_id, ref("crm_analytics.crm_tier_demo_platinum"))
        self.assertEqual(
            brightline.crm_tier_id, ref("crm_analytics.crm_tier_demo_gold")
        )
        vip = ref("crm_analytics.partner_category_demo_vip")
        self.assertIn(vip, atlas.category_id)
        self.assertIn(vip, brightline.category_id)
        firings = self.env["crm.event.rule.firing"].search(
            [("partner_id", "=", atlas.id)]
        )
        self.assertGreaterEqual(len(firings), 3)
        self.assertEqual(atlas.rfm_group, "at_risk")
        champions = ref("crm_analytics.crm_segment_demo_champions")
        self.assertIn(brightline, champions.partner_ids)
        self.assertTrue(champions.mailing_list_id.contact_ids)
