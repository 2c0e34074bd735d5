# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "CRM Suite: Collaborative CRM",
    "summary": "Customer document repository and sharing, a unified customer timeline "
    "and team handoffs",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "CRM Suite",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": True,
    "depends": [
        "crm_suite",
        "account",
    ],
    "data": [
        "security/crm_collab_security.xml",
        "security/ir.model.access.csv",
        "security/crm_document_security.xml",
        "security/crm_collab_handoff_rules.xml",
        "data/crm_document_data.xml",
        "data/crm_document_mail_templates.xml",
        "data/crm_collab_handoff_data.xml",
        "views/crm_collab_landing.xml",
        "views/crm_document_views.xml",
        "views/crm_document_folder_views.xml",
        "views/crm_document_share_views.xml",
        "views/crm_document_public_templates.xml",
        "views/crm_document_portal_templates.xml",
        "views/crm_interaction_views.xml",
        "views/crm_handoff_views.xml",
        "views/res_partner_views.xml",
        "views/crm_lead_views.xml",
        "views/crm_ticket_views.xml",
        "views/crm_team_views.xml",
        "views/crm_reply_channel_views.xml",
        "views/crm_collab_menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "crm_collab/static/src/*",
            "crm_collab/static/src/customer_360/*",
            "crm_collab/static/src/fields/*",
        ],
        "web.assets_tests": [
            "crm_collab/static/tests/tours/*.js",
        ],
    },
    "demo": [
        "demo/crm_collab_demo.xml",
        "demo/crm_document_demo.xml",
        "demo/crm_interaction_demo.xml",
        "demo/crm_collab_handoff_demo.xml",
    ],
    "uninstall_hook": "uninstall_hook",
    "installable": True,
}
