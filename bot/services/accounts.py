"""The console's accounts: who may sign in, with which role, on which queues.

Passwords are stored as Argon2id hashes (argon2-cffi); a plain password is never kept, logged
or printed except once, to the person who just created or reset it.
"""

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.db.models import ConsoleSession, User, UserQueue
from bot.db.types import utcnow

OPERATOR = "operator"
COORDINATOR = "coordinator"
COMMUNITY_LEADER = "community_leader"
ADMINISTRATOR = "administrator"
ROLES = (OPERATOR, COORDINATOR, COMMUNITY_LEADER, ADMINISTRATOR)
# Coordinators follow every queue; administrators also manage the accounts.
SEES_EVERY_QUEUE = frozenset({COORDINATOR, ADMINISTRATOR})

MIN_PASSWORD_LENGTH = 10
# After this many wrong passwords in a row the account waits, so guessing takes years.
MAX_FAILED_LOGINS = 5
LOCK_DURATION = timedelta(minutes=15)
# A browser left signed in ends after a shift of inactivity, and after a week in any case.
SESSION_IDLE = timedelta(hours=8)
SESSION_MAX_AGE = timedelta(days=7)
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")

# Argon2id at OWASP's recommended minimum (19 MiB, two passes, one lane): as strong as
# guessing needs, and quick enough that the demo's fifteen accounts do not hold up a first start.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Checked against when the username does not exist, so both answers take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """Something about an account that the person at the console or terminal can fix."""


@dataclass(frozen=True)
class Account:
    """A signed-in user, as every permission check sees them."""

    id: int
    username: str
    display_name: str
    role: str
    # The queues of an operator; every queue for coordinators and administrators.
    queues: frozenset[str]
    telegram_user_id: str | None = None

    @property
    def sees_every_queue(self) -> bool:
        return self.role in SEES_EVERY_QUEUE

    @property
    def handles_reports(self) -> bool:
        return self.role in SEES_EVERY_QUEUE or self.role == OPERATOR

    @property
    def manages_accounts(self) -> bool:
        return self.role == ADMINISTRATOR

    def can_see_queue(self, queue: str) -> bool:
        return self.sees_every_queue or (self.role == OPERATOR and queue in self.queues)


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"La password deve avere almeno {MIN_PASSWORD_LENGTH} caratteri.")
    return _hasher.hash(password)


def generate_password() -> str:
    """A password to hand over once: long, random, easy to type on a phone."""
    return secrets.token_urlsafe(12)


def check_username(username: str) -> str:
    username = username.strip().lower()
    if not _USERNAME.fullmatch(username):
        raise AccountError(
            "Il nome utente va scritto in minuscolo, da 2 a 64 caratteri tra lettere, cifre, "
            "punto, trattino e trattino basso (es. m.rossi)."
        )
    return username


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"Il ruolo deve essere uno tra: {', '.join(ROLES)}.")
    return role


def create_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    role: str,
    password: str,
    queues: Iterable[str] = (),
    known_queues: Iterable[str] | None = None,
    telegram_user_id: str | None = None,
) -> User:
    username = check_username(username)
    if find_user(session, username) is not None:
        raise AccountError(f"Esiste già un account «{username}».")
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        role=check_role(role),
        password_hash=hash_password(password),
        telegram_user_id=_telegram_id(telegram_user_id),
    )
    session.add(user)
    session.flush()
    set_queues(session, user, queues, known_queues)
    return user


def set_password(session: Session, user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    # A new password signs every browser out: whoever knew the old one is out too.
    end_all_sessions(session, user.id)


def set_queues(
    session: Session, user: User, queues: Iterable[str], known_queues: Iterable[str] | None = None
) -> None:
    wanted = {queue.strip() for queue in queues if queue.strip()}
    if known_queues is not None:
        unknown = wanted - set(known_queues)
        if unknown:
            raise AccountError(f"Queste code non esistono: {', '.join(sorted(unknown))}.")
    session.execute(delete(UserQueue).where(UserQueue.user_id == user.id))
    session.add_all(UserQueue(user_id=user.id, queue=queue) for queue in sorted(wanted))
    session.flush()


def set_telegram_user(session: Session, user: User, telegram_user_id: str | None) -> None:
    value = _telegram_id(telegram_user_id)
    if value is not None:
        other = user_by_telegram(session, value)
        if other is not None and other.id != user.id:
            raise AccountError("Questo account Telegram è già collegato a un altro utente.")
    user.telegram_user_id = value
    session.flush()


def find_user(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username.strip().lower())).first()


def user_by_telegram(session: Session, telegram_user_id: str | int) -> User | None:
    return session.scalars(
        select(User).where(User.telegram_user_id == str(telegram_user_id), User.active.is_(True))
    ).first()


def queues_of(session: Session, user_id: int) -> frozenset[str]:
    return frozenset(session.scalars(select(UserQueue.queue).where(UserQueue.user_id == user_id)))


def account_of(session: Session, user: User) -> Account:
    return Account(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        queues=queues_of(session, user.id),
        telegram_user_id=user.telegram_user_id,
    )


def authenticate(
    session: Session, username: str, password: str, now: datetime | None = None
) -> User | None:
    """The user whose password this is, or None; counts failures and locks for a while."""
    now = now or utcnow()
    user = find_user(session, username)
    if user is None or not user.active:
        _verify(_DUMMY_HASH, password)
        return None
    if user.locked_until is not None and user.locked_until > now:
        return None
    if not _verify(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCK_DURATION
            user.failed_logins = 0
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return user


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _telegram_id(value: str | int | None) -> str | None:
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    if not text.isdigit():
        raise AccountError("L'id Telegram è un numero (lo mostra per esempio @userinfobot).")
    return text


@dataclass(frozen=True)
class SignedIn:
    """What a browser holds after signing in: the cookie's token and the form token."""

    token: str
    csrf_token: str


def start_session(session: Session, user: User, now: datetime | None = None) -> SignedIn:
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    csrf_token = secrets.token_urlsafe(32)
    session.add(
        ConsoleSession(
            token_hash=_token_hash(token),
            csrf_token=csrf_token,
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
        )
    )
    session.flush()
    return SignedIn(token, csrf_token)


def resume_session(
    session: Session, token: str, now: datetime | None = None
) -> tuple[Account, str] | None:
    """The account and form token of a browser's cookie, or None when it is no longer valid."""
    now = now or utcnow()
    row = session.scalars(
        select(ConsoleSession).where(ConsoleSession.token_hash == _token_hash(token))
    ).first()
    if row is None:
        return None
    user = session.get(User, row.user_id)
    expired = now - row.last_seen_at > SESSION_IDLE or now - row.created_at > SESSION_MAX_AGE
    if user is None or not user.active or expired:
        session.delete(row)
        return None
    # Written at most once a minute: every page view need not be a write.
    if now - row.last_seen_at > timedelta(minutes=1):
        row.last_seen_at = now
    return account_of(session, user), row.csrf_token


def end_session(session: Session, token: str) -> None:
    session.execute(delete(ConsoleSession).where(ConsoleSession.token_hash == _token_hash(token)))


def end_all_sessions(session: Session, user_id: int) -> None:
    session.execute(delete(ConsoleSession).where(ConsoleSession.user_id == user_id))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
