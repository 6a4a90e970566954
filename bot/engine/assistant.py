"""The assistant: one incoming message in, the replies out, all of it one unit of work."""

import asyncio
import hashlib
import logging
import traceback
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import inspect
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from bot.db.database import Database
from bot.db.models import Conversation, Handoff, Person
from bot.db.types import utcnow
from bot.engine.content import Content, load_content
from bot.engine.dialogue import Dialogue
from bot.engine.first_messages import FirstMessages
from bot.engine.locks import PersonLocks, SqliteWriter
from bot.engine.payloads import PayloadError, parse_payload
from bot.engine.state import DialogueState
from bot.engine.turn import turn_session
from bot.engine.understanding import Understanding, from_parse, from_payload
from bot.engine.updates import claim_update
from bot.messages import Channel, IncomingMessage, OutgoingMessage
from bot.services import handoff, outbox, people, transcript
from bot.services.operator_setup import OperatorSetup
from bot.settings import Settings

log = logging.getLogger(__name__)

AFFIRM = "affirm"
DENY = "deny"
# What someone who has not accepted the privacy notice can still ask (emergencies aside).
ALLOWED_WITHOUT_CONSENT = frozenset({"ask_info", "greet", "thank", "goodbye"})
# Channels whose caller shows the replies at once: their outbox rows are a record, not a queue.
SHOWN_BY_CALLER = frozenset({Channel.WEB, Channel.SHELL})
INBOUND_GRAIN = timedelta(minutes=1)
ANSWERED_FIRST_MESSAGE = "answered_first_message"


class Parser(Protocol):
    """The NLU as the engine sees it: the embedded pipeline, or a Rasa server's /model/parse."""

    def parse(self, text: str, now: datetime | None = None) -> Any: ...


