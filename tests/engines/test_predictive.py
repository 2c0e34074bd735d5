# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The likelihood ratios behind Odoo's predicted probability, without Odoo."""

import math

import pytest
from crm_suite_engines import predictive

ROWS = [
    # (variable, value, won, lost, team)
    ("stage_id", "1", 8.0, 12.0, 3),
    ("country_id", "20", 6.0, 2.0, 3),
    ("country_id", "21", 2.0, 10.0, 3),
    ("tag_id", "5", 10.0, 10.0, 3),  # seen 20 times: Odoo ignores it
    ("tag_id", "6", 40.0, 20.0, None),
]


def test_tables_count_each_row_for_its_team_and_all_teams():
    tables = predictive.frequency_tables(ROWS)
    assert set(tables) == {predictive.ALL_TEAMS, 3}
    assert tables[3]["country_id"]["won_total"] == 8.0
    assert tables[3]["country_id"]["lost_total"] == 12.0
    assert "tag_id" not in tables[3]
    assert tables[predictive.ALL_TEAMS]["tag_id"]["6"] == {"won": 40.0, "lost": 20.0}


def test_factor_ratios():
    table = predictive.frequency_tables(ROWS)[3]
    factors = predictive.lead_factors(
        [("stage_id", 1), ("country_id", 20), ("tag_id", 5), ("city", "x")],
        table,
        8.0,
        12.0,
    )
    ratios = {f["field"]: f["ratio"] for f in factors}
    assert ratios == {
        "stage_id": pytest.approx(1.0),
        "country_id": pytest.approx((6 / 8) / (2 / 12)),
    }
    odds = 8 / 12 * math.prod(ratios.values())
    assert odds / (1 + odds) == pytest.approx(0.75)


def test_no_ratio_without_both_outcomes():
    assert predictive.likelihood_ratio(1, 1, 0, 5) is None
    assert predictive.likelihood_ratio(1, 1, 5, 0) is None


def test_strongest_first_either_way():
    factors = [{"ratio": 1.2}, {"ratio": 0.1}, {"ratio": 4.0}, {"ratio": 0}]
    assert [f["ratio"] for f in predictive.strongest(factors, 3)] == [0, 0.1, 4.0]
    assert predictive.strongest(factors, 0) == []
