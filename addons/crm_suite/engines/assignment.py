# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who gets the next record: round-robin, balanced and capacity assignment.

Members are any hashable values (ids, records); the caller reads the team, the
languages, the counts and the filters, and writes the result in one go.

>>> round_robin(["a", "b", "c"], "b", [None, None, ["a", "b"]])
(['c', 'a', 'b'], 'b')
>>> balanced(["a", "b"], {"a": 2, "b": 0}, [None, None, None, ["a"]])
['b', 'b', 'a', 'a']
>>> capacity({1: (5, 4), 2: (5, 1)}, [(10, {1, 2}), (11, {1}), (12, {1})])
{10: 2, 11: 1}
"""


def round_robin(order, last, requests):
    """For each request (the members who may take it, or None for anyone), the
    next member of ``order`` after the last one chosen, among the candidates.

    :return: (chosen member per request, the last member chosen)
    """
    chosen = []
    size = len(order)
    for candidates in requests:
        candidates = candidates or order
        position = order.index(last) if last in order else -1
        member = next(
            (
                order[(position + step) % size]
                for step in range(1, size + 1)
                if order[(position + step) % size] in candidates
            ),
            candidates[0],
        )
        chosen.append(member)
        last = member
    return chosen, last


def balanced(order, open_counts, requests):
    """For each request (the members who may take it, or None for anyone), the
    candidate with the fewest open records (the first in ``order`` on a tie);
    each choice counts for the next ones. ``open_counts`` is not changed."""
    counts = {member: open_counts.get(member, 0) for member in order}
    rank = {member: index for index, member in enumerate(order)}
    chosen = []
    for candidates in requests:
        candidates = candidates or order
        member = min(candidates, key=lambda m: (counts[m], rank[m]))
        chosen.append(member)
        counts[member] += 1
    return chosen


def capacity(members, requests):
    """Capacity assignment (Odoo's ``assignment_max`` per month): each request
    ``(key, members accepting it)`` goes, in order, to the accepting member with
    the most capacity left, then the fewest records, then the smallest id;
    a request no member with capacity left accepts is left out.

    :param members: {member id: (capacity, records already assigned)}
    :return: {key: member id}
    """
    load = {member: assigned for member, (__, assigned) in members.items()}
    result = {}
    for key, accepting in requests:
        candidates = [
            (-(members[member][0] - load[member]), load[member], member)
            for member in members
            if member in accepting and members[member][0] - load[member] > 0
        ]
        if not candidates:
            continue
        member = min(candidates)[2]
        load[member] += 1
        result[key] = member
    return result