class Assistant:
    def __init__(
        self,
        database: Database,
        nlu_pipeline: Parser,
        project_root: Path,
        settings: Settings,
        *,
        actions_package: str = "actions",
    ) -> None:
        """Load and check the content; raises ContentError, in plain words, if it cannot run."""
        self._database = database
        self._nlu = nlu_pipeline
        self._settings = settings
        self.content: Content = load_content(Path(project_root), actions_package)
        self._key = settings.pseudonym_key or people.ensure_pseudonym_key(settings.data_dir)
        self._locks = PersonLocks()
        url = database.engine.url
        self._sqlite_writer: AbstractContextManager[Any] = (
            SqliteWriter(Path(url.database) if url.database not in (None, "", ":memory:") else None)
            if url.get_backend_name() == "sqlite"
            else nullcontext()
        )
        self._first_messages = FirstMessages()
        self.consent_version = _consent_version(self.content)

    def handle(self, incoming: IncomingMessage) -> list[OutgoingMessage]:
        _refuse_running_loop()
        understanding = self._understand(incoming)
        key = people.pseudonym(self._key, incoming.channel, incoming.user_id)
        try:
            return self._turn(incoming, understanding, key)
        except DBAPIError as error:
            # The database restarted since the connection was last used: the pool has thrown
            # its connections away and the turn wrote nothing, so it can simply run again.
            if not error.connection_invalidated:
                raise
            log.warning("database connection lost (%s); the turn runs again", type(error.orig))
            return self._turn(incoming, understanding, key)

    def _turn(
        self, incoming: IncomingMessage, understanding: Understanding, key: str
    ) -> list[OutgoingMessage]:
        with (
            self._locks.hold(key),
            self._sqlite_writer,
            self._database.unit_of_work() as session,
            turn_session(session),
        ):
            if incoming.message_id is not None and not claim_update(
                session, incoming.channel, incoming.message_id
            ):
                log.info("update %s on %s already handled", incoming.message_id, incoming.channel)
                return []
            created = False
            found = people.find_for_turn(session, incoming.channel, key)
            if found is None:
                created = people.create(session, incoming.channel, key, incoming.address)
                found = people.find_for_turn(session, incoming.channel, key)
            if found is None:
                raise RuntimeError("the person vanished while being created")
            person = found.person
            replies = self._respond(session, found, created, incoming, understanding)
            # Erased during this turn ("cancella i miei dati"): the last replies go unattached.
            outbox.enqueue_replies(
                session,
                None if inspect(person).was_deleted else person.id,
                incoming.channel,
                incoming.address,
                replies,
                delivered=incoming.channel in SHOWN_BY_CALLER,
            )
            log.debug(
                "person %s: intent %s, %d characters, %d replies",
                person.id,
                understanding.intent,
                len(understanding.text),
                len(replies),
            )
        if ANSWERED_FIRST_MESSAGE in session.info:
            self._first_messages.forget(session.info[ANSWERED_FIRST_MESSAGE])
        return replies

    def _understand(self, incoming: IncomingMessage) -> Understanding:
        """Buttons are read as they are; text goes through the NLU, outside any transaction."""
        raw = incoming.payload or incoming.text or ""
        try:
            payload = parse_payload(raw)
        except PayloadError:
            log.warning("a payload on %s has values that are not JSON", incoming.channel)
            payload = None
        if payload is not None and payload.intent in self.content.domain.intents:
            return from_payload(raw, payload, self.content.domain.slots)
        text = incoming.text or ""
        if not text.strip():
            return Understanding(text=text)
        now = incoming.received_at if incoming.received_at and incoming.received_at.tzinfo else None
        return from_parse(text, self._nlu.parse(text, now=now))

    def _respond(
        self,
        session: Session,
        found: people.TurnRecords,
        created: bool,
        incoming: IncomingMessage,
        understanding: Understanding,
    ) -> list[OutgoingMessage]:
        person = found.person
        now = utcnow()
        # Written at most once a minute: an UPDATE a turn is a fifth of its database work, and
        # what reads the time (the 24-hour window, "busy") needs no finer grain.
        if person.last_inbound_at is None or now - person.last_inbound_at >= INBOUND_GRAIN:
            person.last_inbound_at = now
        if person.blocked_at is not None:
            person.blocked_at = None
        if person.address != incoming.address:
            person.address = incoming.address
        if person.consent_at is None:
            return self._consent_gate(session, person, created, incoming, understanding)
        return self._converse(
            session, person, found.conversation, found.open_handoff_id, incoming, understanding
        )

    def _consent_gate(
        self,
        session: Session,
        person: Person,
        created: bool,
        incoming: IncomingMessage,
        understanding: Understanding,
    ) -> list[OutgoingMessage]:
        """Before consent: emergencies, the notice, a few informative answers; nothing stored."""
        dialogue = self._dialogue(
            session, DialogueState.empty(self.content.domain), person, incoming
        )
        if understanding.urgent:
            dialogue.say("utter_emergency")
            dialogue.say("utter_emergency_no_consent")
        if created or understanding.urgent:
            self._first_messages.keep(person.id, incoming, understanding)
            if created:
                dialogue.say("utter_privacy_notice")
            return dialogue.replies
        understood = understanding.confidence >= self.content.fallback_threshold
        if understood and understanding.intent == AFFIRM:
            return self._accept(session, person, incoming, understanding, dialogue)
        if understood and understanding.intent == DENY and person.consent_declined_at is None:
            people.decline_consent(person, utcnow())
            self._first_messages.forget(person.id)
            dialogue.say("utter_consent_declined")
        elif understood and understanding.intent in ALLOWED_WITHOUT_CONSENT:
            dialogue.handle(incoming, understanding)
        else:
            dialogue.say("utter_need_consent")
        return dialogue.replies

    def _accept(
        self,
        session: Session,
        person: Person,
        incoming: IncomingMessage,
        understanding: Understanding,
        dialogue: Dialogue,
    ) -> list[OutgoingMessage]:
        people.give_consent(person, self.consent_version, utcnow())
        dialogue.say("utter_consent_thanks")
        transcript.record_turn(
            session, person, _said(incoming), understanding.intent, dialogue.replies
        )
        held = self._first_messages.peek(person.id)
        if held is None:
            return dialogue.replies
        # Forgotten once this turn commits: a turn that fails and runs again still answers it.
        session.info[ANSWERED_FIRST_MESSAGE] = person.id
        return dialogue.replies + self._converse(
            session, person, None, None, held.message, held.understanding
        )

    def _converse(
        self,
        session: Session,
        person: Person,
        conversation: Conversation | None,
        open_handoff_id: int | None,
        incoming: IncomingMessage,
        understanding: Understanding,
    ) -> list[OutgoingMessage]:
        if incoming.first_name and person.first_name != incoming.first_name[:80]:
            person.first_name = incoming.first_name[:80]
        # An operator is talking with this person: the message is theirs, not the flows'. An
        # urgent one gets the emergency answer all the same.
        active = session.get(Handoff, open_handoff_id) if open_handoff_id else None
        relayed = active is not None and handoff.relay_to_operator(
            session, self._operators, active, person, _said(incoming), incoming.attachments
        )
        if relayed and not understanding.urgent:
            transcript.record_turn(session, person, _said(incoming), understanding.intent, ())
            return []
        domain, flows = self.content.domain, self.content.flows
        state = DialogueState.from_document(
            conversation.state if conversation else {}, domain, flows
        )
        dialogue = self._dialogue(session, state, person, incoming)
        try:
            dialogue.handle(incoming, understanding)
        except SQLAlchemyError:
            raise
        except Exception as error:
            # A bug of the engine must not leave the person stuck in a state that breaks again.
            log.error(
                "turn of person %s failed (%s)\n%s",
                person.id,
                type(error).__name__,
                "".join(traceback.format_tb(error.__traceback__)),
            )
            state.stack.clear()
            dialogue.say("utter_internal_error")
        if inspect(person).was_deleted:
            # The person asked to be erased in this turn: nothing of them is written back.
            return dialogue.replies
        document = state.to_document(domain)
        if conversation is None:
            session.add(Conversation(person_id=person.id, state=document))
        elif conversation.state != document:
            conversation.state = document
        transcript.record_turn(
            session, person, _said(incoming), understanding.intent, dialogue.replies
        )
        return dialogue.replies

    @cached_property
    def _operators(self) -> OperatorSetup:
        """The operators' side's queues and texts, read at the first handoff."""
        return OperatorSetup.load(self._settings)

    def _dialogue(
        self, session: Session, state: DialogueState, person: Person, incoming: IncomingMessage
    ) -> Dialogue:
        return Dialogue(self.content, session, state, str(incoming.channel), str(person.id))


def _said(incoming: IncomingMessage) -> str:
    return incoming.text or incoming.payload or ""


def _consent_version(content: Content) -> str:
    """Which privacy notice was accepted: it changes whenever the notice's wording does."""
    texts = "\n".join(v.text for v in content.responses.variations("utter_privacy_notice"))
    return hashlib.sha256(texts.encode()).hexdigest()[:12]


def _refuse_running_loop() -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RuntimeError(
        "Assistant.handle blocks on the database: call it from a worker thread "
        "(e.g. starlette.concurrency.run_in_threadpool), not from the event loop"
    )
