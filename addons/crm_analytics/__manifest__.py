# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "CRM Suite: Analytical CRM",
    "summary": "Customer profitability from posted accounting, segments, events, "
    "forecasts and attribution, with multilingual PDF and XLSX reports",
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
        "security/crm_analytics_security.xml",
        "security/ir.model.access.csv",
        "security/crm_analytics_rules.xml",
        "data/crm_profitability_profile_data.xml",
        "data/crm_profitability_cron.xml",
        "report/crm_profitability_reports.xml",
        "report/crm_profitability_templates.xml",
        "views/crm_analytics_landing.xml",
        "views/crm_profitability_dashboard.xml",
        "views/crm_analytics_menus.xml",
        "views/crm_customer_profitability_views.xml",
        "views/res_partner_views.xml",
        "security/crm_analytics_forecast_rules.xml",
        "data/crm_forecast_cron.xml",
        "report/crm_analytics_report_templates.xml",
        "report/crm_analytics_reports.xml",
        "views/crm_forecast_views.xml",
        "views/crm_attribution_people_views.xml",
        "views/res_partner_next_offer_views.xml",
        "data/crm_segment_cron.xml",
        "views/crm_segment_views.xml",
        "views/crm_event_rule_views.xml",
        "views/crm_segment_menus.xml",
        "report/crm_segment_reports.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "crm_analytics/static/src/*.js",
            "crm_analytics/static/src/dashboard/*",
        ],
        "web.report_assets_common": [
            "crm_analytics/static/src/report/crm_analytics_report.scss",
        ],
        "web.assets_tests": [
            "crm_analytics/static/tests/tours/*.js",
        ],
    },
    "demo": [
        "demo/crm_analytics_demo.xml",
        "demo/crm_profitability_demo.xml",
        "demo/crm_forecast_demo.xml",
        "demo/crm_segment_demo.xml",
    ],
    "installable": True,
}
