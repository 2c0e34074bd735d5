# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The factors behind Odoo's naive-Bayes probability, from its frequency table.

Odoo stores ``probability = odds / (1 + odds)`` with ``odds = prior_odds x
product(ratio)``: ``prior_odds`` = won / lost leads of the team, and each
variable's likelihood ratio = (won with the value / won) / (lost with the value /
lost). The caller reads ``crm.lead.scoring.frequency`` and the leads' values with
Odoo's own methods; this module does the arithmetic.

>>> tables = frequency_tables([
...     ("stage_id", "1", 6.0, 4.0, None),
...     ("country_id", "5", 3.0, 1.0, None),
...     ("country_id", "7", 3.0, 3.0, None),
... ])
>>> table = tables[ALL_TEAMS]
>>> table["country_id"]["won_total"], table["country_id"]["lost_total"]
(6.0, 4.0)
>>> [(f["field"], round(f["ratio"], 3)) for f in
...  lead_factors([("stage_id", 1), ("country_id", 5)], table, 6.0, 4.0)]
[('stage_id', 1.0), ('country_id', 2.0)]
>>> [f["field"] for f in strongest([{"field": "a", "ratio": 1.1},
...                                 {"field": "b", "ratio": 0.2}], 1)]
['b']
"""

import math
from collections import defaultdict

# the key of the table of every team together (Odoo's own convention)
ALL_TEAMS = -1
# Odoo leaves out tags seen on fewer leads than this
TAG_MIN_COUNT = 50


def frequency_tables(frequencies):
    """``{team key: {field: {value: {"won", "lost"}, "won_total", "lost_total"}}}``
    from ``(variable, value, won_count, lost_count, team_id or None)`` rows, with
    the shape ``crm.lead._pls_get_won_lost_total_count`` reads. Each row counts for
    its team and for :data:`ALL_TEAMS`."""
    tables = defaultdict(
        lambda: defaultdict(lambda: {"won_total": 0.0, "lost_total": 0.0})
    )
    for field, value, won, lost, team_id in frequencies:
        if field == "tag_id" and won + lost < TAG_MIN_COUNT:
            continue
        for key in [ALL_TEAMS] + ([team_id] if team_id else []):
            entry = tables[key][field].setdefault(value, {"won": 0.0, "lost": 0.0})
            entry["won"] += won
            entry["lost"] += lost
            tables[key][field]["won_total"] += won
            tables[key][field]["lost_total"] += lost
    return tables


def likelihood_ratio(won, lost, total_won, total_lost):
    """``(won / total_won) / (lost / total_lost)``; None when a total is 0."""
    if not total_won or not total_lost:
        return None
    return (won / total_won) / (lost / total_lost)


def lead_factors(pairs, table, team_won, team_lost):
    """The likelihood ratio of each ``(field, value)`` of one lead found in its
    team's ``table`` (the stage's ratio is against the team's totals, as Odoo
    counts every lead in its first stage)."""
    factors = []
    for field, value in pairs:
        field_table = table.get(field)
        entry = field_table and field_table.get(str(value))
        if not isinstance(entry, dict):
            continue
        if field == "stage_id":
            totals = team_won, team_lost
        else:
            totals = field_table["won_total"], field_table["lost_total"]
        ratio = likelihood_ratio(entry["won"], entry["lost"], *totals)
        if ratio is None:
            continue
        factors.append(
            {
                "field": field,
                "value": value,
                "won": entry["won"],
                "lost": entry["lost"],
                "ratio": ratio,
            }
        )
    return factors


def strength(ratio):
    """How much a factor moves the odds, either way: ``|log(ratio)|``."""
    return abs(math.log(ratio or 1e-9))


def strongest(factors, limit):
    """The ``limit`` factors that move the odds most, strongest first."""
    return sorted(factors, key=lambda factor: -strength(factor["ratio"]))[:limit]
