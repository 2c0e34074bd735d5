# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Domains written by users (scoring rules, drip campaigns and steps, SLA
customer filters) are data, not code.

A filter is a Python literal: a list of conditions whose values are
constants, the plain names of :func:`domain_eval_context` (``uid``,
``company_id``, ``company_ids``, ``context_today()`` and the date helpers
Odoo's own record rules and search filters use) and arithmetic on dates.
No record and no environment is ever in the evaluation context, and a text
that calls or reads anything else is refused before it is evaluated: at
save time (the models' constraints) and again each time it is evaluated
(a filter stored before this check, or written in SQL, runs no code).
"""

import ast

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessError, MissingError
from odoo.osv import expression
from odoo.tools.safe_eval import datetime, dateutil, safe_eval, time

# Longest filter text accepted (a long list of ids fits).
MAX_DOMAIN_LENGTH = 100_000
# Deepest syntax tree accepted: a domain's list, its tuples and a date
# expression in them stay far below it.
MAX_DOMAIN_DEPTH = 64

# Names a filter may use, besides constants.
PLAIN_NAMES = frozenset(
    {
        "uid",
        "company_id",
        "company_ids",
        "context_today",
        "datetime",
        "dateutil",
        "relativedelta",
        "time",
    }
)
# Names a filter may call (directly or through an allowed attribute).
CALLABLE_NAMES = frozenset({"context_today", "relativedelta"})
# Attributes of the date helpers and of dates a filter may use.
DATE_ATTRIBUTES = frozenset(
    {
        "date",
        "datetime",
        "time",
        "timedelta",
        "relativedelta",
        "now",
        "today",
        "utcnow",
        "combine",
        "strftime",
        "isoformat",
        "replace",
        "min",
        "max",
        "year",
        "month",
        "day",
        "hour",
        "minute",
        "second",
        "weekday",
        "isoweekday",
    }
)
# Operators of date arithmetic (no * or **: no huge strings or numbers).
BIN_OPS = (ast.Add, ast.Sub)
UNARY_OPS = (ast.USub, ast.UAdd, ast.Not)


class DomainError(ValueError):
    """A filter that is not a valid domain. Its message is safe to show: it
    names the user's own text, never what evaluating it would reveal."""


def domain_eval_context(env):
    """Plain values a filter may use, as in Odoo's record rules (but no
    ``user`` record: in 18.0 ``env.user`` is a superuser record)."""
    today = fields.Date.context_today(env["res.users"])
    return {
        "uid": env.uid,
        "company_id": env.company.id,
        "company_ids": env.companies.ids,
        "context_today": lambda: today,
        "datetime": datetime,
        "dateutil": dateutil,
        "relativedelta": relativedelta,
        "time": time,
    }


def _check_node(env, node):
    """Refuse (DomainError) any node beyond literals, plain names, date
    helpers and their calls."""
    if isinstance(node, ast.Expression):
        return _check_node(env, node.body)
    if isinstance(node, ast.Constant):
        return
    if isinstance(node, ast.List | ast.Tuple):
        for element in node.elts:
            _check_node(env, element)
        return
    if isinstance(node, ast.Name):
        if node.id not in PLAIN_NAMES:
            raise DomainError(
                env._(
                    "“%(name)s” is not a value a filter may use: use uid (the "
                    "user's id), company_id, company_ids, context_today() and "
                    "the date helpers.",
                    name=node.id,
                )
            )
        return
    if isinstance(node, ast.Attribute):
        _check_node(env, node.value)
        if node.attr.startswith("_") or node.attr not in DATE_ATTRIBUTES:
            raise DomainError(
                env._(
                    "“%(name)s” is not an attribute a filter may use (only date "
                    "helpers are allowed).",
                    name=node.attr,
                )
            )
        return
    if isinstance(node, ast.Call):
        return _check_call(env, node)
    if isinstance(node, ast.BinOp) and isinstance(node.op, BIN_OPS):
        _check_node(env, node.left)
        _check_node(env, node.right)
        return
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, UNARY_OPS):
        return _check_node(env, node.operand)
    raise DomainError(
        env._(
            "A filter is a list of conditions with plain values; "
            "“%(element)s” is not allowed in it.",
            element=type(node).__name__,
        )
    )


def _check_call(env, node):
    """A call of a date helper, with checked arguments."""
    func = node.func
    if not (
        (isinstance(func, ast.Name) and func.id in CALLABLE_NAMES)
        or isinstance(func, ast.Attribute)
    ):
        raise DomainError(
            env._(
                "A filter may only call date helpers such as "
                "context_today() or relativedelta()."
            )
        )
    _check_node(env, func)
    for arg in node.args:
        if isinstance(arg, ast.Starred):
            raise DomainError(env._("A filter may not unpack values."))
        _check_node(env, arg)
    for keyword in node.keywords:
        if keyword.arg is None:
            raise DomainError(env._("A filter may not unpack values."))
        _check_node(env, keyword.value)


def check_domain_text(env, text):
    """Refuse (DomainError) a filter text that is not a plain literal."""
    if len(text) > MAX_DOMAIN_LENGTH:
        raise DomainError(env._("The filter is too long."))
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError) as error:
        raise DomainError(
            env._(
                "The filter is not valid Python syntax: check its brackets and quotes."
            )
        ) from error
    except (RecursionError, MemoryError) as error:
        # Python's own parser gives up on deeply nested expressions
        raise DomainError(_too_deep(env)) from error
    if _depth(tree) > MAX_DOMAIN_DEPTH:
        raise DomainError(_too_deep(env))
    _check_node(env, tree)


