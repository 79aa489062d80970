"""A hypothesis state machine drives random transfers, reversals and retries with
idempotency keys against a plain model of the ledger and its invariants."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from backend.core.errors import ConflictError
from marketplace.errors import MarketplaceError
from marketplace.models import TimeAccount, TimeTransfer
from marketplace.selectors.ledger import ledger_integrity_problems
from marketplace.services.ledger import (
    TRANSFER_SCOPE_FORM,
    time_account_cooperative,
    time_account_for_member,
    time_transfer_create,
    time_transfer_create_once,
    time_transfer_reverse,
)
from tests.factories import MembershipFactory
from tests.locking import own_transaction

pytestmark = pytest.mark.django_db

ACCOUNTS = 4
LIMIT = 180


class LedgerMachine(RuleBasedStateMachine):
    memberships: list = []  # made once by the test (hashing passwords is slow)

    def __init__(self) -> None:
        super().__init__()
        # Each example runs in a savepoint rolled back at teardown: transfers are
        # append-only, so no example could clean up after itself otherwise.
        self._atomic = own_transaction()
        self._atomic.__enter__()
        members = [time_account_for_member(membership=m) for m in self.memberships]
        self.accounts = [*members, time_account_cooperative()]
        TimeAccount.objects.update(credit_limit_minutes=LIMIT)
        self.actor = members[0].owner_member.user
        self.balances = [0] * ACCOUNTS
        self.by_key: dict[str, tuple[int, tuple[int, int, int]]] = {}
        self.transfers: list[tuple[int, int, int, int]] = []  # (pk, payer, payee, minutes)
        self.reversed: set[int] = set()
        self.reversals: set[int] = set()

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _count(self) -> int:
        return TimeTransfer.objects.count()

    @rule(
        payer=st.integers(0, ACCOUNTS - 1),
        payee=st.integers(0, ACCOUNTS - 1),
        minutes=st.integers(1, 240),
        key=st.sampled_from([None, "a", "b", "c", "d"]),
    )
    def transfer(self, payer: int, payee: int, minutes: int, key: str | None) -> None:
        before = self._count()
        call = {
            "actor": self.actor,
            "payer": self.accounts[payer],
            "payee": self.accounts[payee],
            "minutes": minutes,
        }

        def create() -> TimeTransfer:
            if key is None:
                return time_transfer_create(**call)
            return time_transfer_create_once(scope=TRANSFER_SCOPE_FORM, key=key, **call)

        if key in self.by_key:
            first_pk, first_call = self.by_key[key]
            if first_call == (payer, payee, minutes):
                # a retry: the first transfer comes back and nothing more is written
                assert create().pk == first_pk
            else:  # the key with another transfer: refused, nothing written
                with pytest.raises(ConflictError) as err:
                    create()
                assert err.value.code == "idempotency_key_reused"
        elif payer == payee:
            with pytest.raises(MarketplaceError) as err:
                create()
            assert err.value.code == "self_transfer"
        elif self.balances[payer] - minutes < -LIMIT:
            with pytest.raises(MarketplaceError) as err:
                create()
            assert err.value.code == "credit_limit"
        else:
            done = create()
            self.balances[payer] -= minutes
            self.balances[payee] += minutes
            self.transfers.append((done.pk, payer, payee, minutes))
            if key:
                self.by_key[key] = (done.pk, (payer, payee, minutes))
            assert self._count() == before + 1
            return
        assert self._count() == before

    @rule(index=st.integers(0, 50))
    def reverse(self, index: int) -> None:
        if not self.transfers:
            return
        pk, payer, payee, minutes = self.transfers[index % len(self.transfers)]
        transfer = TimeTransfer.objects.get(pk=pk)
        before = self._count()
        if pk in self.reversed or pk in self.reversals:
            with pytest.raises(MarketplaceError):
                time_transfer_reverse(actor=self.actor, transfer=transfer)
        elif self.balances[payee] - minutes < -LIMIT:
            with pytest.raises(MarketplaceError) as err:
                time_transfer_reverse(actor=self.actor, transfer=transfer)
            assert err.value.code == "credit_limit"
        else:
            reversal = time_transfer_reverse(actor=self.actor, transfer=transfer)
            self.balances[payee] -= minutes
            self.balances[payer] += minutes
            self.reversed.add(pk)
            self.reversals.add(reversal.pk)
            self.transfers.append((reversal.pk, payee, payer, minutes))
            assert self._count() == before + 1
            return
        assert self._count() == before

    @invariant()
    def balances_match_the_model_and_the_history(self) -> None:
        stored = dict(
            TimeAccount.objects.filter(pk__in=[a.pk for a in self.accounts]).values_list(
                "pk", "balance_minutes"
            )
        )
        assert [stored[a.pk] for a in self.accounts] == self.balances
        assert sum(self.balances) == 0
        assert all(b >= -LIMIT for b in self.balances)
        assert ledger_integrity_problems() == []


LedgerMachine.TestCase.settings = settings(
    max_examples=30,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def test_ledger_state_machine(db):
    LedgerMachine.memberships = MembershipFactory.create_batch(3)
    LedgerMachine.TestCase().runTest()
