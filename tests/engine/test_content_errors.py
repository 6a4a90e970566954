"""A coordinator who mistypes a flow learns it at start-up, with the file, the flow and the step."""

import shutil
from pathlib import Path

import pytest

from bot.engine.content import load_content
from bot.engine.errors import ContentError
from tests.engine.conftest import ACTIONS, FIXTURES

GOOD_STEPS = """
      - collect: comune
      - action: utter_subscribed
"""


def project(tmp_path: Path, flows: str, domain_edit: tuple[str, str] | None = None) -> Path:
    shutil.copy(FIXTURES / "config.yml", tmp_path / "config.yml")
    domain = (FIXTURES / "domain.yml").read_text(encoding="utf-8")
    if domain_edit:
        domain = domain.replace(*domain_edit)
    (tmp_path / "domain.yml").write_text(domain, encoding="utf-8")
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "towns.yml").write_text(flows, encoding="utf-8")
    return tmp_path


def problems_of(root: Path) -> str:
    with pytest.raises(ContentError) as caught:
        load_content(root, ACTIONS)
    return str(caught.value)


def a_flow(steps: str) -> str:
    return f"""flows:
  ask_town:
    description: chiede il comune
    steps:{steps}"""


def test_the_fixture_content_loads(tmp_path: Path) -> None:
    content = load_content(project(tmp_path, a_flow(GOOD_STEPS)), ACTIONS)

    assert "ask_town" in content.flows


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        (
            "\n      - collect: comun\n",
            "step 1 (collect comun): slot 'comun' is not in the domain (did you mean 'comune'?)",
        ),
        (
            "\n      - colect: comune\n",
            "step 1: a step needs one of collect, action, set_slots, link, call, noop "
            "(found: colect)",
        ),
        (
            "\n      - action: utter_subscribd\n",
            "step 1 (action utter_subscribd): there is no response or action 'utter_subscribd' "
            "(did you mean 'utter_subscribed'?)",
        ),
        (
            "\n      - collect: comune\n        next: fine\n      - id: end\n        noop: true\n"
            "        next: END\n",
            "step 1 (collect comune): next goes to 'fine', but the flow has no step with that id",
        ),
        (
            "\n      - collect: comune\n        next:\n          - if: slots.comune =\n"
            "            then: END\n          - else: END\n",
            "step 1 (collect comune): the condition 'slots.comune =' cannot be read (Unexpected "
            "end of predicate!)",
        ),
        (
            "\n      - collect: comune\n        next:\n          - if: slots.comune = Bruino\n"
            "            then: END\n          - else: END\n",
            "step 1 (collect comune): in the condition 'slots.comune = Bruino', 'Bruino' is "
            'neither a slot (write slots.<name>) nor a text in quotes (write "Bruino")',
        ),
        (
            "\n      - collect: comune\n        next:\n          - if: slots.comune is null\n"
            "            then: END\n",
            "step 1 (collect comune): a next with conditions ends with `- else: ...`, so the "
            "flow always knows where to go",
        ),
        (
            "\n      - collect: comune\n        next:\n          - if: slots.count > 1 and "
            "slots.count < 3 or slots.comune is null\n            then: END\n"
            "          - else: END\n",
            "step 1 (collect comune): the condition 'slots.count > 1 and slots.count < 3 or "
            "slots.comune is null' mixes 'and' with 'or': add parentheses to say which goes "
            "first, e.g. (a and b) or c",
        ),
        (
            "\n      - collect: comune\n        next:\n          - if: slots.paese is null\n"
            "            then: END\n          - else: END\n",
            "step 1 (collect comune): the condition 'slots.paese is null' uses the slot 'paese', "
            "which domain.yml does not have",
        ),
        (
            "\n      - link: ask_tow\n",
            "step 1 (link ask_tow): there is no flow 'ask_tow' (did you mean 'ask_town'?)",
        ),
        (
            "\n      - collect: comune\n        ask_before_fillin: true\n",
            "step 1 (collect comune): unknown key 'ask_before_fillin' (did you mean "
            "'ask_before_filling'?)",
        ),
    ],
)
def test_a_mistyped_step_is_named_with_its_file_and_flow(
    tmp_path: Path, steps: str, expected: str
) -> None:
    message = problems_of(project(tmp_path, a_flow(steps)))

    assert f"  - flows/towns.yml, flow 'ask_town', {expected}" in message


def test_a_step_inside_a_branch_is_named_by_its_path(tmp_path: Path) -> None:
    steps = """
      - id: confirm
        collect: report_confirmed
        next:
          - if: slots.report_confirmed
            then: END
          - else:
              - set_slots:
                  - comun: null
              - next: END
"""
    message = problems_of(project(tmp_path, a_flow(steps)))

    assert (
        "flows/towns.yml, flow 'ask_town', step 1 (collect report_confirmed, id 'confirm') "
        "> else > step 1 (set_slots): set_slots: slot 'comun' is not in the domain"
    ) in message


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    message = problems_of(project(tmp_path, "flows:\n  ask_town:\n    steps: [\n"))

    assert "flows/towns.yml: line 4, column 1: the YAML is not valid" in message


def test_a_missing_engine_response_is_named(tmp_path: Path) -> None:
    root = project(tmp_path, a_flow(GOOD_STEPS), ("  utter_ask_rephrase:", "  utter_ask_rephras:"))

    assert "domain.yml: the engine needs the response 'utter_ask_rephrase'" in problems_of(root)


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    steps = "\n      - collect: comun\n      - action: utter_nope\n"

    message = problems_of(project(tmp_path, a_flow(steps)))

    assert message.startswith("The assistant's content has 2 problems:")


def test_flows_that_call_each_other_in_a_circle_are_refused(tmp_path: Path) -> None:
    flows = """flows:
  one:
    steps:
      - call: two
  two:
    steps:
      - call: one
"""
    assert "flows call each other in a circle: one -> two -> one" in problems_of(
        project(tmp_path, flows)
    )
