# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Round-robin, balanced and capacity assignment, without Odoo."""

from crm_suite_engines import assignment


def test_round_robin_continues_after_the_last_member():
    chosen, last = assignment.round_robin(["a", "b", "c"], "c", [None] * 4)
    assert chosen == ["a", "b", "c", "a"]
    assert last == "a"


def test_round_robin_skips_to_a_candidate_and_starts_without_last():
    chosen, last = assignment.round_robin(["a", "b", "c"], None, [["c"], None])
    assert chosen == ["c", "a"]
    assert last == "a"


def test_balanced_takes_the_least_loaded_then_the_first():
    counts = {"a": 1, "b": 1, "c": 3}
    chosen = assignment.balanced(["a", "b", "c"], counts, [None, None, ["c"], None])
    assert chosen == ["a", "b", "c", "a"]
    assert counts == {"a": 1, "b": 1, "c": 3}, "the caller's counts are unchanged"


def test_capacity_prefers_most_capacity_left_then_fewest_then_smallest_id():
    members = {1: (10, 5), 2: (10, 5), 3: (4, 0)}
    chosen = assignment.capacity(members, [(i, {1, 2, 3}) for i in range(4)])
    # 5 left each: 1 (smallest id), 2; then 4 left each: 3 (fewest), 1
    assert chosen == {0: 1, 1: 2, 2: 3, 3: 1}


def test_capacity_leaves_out_what_no_member_accepts_or_can_take():
    members = {1: (1, 0), 2: (0, 0)}
    chosen = assignment.capacity(members, [("x", {2}), ("y", {1}), ("z", {1})])
    assert chosen == {"y": 1}
