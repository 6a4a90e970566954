"""Console accounts: hashed passwords, a lock against guessing, sessions that end."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import ConsoleSession, User
from bot.services import accounts
from bot.services.accounts import AccountError
from tests.operators import factories
from tests.operators.factories import PASSWORD, TUESDAY_10


def test_the_password_is_kept_only_as_an_argon2_hash(db: Database) -> None:
    with db.unit_of_work() as session:
        factories.user(session, "anna")
        stored = session.scalars(select(User.password_hash)).one()
    assert PASSWORD not in stored
    assert stored.startswith("$argon2id$")


def test_sign_in_with_the_right_password_only(db: Database) -> None:
    with db.unit_of_work() as session:
        factories.user(session, "anna")
        assert accounts.authenticate(session, "anna", "sbagliata-sbagliata") is None
        assert accounts.authenticate(session, "nessuno", PASSWORD) is None
        user = accounts.authenticate(session, " Anna ", PASSWORD, TUESDAY_10)
        assert user is not None and user.last_login_at == TUESDAY_10


def test_five_wrong_passwords_lock_the_account_for_a_while(db: Database) -> None:
    with db.unit_of_work() as session:
        factories.user(session, "anna")
        for _ in range(accounts.MAX_FAILED_LOGINS):
            assert accounts.authenticate(session, "anna", "indovino-123", TUESDAY_10) is None
        assert accounts.authenticate(session, "anna", PASSWORD, TUESDAY_10) is None
        later = TUESDAY_10 + accounts.LOCK_DURATION + timedelta(seconds=1)
        assert accounts.authenticate(session, "anna", PASSWORD, later) is not None


def test_a_session_ends_after_a_shift_of_inactivity_and_with_a_new_password(
    db: Database,
) -> None:
    with db.unit_of_work() as session:
        factories.user(session, "anna", queues=("lavoro_casa",))
        user = factories.user_row(session, "anna")
        first = accounts.start_session(session, user, TUESDAY_10)
        resumed = accounts.resume_session(session, first.token, TUESDAY_10 + timedelta(hours=2))
        assert resumed is not None
        account, csrf = resumed
        assert account.queues == frozenset({"lavoro_casa"}) and csrf == first.csrf_token
        idle = TUESDAY_10 + timedelta(hours=2) + accounts.SESSION_IDLE + timedelta(minutes=1)
        assert accounts.resume_session(session, first.token, idle) is None

        second = accounts.start_session(session, user, TUESDAY_10)
        accounts.set_password(session, user, "un'altra-password")
        assert accounts.resume_session(session, second.token, TUESDAY_10) is None
        assert session.scalars(select(ConsoleSession)).all() == []


def test_accounts_refuse_what_cannot_work(db: Database) -> None:
    with db.unit_of_work() as session:
        factories.user(session, "anna")
        with pytest.raises(AccountError, match="Esiste già"):
            factories.user(session, "anna")
        with pytest.raises(AccountError, match="almeno 10"):
            accounts.create_user(
                session, username="bea", display_name="Bea", role="operator", password="corta"
            )
        with pytest.raises(AccountError, match="ruolo"):
            accounts.create_user(
                session, username="bea", display_name="Bea", role="capo", password=PASSWORD
            )
        with pytest.raises(AccountError, match="code"):
            accounts.create_user(
                session, username="bea", display_name="Bea", role="operator", password=PASSWORD,
                queues=["inesistente"], known_queues=["lavoro_casa"],
            )  # fmt: skip
