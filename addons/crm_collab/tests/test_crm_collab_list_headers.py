# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged

from odoo.addons.crm_suite.tests.test_crm_suite_list_headers import ListHeadersMixin
from odoo.addons.mail.tests.common import mail_new_test_user

# crm_collab's main lists (demo data fills them)
LIST_ACTIONS = [
    "crm_collab.crm_document_action",
    "crm_collab.crm_document_folder_action",
    "crm_collab.crm_document_share_action",
    "crm_collab.crm_document_request_action",
    "crm_collab.crm_interaction_action",
    "crm_collab.crm_handoff_action",
]


@tagged("post_install", "-at_install")
class TestCrmCollabListHeaders(ListHeadersMixin, HttpCase):
    """No column header of the collaboration lists is cut off, in English,
    French and Arabic (the same check as crm_suite's lists)."""

    header_modules = ("crm_suite", "crm_collab")
    header_actions = LIST_ACTIONS

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_header_languages()
        cls.manager = mail_new_test_user(
            cls.env,
            login="crm_collab_headers",
            name="Hedda Headers",
            groups="base.group_user,crm_collab.group_crm_collab_manager,"
            "sales_team.group_sale_manager",
        )
