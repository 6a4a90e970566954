"""flows/*.yml, the conversations in the CALM format, compiled once into step graphs.

Every step gets an id (its own, or one made from its kind and name, stable when other steps
are added) and a list of transitions; inline branches become steps of their own. Whatever a
coordinator mistyped is reported with the file, the flow and the step.
"""

import difflib
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.engine.conditions import Condition, ConditionError, compile_condition
from bot.engine.domain import Domain
from bot.engine.errors import Problems
from bot.engine.yaml_files import display_path, read_yaml

END = "END"
STEP_KINDS = ("collect", "action", "set_slots", "link", "call", "noop")
FLOW_KEYS = frozenset(
    {
        "name",
        "description",
        "nlu_trigger",
        "steps",
        "if",
        "persisted_slots",
        "always_include_in_prompt",
        "run_pattern_completed",
    }
)
COMMON_STEP_KEYS = frozenset({"id", "next", "description"})
STEP_KEYS = {
    "collect": frozenset({"utter", "ask_before_filling", "reset_after_flow_ends", "rejections"}),
    "action": frozenset(),
    "set_slots": frozenset(),
    "link": frozenset(),
    "call": frozenset(),
    "noop": frozenset(),
}


@dataclass(frozen=True)
class Transition:
    condition: Condition | None
    target: str


@dataclass(frozen=True)
class Rejection:
    condition: Condition
    response: str


@dataclass(frozen=True)
class Step:
    id: str
    kind: str
    order: int
    label: str
    slot: str | None = None
    question: str | None = None
    ask_before_filling: bool = False
    reset_after_flow_ends: bool = True
    rejections: tuple[Rejection, ...] = ()
    action: str | None = None
    slot_values: tuple[tuple[str, Any], ...] = ()
    flow_target: str | None = None
    transitions: tuple[Transition, ...] = ()


@dataclass(frozen=True)
class Trigger:
    intent: str
    threshold: float


@dataclass(frozen=True)
class Flow:
    id: str
    name: str
    source: str
    steps: Mapping[str, Step] = field(repr=False)
    first: str
    triggers: tuple[Trigger, ...] = ()
    guard: Condition | None = None
    persisted_slots: frozenset[str] = frozenset()

    @property
    def collects(self) -> Iterator[Step]:
        return (step for step in self.steps.values() if step.kind == "collect")

    @property
    def calls(self) -> Iterator[str]:
        for step in self.steps.values():
            if step.kind == "call" and step.flow_target:
                yield step.flow_target

    def collect_of(self, slot: str) -> Step | None:
        return next((step for step in self.collects if step.slot == slot), None)


class Flows:
    def __init__(self, flows: Mapping[str, Flow]) -> None:
        self._flows = dict(flows)
        self._by_intent: dict[str, list[tuple[Trigger, Flow]]] = {}
        for flow in self._flows.values():
            for trigger in flow.triggers:
                self._by_intent.setdefault(trigger.intent, []).append((trigger, flow))
        # Slots belong to a flow together with those of the flows it calls.
        self._collected = {name: self._gather(name, _collected_slots) for name in self._flows}
        self._touched = {name: self._gather(name, _touched_slots) for name in self._flows}

    def __contains__(self, name: object) -> bool:
        return name in self._flows

    def __getitem__(self, name: str) -> Flow:
        return self._flows[name]

    def __iter__(self) -> Iterator[Flow]:
        return iter(self._flows.values())

    def triggered_by(
        self,
        intent: str | None,
        confidence: float,
        slots: Mapping[str, Any],
        exclude: Collection[str] = (),
    ) -> Flow | None:
        for trigger, flow in self._by_intent.get(intent or "", ()):
            if confidence < trigger.threshold or flow.id in exclude:
                continue
            if flow.guard is None or flow.guard.holds(slots):
                return flow
        return None

    def slots_reset_at_end(self, name: str) -> frozenset[str]:
        return self._collected[name]

    def slots_of(self, name: str) -> frozenset[str]:
        return self._touched[name]

    def _gather(
        self, name: str, own: Callable[[Flow], set[str]], seen: frozenset[str] = frozenset()
    ) -> frozenset[str]:
        flow = self._flows[name]
        slots = set(own(flow))
        for called in flow.calls:
            if called in self._flows and called not in seen:
                slots |= self._gather(called, own, seen | {name})
        return frozenset(slots - flow.persisted_slots)


