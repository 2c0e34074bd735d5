# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "CRM Suite: Operational CRM",
    "summary": "Explained lead scoring, reactive drip campaigns, service tickets "
    "with SLAs and a customer portal",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "CRM Suite",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": True,
    "depends": [
        "crm",
        "mass_mailing",
        "mass_mailing_crm",
        "mail",
        "portal",
        "rating",
        "utm",
        "resource",
    ],
    "data": [
        "security/crm_suite_security.xml",
        "security/ir.model.access.csv",
        "security/crm_suite_scoring_rules.xml",
        "security/crm_suite_ticket_rules.xml",
        "data/crm_suite_scoring_data.xml",
        "data/crm_ticket_data.xml",
        "views/crm_score_rule_views.xml",
        "views/crm_lead_views.xml",
        "views/crm_team_views.xml",
        "views/crm_ticket_views.xml",
        "views/crm_ticket_team_views.xml",
        "views/crm_ticket_config_views.xml",
        "views/res_partner_views.xml",
        "views/res_users_views.xml",
        "views/crm_suite_menus.xml",
    ],
    "demo": [
        "demo/crm_suite_demo.xml",
        "demo/crm_suite_scoring_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_suite/static/tests/tours/*.js",
        ],
    },
    "uninstall_hook": "uninstall_hook",
    "installable": True,
}