def _too_deep(env):
    return env._("The filter nests too deeply: write it as a plain list of conditions.")


def _depth(tree):
    """How deep the syntax tree goes (iteratively: a deep tree must not
    exhaust Python's stack here either)."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_DOMAIN_DEPTH:
            break
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def eval_domain(env, text):
    """The filter ``text`` as a normalized domain (a list), evaluated with
    plain values only.

    :raise DomainError: when the text is not a plain domain literal
    """
    if not text or not text.strip():
        return []
    check_domain_text(env, text)
    try:
        domain = safe_eval(text.strip(), domain_eval_context(env))
    except Exception as error:  # noqa: BLE001 - never echo what it evaluated to
        raise DomainError(
            env._("The filter cannot be evaluated: check its values.")
        ) from error
    if not isinstance(domain, list | tuple):
        raise DomainError(env._("A filter must be a list of conditions."))
    domain = list(domain)
    if not domain:
        return []
    for element in domain:
        if element in ("&", "|", "!"):
            continue
        if not isinstance(element, list | tuple) or len(element) != 3:
            raise DomainError(
                env._(
                    "A filter is a list of conditions (field, operator, value) "
                    "and of the operators '&', '|' and '!'."
                )
            )
    try:
        return expression.normalize_domain(domain)
    except Exception as error:  # noqa: BLE001 - a malformed prefix notation
        raise DomainError(
            env._("The operators '&', '|' and '!' of the filter are misplaced.")
        ) from error


def validate_domain(env, text, model_name):
    """Check ``text`` as a filter on ``model_name`` with the rights of
    ``env``'s user: a plain literal, known fields and operators the user may
    search on, values of the right type. Returns the domain.

    :raise DomainError: with a message safe to show
    """
    domain = eval_domain(env, text)
    Model = env[model_name].with_context(active_test=False)
    try:
        # Run it once, in a savepoint, as the user who writes it: unknown
        # fields, fields the user may not read, wrong operators and values of
        # the wrong type are refused now, not in a nightly job.
        with env.cr.savepoint():
            Model.search(domain, limit=1)
    except (AccessError, MissingError) as error:
        raise DomainError(
            env._("The filter uses fields or records you may not read.")
        ) from error
    except ValueError as error:
        # the domain parser's messages name the user's own fields and operators
        raise DomainError(str(error)) from error
    except Exception as error:  # noqa: BLE001 - e.g. a value of the wrong type
        raise DomainError(
            env._(
                "The filter cannot be run: check its field names, operators "
                "and the type of its values."
            )
        ) from error
    return domain
