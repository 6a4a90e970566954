"""Custom actions: the rasa_sdk.Action subclasses of a package, found and run in-process."""

import asyncio
import importlib
import inspect
import logging
import pkgutil
import threading
import traceback
from collections.abc import Awaitable, Iterator, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.engine.errors import Problems

log = logging.getLogger(__name__)

_loops = threading.local()


@dataclass(frozen=True)
class ActionOutcome:
    messages: list[dict[str, Any]]
    events: list[dict[str, Any]]


class ActionRegistry:
    def __init__(self, actions: Mapping[str, Action]) -> None:
        self._actions = dict(actions)

    def __contains__(self, name: object) -> bool:
        return name in self._actions

    def __iter__(self) -> Iterator[str]:
        return iter(self._actions)

    @classmethod
    def discover(cls, package: str, problems: Problems) -> "ActionRegistry":
        actions: dict[str, Action] = {}
        for module in _modules(package, problems):
            for _, member in inspect.getmembers(module, inspect.isclass):
                if not issubclass(member, Action) or member.__module__ != module.__name__:
                    continue
                action = _instantiate(member, problems)
                if action is None:
                    continue
                name = action.name()
                if name in actions:
                    problems.add(
                        module.__name__,
                        f"two actions are called {name!r} ({type(actions[name]).__name__} and "
                        f"{member.__name__})",
                    )
                actions[name] = action
        return cls(actions)

    def run(self, name: str, tracker: Tracker, domain: Mapping[str, Any]) -> ActionOutcome:
        """Run the action; whatever it raises reaches the caller, which decides what to say."""
        dispatcher = CollectingDispatcher()
        result = self._actions[name].run(dispatcher, tracker, dict(domain))
        if inspect.isawaitable(result):
            result = _wait(result)
        return ActionOutcome(list(dispatcher.messages), list(result or ()))


def _wait(awaitable: Awaitable[Any]) -> Any:
    # rasa_sdk actions are coroutines; a turn is synchronous and runs in a worker thread, so
    # each thread keeps one loop instead of paying for a new one at every action.
    loop: asyncio.AbstractEventLoop | None = getattr(_loops, "loop", None)
    if loop is None:
        loop = asyncio.new_event_loop()
        _loops.loop = loop

    async def completed() -> Any:
        return await awaitable

    return loop.run_until_complete(completed())


def _modules(package: str, problems: Problems) -> Iterator[ModuleType]:
    try:
        root = importlib.import_module(package)
    except ModuleNotFoundError as error:
        if error.name == package:
            log.info("no actions package %r: the flows can use responses only", package)
            return
        yield from _failed_import(package, error, problems)
        return
    except Exception as error:
        yield from _failed_import(package, error, problems)
        return
    yield root
    for info in pkgutil.walk_packages(getattr(root, "__path__", []), prefix=f"{package}."):
        try:
            yield importlib.import_module(info.name)
        except Exception as error:
            yield from _failed_import(info.name, error, problems)


def _failed_import(name: str, error: Exception, problems: Problems) -> Iterator[ModuleType]:
    log.error("cannot import %s:\n%s", name, "".join(traceback.format_exception(error)))
    problems.add(name, f"the module cannot be imported ({type(error).__name__}: {error})")
    return iter(())


def _instantiate(member: type[Action], problems: Problems) -> Action | None:
    if inspect.isabstract(member):
        return None
    try:
        action = member()
        action.name()
    except NotImplementedError:
        # A base class for other actions, without a name of its own.
        return None
    except Exception as error:
        problems.add(member.__module__, f"{member.__name__} cannot be created ({error})")
        return None
    return action