def _collected_slots(flow: Flow) -> set[str]:
    return {s.slot for s in flow.collects if s.slot and s.reset_after_flow_ends}


def _touched_slots(flow: Flow) -> set[str]:
    slots = {s.slot for s in flow.collects if s.slot}
    for step in flow.steps.values():
        slots.update(name for name, _ in step.slot_values)
    return slots


def load_flows(
    folder: Path,
    root: Path,
    domain: Domain,
    responses: Collection[str],
    actions: Collection[str],
    problems: Problems,
) -> Flows:
    flows: dict[str, Flow] = {}
    files = sorted([*folder.glob("**/*.yml"), *folder.glob("**/*.yaml")]) if folder.is_dir() else []
    for path in files:
        where = display_path(path, root)
        content = read_yaml(path, root, problems)
        if content is None:
            continue
        if not isinstance(content, dict) or not isinstance(content.get("flows"), dict):
            problems.add(where, "a flows file starts with `flows:` followed by the flows by name")
            continue
        for name, raw in content["flows"].items():
            if name in flows:
                problems.add(where, f"flow {name!r} is already defined in {flows[name].source}")
                continue
            compiled = _FlowCompiler(str(name), where, domain, responses, actions, problems).run(
                raw
            )
            if compiled is not None:
                flows[compiled.id] = compiled
    _check_flow_references(flows, problems)
    return Flows(flows)


def _check_flow_references(flows: Mapping[str, Flow], problems: Problems) -> None:
    for flow in flows.values():
        for step in flow.steps.values():
            target = step.flow_target
            if target is not None and target not in flows:
                problems.add(
                    f"{flow.source}, flow {flow.id!r}, {step.label}",
                    f"there is no flow {target!r}{_did_you_mean(target, flows)}",
                )
    for flow in flows.values():
        cycle = _call_cycle(flow.id, flows, (flow.id,))
        if cycle and cycle[0] == min(cycle[:-1]):
            problems.add(
                f"{flow.source}, flow {flow.id!r}",
                "flows call each other in a circle: " + " -> ".join(cycle),
            )


def _call_cycle(
    name: str, flows: Mapping[str, Flow], path: tuple[str, ...]
) -> tuple[str, ...] | None:
    for called in flows[name].calls:
        if called == path[0]:
            return (*path, called)
        if called in flows and called not in path:
            found = _call_cycle(called, flows, (*path, called))
            if found:
                return found
    return None


