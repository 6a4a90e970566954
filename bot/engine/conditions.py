"""Conditions on slots, in the pypred syntax of Rasa flows, compiled once when the content loads.

Beyond pypred, the contract's `slots.x in ["a", "b"]` is accepted (rewritten to pypred's
`{"a" "b"} contains slots.x`), and two traps are refused at load time instead of silently
evaluating to false: a bare word that is neither a slot nor a quoted text (`slots.comune = Bruino`),
and `and` mixed with `or` without parentheses (pypred gives them the same precedence, so
`a and b or c` would mean `a and (b or c)`, not what a reader expects).
"""

import contextlib
import io
import re
from collections.abc import Iterator, Mapping, Set
from typing import Any

from pypred import Predicate
from pypred import ast as pred_ast
from pypred.parser import get_lexer

SLOT_PREFIX = "slots."

_MEMBERSHIP = re.compile(
    r"""(?P<subject>"[^"]*"|'[^']*'|[\w.\-:;]+)\s+(?P<negated>not\s+)?in\s+\[(?P<items>[^\]]*)\]"""
)
_LIST_ITEM = re.compile(r""""[^"]*"|'[^']*'|[^,\s]+""")


class ConditionError(ValueError):
    """A condition that cannot be read; the message says why, in plain words."""


class Condition:
    __slots__ = ("_predicate", "source")

    def __init__(self, source: str, predicate: Predicate) -> None:
        self.source = source
        self._predicate = predicate

    def holds(self, slots: Mapping[str, Any]) -> bool:
        return bool(self._predicate.evaluate({"slots": slots}))

    def __repr__(self) -> str:
        return f"Condition({self.source!r})"


def compile_condition(source: object, known_slots: Set[str]) -> Condition:
    if isinstance(source, bool):
        source = "true" if source else "false"
    if not isinstance(source, str) or not source.strip():
        raise ConditionError("a condition must be a text such as: slots.comune is not null")
    rewritten = _MEMBERSHIP.sub(_as_contains, source)
    _refuse_mixed_and_or(rewritten)
    predicate = _parse(rewritten)
    if not predicate.is_valid():
        details = "; ".join(predicate.errors()["errors"]) or "syntax error"
        raise ConditionError(f"the condition {source!r} cannot be read ({details})")
    for literal in _literals(predicate.ast):
        _check_literal(literal, source, known_slots)
    _make_comparisons_safe(predicate.ast)
    return Condition(source, predicate)


class _SafeComparison(pred_ast.CompareOperator):
    """`slots.amount > 5` while the amount is not known yet is false, and only that part is:
    pypred would raise on None > 5 and fail the whole condition, `or` branches included."""

    def eval(self, ctx: Any) -> Any:
        try:
            return super().eval(ctx)
        except TypeError:
            return False


def _make_comparisons_safe(node: Any) -> None:
    if type(node) is pred_ast.CompareOperator:
        node.__class__ = _SafeComparison
    for side in ("left", "right"):
        child = getattr(node, side, None)
        if child is not None:
            _make_comparisons_safe(child)


def _as_contains(match: re.Match[str]) -> str:
    items = " ".join(_LIST_ITEM.findall(match.group("items")))
    contains = "{" + items + "} contains " + match.group("subject")
    return f"not ({contains})" if match.group("negated") else contains


def _parse(source: str) -> Predicate:
    # ply reports on stderr when it regenerates pypred's parser tables (they ship outdated for
    # ply 3.11); that is the library's housekeeping, not a problem of the content.
    with contextlib.redirect_stderr(io.StringIO()):
        return Predicate(source)


def _refuse_mixed_and_or(source: str) -> None:
    lexer = get_lexer()
    lexer.input(source)
    operators_by_depth: list[set[str]] = [set()]
    for token in iter(lexer.token, None):
        if token.type == "LPAREN":
            operators_by_depth.append(set())
        elif token.type == "RPAREN" and len(operators_by_depth) > 1:
            operators_by_depth.pop()
        elif token.type in ("AND", "OR"):
            operators_by_depth[-1].add(token.type)
            if len(operators_by_depth[-1]) == 2:
                raise ConditionError(
                    f"the condition {source!r} mixes 'and' with 'or': add parentheses to say "
                    "which goes first, e.g. (a and b) or c"
                )


def _literals(node: Any) -> Iterator[Any]:
    if isinstance(node, pred_ast.Literal):
        yield node
    if isinstance(node, pred_ast.LiteralSet):
        for item in node.value:
            yield from _literals(item)
    if isinstance(node, pred_ast.Regex):
        return
    for side in ("left", "right"):
        child = getattr(node, side, None)
        if child is not None:
            yield from _literals(child)


def _check_literal(literal: Any, source: str, known_slots: Set[str]) -> None:
    value: str = literal.value
    if value[:1] in ("'", '"') and value[:1] == value[-1:]:
        return
    if value.startswith(SLOT_PREFIX):
        slot = value[len(SLOT_PREFIX) :]
        if slot not in known_slots:
            raise ConditionError(
                f"the condition {source!r} uses the slot {slot!r}, which domain.yml does not have"
            )
        return
    raise ConditionError(
        f"in the condition {source!r}, {value!r} is neither a slot (write slots.<name>) "
        f'nor a text in quotes (write "{value}")'
    )
