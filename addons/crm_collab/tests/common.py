# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.addons.crm_suite.tests.common import CrmSuiteUsersMixin
from odoo.addons.mail.tests.common import mail_new_test_user


class CrmCollabUsersMixin(CrmSuiteUsersMixin):
    """crm_suite's users plus the collaboration roles."""

    @classmethod
    def _setup_crm_collab_users(cls):
        cls._setup_crm_suite_users()
        cls.user_collaborator = mail_new_test_user(
            cls.env,
            login="crm_collab_user",
            name="Cleo Collaborator",
            groups="base.group_user,crm_collab.group_crm_collab_user",
        )
        cls.user_collab_manager = mail_new_test_user(
            cls.env,
            login="crm_collab_manager",
            name="Nora Collab Manager",
            groups="base.group_user,crm_collab.group_crm_collab_manager",
        )