def _did_you_mean(name: str, known: Collection[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


class _FlowCompiler:
    def __init__(
        self,
        flow_id: str,
        source: str,
        domain: Domain,
        responses: Collection[str],
        actions: Collection[str],
        problems: Problems,
    ) -> None:
        self.flow_id = flow_id
        self.source = source
        self.domain = domain
        self.responses = responses
        self.actions = actions
        self.problems = problems
        self.steps: dict[str, Step] = {}
        self.taken_ids: set[str] = set()
        self.targets: list[tuple[str, str]] = []
        self.order = 0

    @property
    def where(self) -> str:
        return f"{self.source}, flow {self.flow_id!r}"

    def fail(self, label: str | None, what: str) -> None:
        self.problems.add(f"{self.where}, {label}" if label else self.where, what)

    def run(self, raw: Any) -> Flow | None:
        if not isinstance(raw, dict):
            self.fail(None, "a flow is a mapping with a description and steps")
            return None
        for key in raw:
            if key not in FLOW_KEYS:
                self.fail(None, f"unknown key {key!r}{_did_you_mean(str(key), FLOW_KEYS)}")
        raw_steps = raw.get("steps")
        if not isinstance(raw_steps, list) or not raw_steps:
            self.fail(None, "the flow has no steps")
            return None
        self.taken_ids = set(_explicit_ids(raw_steps))
        first = self.sequence(raw_steps, prefix="", labels=())
        for label, target in self.targets:
            if target != END and target not in self.steps:
                self.fail(label, f"next goes to {target!r}, but the flow has no step with that id")
        if first is None:
            return None
        return Flow(
            id=self.flow_id,
            name=str(raw.get("name") or self.flow_id),
            source=self.source,
            steps=self.steps,
            first=first,
            triggers=self.triggers(raw.get("nlu_trigger")),
            guard=self.condition(raw.get("if"), None) if "if" in raw else None,
            persisted_slots=frozenset(self.slot_names(raw.get("persisted_slots"))),
        )

    def triggers(self, raw: Any) -> tuple[Trigger, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.fail(None, "nlu_trigger must be a list of `- intent: ...`")
            return ()
        triggers = []
        for item in raw:
            intent = item.get("intent") if isinstance(item, dict) else None
            threshold: Any = 0.0
            if isinstance(intent, dict):
                threshold = intent.get("confidence_threshold", 0.0)
                intent = intent.get("name")
            if not isinstance(intent, str) or not isinstance(threshold, int | float):
                self.fail(
                    None,
                    f"nlu_trigger {item!r} must be `intent: name` or "
                    "`intent: {name: ..., confidence_threshold: 0.5}`",
                )
                continue
            if intent not in self.domain.intents:
                self.fail(
                    None,
                    f"nlu_trigger: intent {intent!r} is not in the domain"
                    f"{_did_you_mean(intent, self.domain.intents)}",
                )
                continue
            triggers.append(Trigger(intent, float(threshold)))
        return tuple(triggers)

    def slot_names(self, raw: Any) -> list[str]:
        if raw is None:
            return []
        names = raw if isinstance(raw, list) else [raw]
        for name in names:
            if name not in self.domain.slots:
                self.fail(None, f"persisted slot {name!r} is not in the domain")
        return [str(name) for name in names]

    def condition(self, raw: Any, label: str | None) -> Condition | None:
        try:
            return compile_condition(raw, self.domain.slots.keys())
        except ConditionError as error:
            self.fail(label, str(error))
            return None

    def sequence(self, items: list[Any], prefix: str, labels: tuple[str, ...]) -> str | None:
        """Compile a list of steps; the last one without `next` ends the flow."""
        ids = [self.step_id(item, prefix) for item in items]
        for index, item in enumerate(items):
            default_next = ids[index + 1] if index + 1 < len(items) else END
            self.step(
                item, ids[index], default_next, (*labels, self.label(item, index, ids[index]))
            )
        return ids[0] if ids else None

    def step_id(self, item: Any, prefix: str) -> str:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            return item["id"]
        kind = _kind_of(item) or "step"
        name = item.get(kind) if isinstance(item, dict) else None
        base = f"{prefix}{kind}" + (f"_{name}" if isinstance(name, str) else "")
        candidate, number = base, 1
        while candidate in self.taken_ids:
            number += 1
            candidate = f"{base}_{number}"
        self.taken_ids.add(candidate)
        return candidate

    @staticmethod
    def label(item: Any, index: int, step_id: str) -> str:
        kind = _kind_of(item)
        if kind is None:
            return f"step {index + 1}"
        name = item.get(kind)
        what = f"{kind} {name}" if isinstance(name, str) else kind
        explicit = "id" in item
        return f"step {index + 1} ({what}" + (f", id {step_id!r})" if explicit else ")")

    def step(self, raw: Any, step_id: str, default_next: str, labels: tuple[str, ...]) -> None:
        label = " > ".join(labels)
        kind = _kind_of(raw)
        if not isinstance(raw, dict) or kind is None:
            found = ", ".join(map(str, raw)) if isinstance(raw, dict) else repr(raw)
            self.fail(label, f"a step needs one of {', '.join(STEP_KINDS)} (found: {found})")
            return
        if sum(1 for key in STEP_KINDS if key in raw) > 1:
            self.fail(label, f"a step does one thing: choose one of {', '.join(STEP_KINDS)}")
            return
        allowed = COMMON_STEP_KEYS | STEP_KEYS[kind] | {kind}
        for key in raw:
            if key not in allowed:
                self.fail(label, f"unknown key {key!r}{_did_you_mean(str(key), allowed)}")
        if step_id in self.steps:
            self.fail(label, f"another step already has the id {step_id!r}")
            return
        self.order += 1
        order = self.order
        fields = getattr(self, f"_{kind}")(raw, label)
        if fields is None:
            return
        transitions = self.transitions(raw, kind, step_id, default_next, labels)
        self.steps[step_id] = Step(
            id=step_id, kind=kind, order=order, label=label, transitions=transitions, **fields
        )

    def transitions(
        self,
        raw: dict[str, Any],
        kind: str,
        step_id: str,
        default_next: str,
        labels: tuple[str, ...],
    ) -> tuple[Transition, ...]:
        label = " > ".join(labels)
        if kind == "link":
            if "next" in raw:
                self.fail(label, "a link ends the flow: it cannot have a next")
            return ()
        if "next" not in raw:
            if kind == "noop":
                self.fail(label, "a noop step needs a next")
            return (Transition(None, default_next),)
        nxt = raw["next"]
        if isinstance(nxt, str):
            self.targets.append((label, nxt))
            return (Transition(None, nxt),)
        if not isinstance(nxt, list) or not nxt:
            self.fail(
                label,
                "next is a step id, END, or a list of `- if: ... then: ...` and `- else: ...`",
            )
            return (Transition(None, END),)
        transitions = []
        for index, branch in enumerate(nxt, start=1):
            is_last = index == len(nxt)
            if isinstance(branch, dict) and "else" in branch and set(branch) == {"else"}:
                if not is_last:
                    self.fail(label, "the else of a next must come last")
                target = self.branch_target(branch["else"], f"{step_id}.else.", (*labels, "else"))
                transitions.append(Transition(None, target))
            elif isinstance(branch, dict) and "if" in branch and set(branch) == {"if", "then"}:
                condition = self.condition(branch["if"], label)
                target = self.branch_target(
                    branch["then"], f"{step_id}.if{index}.", (*labels, f"if {branch['if']}")
                )
                if condition is not None:
                    transitions.append(Transition(condition, target))
                if is_last:
                    self.fail(
                        label,
                        "a next with conditions ends with `- else: ...`, so the flow "
                        "always knows where to go",
                    )
            else:
                self.fail(
                    label, f"next item {index} must be `- if: ... then: ...` or `- else: ...`"
                )
        return tuple(transitions)

    def branch_target(self, raw: Any, prefix: str, labels: tuple[str, ...]) -> str:
        if isinstance(raw, str):
            self.targets.append((" > ".join(labels), raw))
            return raw
        if isinstance(raw, list) and raw:
            return self.sequence(raw, prefix, labels) or END
        self.fail(" > ".join(labels), "a branch goes to a step id, END, or a list of steps")
        return END

    def _collect(self, raw: dict[str, Any], label: str) -> dict[str, Any] | None:
        slot = raw["collect"]
        if slot not in self.domain.slots:
            self.fail(
                label,
                f"slot {slot!r} is not in the domain{_did_you_mean(str(slot), self.domain.slots)}",
            )
            return None
        question = raw.get("utter")
        if question is None:
            question = f"utter_ask_{slot}"
            if question not in self.responses and f"action_ask_{slot}" in self.actions:
                question = f"action_ask_{slot}"
        if question not in self.responses and question not in self.actions:
            self.fail(label, f"there is no response {question!r} to ask for the slot")
            return None
        rejections = []
        for item in raw.get("rejections") or ():
            if not isinstance(item, dict) or set(item) != {"if", "utter"}:
                self.fail(label, "a rejection is `- if: ... utter: utter_...`")
                continue
            condition = self.condition(item["if"], label)
            if item["utter"] not in self.responses:
                self.fail(label, f"rejection: there is no response {item['utter']!r}")
            elif condition is not None:
                rejections.append(Rejection(condition, item["utter"]))
        flags = {}
        for key, default in (("ask_before_filling", False), ("reset_after_flow_ends", True)):
            value = raw.get(key, default)
            if not isinstance(value, bool):
                self.fail(label, f"{key} is true or false")
                value = default
            flags[key] = value
        return {"slot": slot, "question": question, "rejections": tuple(rejections), **flags}

    def _action(self, raw: dict[str, Any], label: str) -> dict[str, Any] | None:
        name = raw["action"]
        if name in self.responses or name in self.actions:
            return {"action": name}
        known = [*self.responses, *self.actions]
        self.fail(
            label, f"there is no response or action {name!r}{_did_you_mean(str(name), known)}"
        )
        return None

    def _set_slots(self, raw: dict[str, Any], label: str) -> dict[str, Any] | None:
        items = raw["set_slots"]
        pairs: list[tuple[str, Any]] = []
        if isinstance(items, dict):
            items = [{key: value} for key, value in items.items()]
        if not isinstance(items, list):
            self.fail(label, "set_slots is a list of `- slot: value`")
            return None
        for item in items:
            if not isinstance(item, dict) or len(item) != 1:
                self.fail(label, f"set_slots: {item!r} must be `- slot: value`")
                continue
            name, value = next(iter(item.items()))
            slot = self.domain.slots.get(name)
            if slot is None:
                self.fail(
                    label,
                    f"set_slots: slot {name!r} is not in the domain"
                    f"{_did_you_mean(str(name), self.domain.slots)}",
                )
            elif slot.type == "categorical" and value is not None and str(value) not in slot.values:
                self.fail(label, f"set_slots: {value!r} is not one of the values of {name!r}")
            else:
                pairs.append((name, value))
        return {"slot_values": tuple(pairs)}

    def _link(self, raw: dict[str, Any], label: str) -> dict[str, Any] | None:
        return self._flow_reference(raw["link"], label)

    def _call(self, raw: dict[str, Any], label: str) -> dict[str, Any] | None:
        return self._flow_reference(raw["call"], label)

    def _flow_reference(self, target: Any, label: str) -> dict[str, Any] | None:
        if not isinstance(target, str):
            self.fail(label, "link and call name a flow")
            return None
        return {"flow_target": target}

    def _noop(self, raw: dict[str, Any], label: str) -> dict[str, Any] | None:
        if raw.get("noop", True) is not True:
            self.fail(label, "write `noop: true`")
        return {}


def _kind_of(raw: Any) -> str | None:
    if not isinstance(raw, dict):
        return None
    kind = next((kind for kind in STEP_KINDS if kind in raw), None)
    # `- next: END` alone, as the last step of a branch, is a step that only moves on.
    if kind is None and "next" in raw:
        return "noop"
    return kind


def _explicit_ids(items: Any) -> Iterator[str]:
    if not isinstance(items, list):
        return
    for item in items:
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("id"), str):
            yield item["id"]
        branches = item.get("next")
        if isinstance(branches, list):
            for branch in branches:
                if isinstance(branch, dict):
                    for key in ("then", "else"):
                        yield from _explicit_ids(branch.get(key))
