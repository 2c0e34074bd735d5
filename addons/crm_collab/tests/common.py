# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.addons.crm_suite.tests.common import CrmSuiteUsersMixin


class CrmCollabUsersMixin(CrmSuiteUsersMixin):
    """crm_suite's users plus the collaboration roles."""

    @classmethod
    def _setup_crm_collab_users(cls):
        cls._setup_crm_suite_users()
        cls._create_role_users(
            {
                "user_collaborator": (
                    "crm_collab_user",
                    "Cleo Collaborator",
                    "base.group_user,crm_collab.group_crm_collab_user",
                ),
                "user_collab_manager": (
                    "crm_collab_manager",
                    "Nora Collab Manager",
                    "base.group_user,crm_collab.group_crm_collab_manager",
                ),
            }
        )
