"""Fill an EMPTY database with a national network's worth of valid data, in bulk.

Rows are generated as plain tuples and written with COPY on PostgreSQL (``executemany``
elsewhere), never one ORM save at a time. Every derived number is set as the services
would have left it: shares held, concern counts and shares, running balances on each
transfer and the account balances, the count of the closed vote and of the resolution
(those two and the published ranking are made by the real services, on the bulk rows).

A secret ballot needs a voter in the electorate: when ``ballots`` exceeds ``members``
the extra voters are admitted members too (with their shares, without a time account),
so the membership count is ``max(members, ballots)``.
"""

import csv
import datetime
import io
import json
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from backend.accounts.models import User
from governance.assemblies.models import (
    Assembly,
    AssemblyStatus,
    Attendance,
    Resolution,
    ResolutionStatus,
    ResolutionVote,
)
from governance.demo import COLLEGES
from governance.models import (
    Charter,
    CharterAcceptance,
    College,
    CooperativeSettings,
    Membership,
    ShareSubscription,
)
from governance.tally import DEFAULT_GRADES
from governance.votes import ballots as ballot_codes
from governance.votes.models import Ballot, BallotEntry, Participation, Vote, VoteOption
from marketplace.models import (
    MEMBER_CREDIT_LIMIT_MINUTES,
    Listing,
    TimeAccount,
    TimeTransfer,
)
from observatory.models import Answer, Assessment, Respondent
from observatory.services import grid_default_ensure, observatory_refresh
from pioneers.models import Pioneer, Skill, Theme
from projects.models import ConcernFlag, Project, ProjectStatus
from territories.services import territory_resolve_communes

PASSWORD = "terreau-bench"  # noqa: S105 (demo data) — every seeded person's password (the bench logs in with it)
ADMIN_EMAIL = "bench-admin@scale.terreau.test"
OPTIONS = 10
RESOLUTION_VOTES = 10_000
BATCH = 20_000

Say = Callable[[str], None]


@dataclass(frozen=True)
class ScaleCounts:
    members: int = 10_000
    pioneers: int = 5_000
    projects: int = 2_000
    ballots: int = 200_000
    transfers: int = 1_000_000
    listings: int = 20_000

    def scaled(self, factor: float) -> "ScaleCounts":
        """These counts × factor, never below what the bench's scenarios need (20 paying
        accounts, a session member and voters; a project per vote option)."""
        floors = {"members": 30, "pioneers": 5, "projects": 12, "ballots": 10, "transfers": 100}
        return ScaleCounts(
            **{k: max(floors.get(k, 1), round(v * factor)) for k, v in asdict(self).items()}
        )


class NotEmptyError(Exception):
    """The database already holds people or activity: seed_scale adds to nothing."""


def database_is_empty() -> bool:
    return not any(
        model.objects.exists()
        for model in (User, Membership, Pioneer, Project, Vote, TimeTransfer, Listing)
    )


def seed_scale(*, counts: ScaleCounts, say: Say = lambda _m: None, seed: int = 11) -> dict:
    """Seed everything; returns the row counts written and the seconds each step took."""
    if not database_is_empty():
        raise NotEmptyError(
            "The database is not empty (it has people, pioneers, projects, votes, transfers "
            "or listings): seed_scale fills an empty, migrated database only."
        )
    seeder = _Seeder(counts=counts, say=say, rng=random.Random(seed))  # noqa: S311
    return seeder.run()


# ---------------------------------------------------------------- bulk writing


def _columns(model: type[models.Model], names: Sequence[str]) -> list[str]:
    return [model._meta.get_field(name).column for name in names]


def bulk_insert(model: type[models.Model], names: Sequence[str], rows: Iterable[tuple]) -> int:
    """Write rows (values already in database form) into the model's table; COPY on
    PostgreSQL, batched executemany elsewhere. Returns the number of rows."""
    # Columns the seeder does not name take their model default (a field added later must
    # not break the seed): plain values only, which COPY and executemany both take as is.
    named = set(names)
    defaults = [
        (field.name, field.get_default())
        for field in model._meta.concrete_fields
        if field.name not in named
        and not field.primary_key
        and (field.has_default() or (field.blank and not field.null))
        and isinstance(field.get_default(), str | int | bool)
    ]
    if defaults:
        names = [*names, *(name for name, _value in defaults)]
        tail = tuple(value for _name, value in defaults)
        rows = (tuple(row) + tail for row in rows)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _columns(model, names))
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
            return written
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"  # noqa: S608 (quoted names)
        batch: list[tuple] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written


def _dt(value: datetime.datetime):
    return connection.ops.adapt_datetimefield_value(value)


def _date(value: datetime.date):
    return connection.ops.adapt_datefield_value(value)


def _next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def _sequences_reset(models_: Iterable[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


# ---------------------------------------------------------------- the seeder

FIRST_NAMES = [
    "Camille", "Léa", "Hugo", "Inès", "Louis", "Chloé", "Malik", "Sophie", "Yann", "Nora",
    "Jules", "Manon", "Arthur", "Zoé", "Paul", "Emma", "Sami", "Lucie", "Tom", "Aïcha",
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
    "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David",
]  # fmt: skip
# (commune, postcode, latitude, longitude): points the positions scatter around.
PLACES = [
    ("Lyon", "69001", 45.764, 4.835), ("Nantes", "44000", 47.218, -1.553),
    ("Lille", "59000", 50.629, 3.057), ("Rennes", "35000", 48.117, -1.677),
    ("Toulouse", "31000", 43.604, 1.444), ("Grenoble", "38000", 45.188, 5.724),
    ("Bordeaux", "33000", 44.837, -0.579), ("Strasbourg", "67000", 48.573, 7.752),
    ("Dijon", "21000", 47.322, 5.041), ("Tours", "37000", 47.394, 0.684),
    ("Montpellier", "34000", 43.610, 3.876), ("Limoges", "87000", 45.833, 1.261),
    ("Brest", "29200", 48.390, -4.486), ("Clermont-Ferrand", "63000", 45.777, 3.087),
    ("Besançon", "25000", 47.237, 6.024), ("Poitiers", "86000", 46.580, 0.340),
]  # fmt: skip
SOLUTIONS = [
    "Jardin partagé", "Épicerie coopérative", "Monnaie locale", "Atelier vélo",
    "Ressourcerie", "Habitat participatif", "Maraîchage bio", "Réseau de chaleur",
    "Tiers-lieu", "Compostage collectif", "Centrale solaire citoyenne", "Forêt nourricière",
]  # fmt: skip
SKILLS = [
    "Menuiserie", "Maraîchage", "Comptabilité", "Plomberie", "Électricité", "Couture",
    "Cuisine", "Graphisme", "Animation", "Informatique", "Permaculture", "Rédaction",
    "Traduction", "Vélo", "Apiculture", "Photographie", "Juridique", "Soudure",
]  # fmt: skip
PROJECT_STATUSES = [
    (ProjectStatus.SUBMITTED, 20), (ProjectStatus.IN_REVIEW, 10),
    (ProjectStatus.ACCEPTED_FOR_VOTE, 35), (ProjectStatus.SELECTED, 10),
    (ProjectStatus.IN_PROGRESS, 10), (ProjectStatus.COMPLETED, 5),
    (ProjectStatus.DECLINED, 5), (ProjectStatus.DRAFT, 5),
]  # fmt: skip
CONCERN_STATES = {
    ProjectStatus.SUBMITTED,
    ProjectStatus.IN_REVIEW,
    ProjectStatus.ACCEPTED_FOR_VOTE,
    ProjectStatus.SELECTED,
    ProjectStatus.IN_PROGRESS,
}


class _Seeder:
    def __init__(self, *, counts: ScaleCounts, say: Say, rng: random.Random) -> None:
        self.counts = counts
        self.say = say
        self.rng = rng
        self.now = timezone.now()
        self.report: dict = {"counts": asdict(counts), "rows": {}, "seconds": {}}

    def _step(self, name: str, fn: Callable[[], None]) -> None:
        started = time.perf_counter()
        fn()
        seconds = round(time.perf_counter() - started, 2)
        self.report["seconds"][name] = seconds
        self.say(f"  {name}: {seconds} s")

    def run(self) -> dict:
        self.say(f"Seeding {self.counts} ...")
        # One transaction per step, as services run in production: each step takes its
        # locks in the global order (backend/core/locks.py) within its own transaction
        # (closing the vote selects its winning project, the resolution's close then locks
        # an assembly's rows: one transaction for both would lock out of order). A seed that
        # fails keeps the steps before it: start again from an empty database.
        for name, step in (
            ("colleges and members", self._members),
            ("pioneers (import service)", self._pioneers),
            ("projects and concern", self._projects),
            ("ranking (publish service)", self._ranking),
            ("closed vote and its ballots", self._closed_vote),
            ("open vote", self._open_vote),
            ("assembly resolution", self._resolution),
            ("time accounts and transfers", self._ledger),
            ("listings", self._listings),
            ("observatory (self-assessments, aggregates)", self._observatory),
        ):
            with transaction.atomic():
                self._step(name, step)
        with transaction.atomic():
            _sequences_reset(
                [User, Membership, ShareSubscription, CharterAcceptance, Project, ConcernFlag,
                 Vote, VoteOption, Participation, Attendance, ResolutionVote, TimeAccount,
                 TimeTransfer, Listing, Pioneer, Assessment, Answer]
            )  # fmt: skip
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        for model in (User, Membership, Pioneer, Project, Ballot, BallotEntry, ResolutionVote,
                      TimeAccount, TimeTransfer, Listing):  # fmt: skip
            self.report["rows"][model._meta.label] = model.objects.count()
        return self.report

    # ------------------------------------------------------------ members

    def _members(self) -> None:
        now = self.now
        coop = CooperativeSettings.load()
        for position, (slug, name, weight, pioneers, description) in enumerate(COLLEGES):
            College.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "vote_weight": weight,
                    "is_pioneers": pioneers,
                    "description": description,
                    "position": position,
                },
            )
        colleges = list(College.objects.filter(is_active=True).order_by("position", "pk"))
        self.pioneers_college = next(c for c in colleges if c.is_pioneers)
        others = [c for c in colleges if not c.is_pioneers]
        self.admin = User.objects.create_superuser(email=ADMIN_EMAIL, password=PASSWORD)
        total = max(self.counts.members, self.counts.ballots)
        password = make_password(PASSWORD)  # one hash for all: hashing is the slow part
        first_user = _next_id(User)
        first_member = _next_id(Membership)
        joined = now - datetime.timedelta(days=3 * 365)
        self.member_ids = list(range(first_member, first_member + total))
        self.user_of = {m: first_user + i for i, m in enumerate(self.member_ids)}
        # 40 % of the members are pioneers (the beneficiaries' college), the rest spread.
        college_of = [
            self.pioneers_college.pk if i % 5 < 2 else others[i % len(others)].pk
            for i in range(total)
        ]
        self.college_of = dict(zip(self.member_ids, college_of, strict=True))
        bulk_insert(
            User,
            ["id", "password", "email", "first_name", "last_name", "is_staff", "is_active",
             "is_superuser", "date_joined", "language"],
            (
                (first_user + i, password, f"member{i}@scale.terreau.test",
                 FIRST_NAMES[i % len(FIRST_NAMES)], LAST_NAMES[(i // 7) % len(LAST_NAMES)],
                 False, True, False, _dt(joined), "fr")
                for i in range(total)
            ),
        )  # fmt: skip
        stamp = _dt(joined)
        bulk_insert(
            Membership,
            ["id", "user", "kind", "organisation_name", "college", "status", "number",
             "motivation", "joined_on", "shares_held", "created_at", "updated_at"],
            (
                (m, self.user_of[m], "person", "", self.college_of[m], "member", i + 1, "",
                 _date(joined.date()), 1 + i % 10, stamp, stamp)
                for i, m in enumerate(self.member_ids)
            ),
        )  # fmt: skip
        bulk_insert(
            ShareSubscription,
            ["membership", "quantity", "unit_value_cents", "subscribed_on", "paid_on",
             "payment_reference", "created_at"],
            (
                (m, 1 + i % 10, coop.share_nominal_cents, _date(joined.date()),
                 _date(joined.date()), f"VIR-{i + 1}", stamp)
                for i, m in enumerate(self.member_ids)
            ),
        )  # fmt: skip
        charter = Charter.objects.create(
            version=(Charter.objects.aggregate(v=Max("version"))["v"] or 0) + 1,
            title="Charte éthique",
            text="Agir pour la résilience de nos territoires, dans le respect du vivant.",
            published_at=joined,
        )
        # Four members in five have accepted the current charter (a duty for the others).
        bulk_insert(
            CharterAcceptance,
            ["membership", "charter", "accepted_at"],
            ((m, charter.pk, stamp) for i, m in enumerate(self.member_ids) if i % 5 != 4),
        )
        self.market_members = self.member_ids[: self.counts.members]
        self.pioneer_members = [m for m in self.member_ids if m in self._pioneer_set()]

    def _pioneer_set(self) -> set[int]:
        if not hasattr(self, "_pioneers_cache"):
            pk = self.pioneers_college.pk
            self._pioneers_cache = {m for m, c in self.college_of.items() if c == pk}
        return self._pioneers_cache

    # ------------------------------------------------------------ pioneers

    def _pioneers(self) -> None:
        from pioneers.services.imports import pioneers_import

        content = pioneers_csv(self.counts.pioneers, rng=self.rng)
        report = pioneers_import(actor=self.admin, content=content, name="scale.csv")
        if report.rejected:
            raise RuntimeError(f"seed_scale: the import rejected rows: {report.rejected[:3]}")
        # Pioneers who are members of the pioneers' college hold their own profile.
        market = set(self.market_members)
        members = [m for m in self.pioneer_members if m in market]
        ids = list(Pioneer.objects.order_by("pk").values_list("pk", flat=True)[: len(members)])
        links = [Pioneer(pk=p, user_id=self.user_of[m]) for p, m in zip(ids, members, strict=False)]
        Pioneer.objects.bulk_update(links, ["user"], batch_size=2000)

    # ------------------------------------------------------------ projects

    def _projects(self) -> None:
        rng, now = self.rng, self.now
        first = _next_id(Project)
        weights = [w for _s, w in PROJECT_STATUSES]
        statuses = rng.choices([s for s, _w in PROJECT_STATUSES], weights, k=self.counts.projects)
        authors = self.pioneer_members or self.member_ids
        pioneers_active = len(self.pioneer_members)
        flags: list[tuple] = []
        concern: dict[int, int] = {}
        concern_users = [self.user_of[m] for m in self.pioneer_members]
        for i, status in enumerate(statuses):
            if status in CONCERN_STATES and concern_users:
                k = min(len(concern_users), int(rng.paretovariate(1.2) * 3))
                users = rng.sample(concern_users, k)
                concern[first + i] = k
                flags.extend((first + i, u) for u in users)
        rows = []
        for i, status in enumerate(statuses):
            pk = first + i
            cost = rng.randrange(1_000, 500_000) * 100
            count = concern.get(pk, 0)
            created = now - datetime.timedelta(days=rng.randrange(1, 700), minutes=i)
            rows.append(
                (pk, f"{SOLUTIONS[i % len(SOLUTIONS)]} n°{i + 1}", f"projet-{i + 1}",
                 "Un projet commun au service des pionniers.",
                 "Description du projet, de ses étapes et de ses besoins.", status, cost,
                 rng.randrange(0, cost // 2 + 1), "", ", ".join(rng.sample(SKILLS, 2)),
                 rng.randrange(0, 200) * 60, count,
                 min(1.0, count / max(pioneers_active, 1)), self.admin.pk, _dt(created),
                 _dt(created))
            )  # fmt: skip
        bulk_insert(
            Project,
            ["id", "title", "slug", "summary", "description", "status", "estimated_cost_cents",
             "self_financing_cents", "self_financing_note", "needs_note", "needed_minutes",
             "concern_count", "concern_share", "created_by", "created_at", "updated_at"],
            rows,
        )  # fmt: skip
        stamp = _dt(now)
        bulk_insert(
            ConcernFlag, ["project", "user", "created_at"], ((p, u, stamp) for p, u in flags)
        )
        theme_ids = list(Theme.objects.values_list("pk", flat=True))
        through = Project.themes.through
        bulk_insert(
            through,
            ["project", "theme"],
            (
                (first + i, t)
                for i in range(len(statuses))
                for t in rng.sample(theme_ids, min(2, len(theme_ids)))
            ),
        )
        bulk_insert(
            Project.authors.through,
            ["project", "user"],
            ((first + i, self.user_of[authors[i % len(authors)]]) for i in range(len(statuses))),
        )
        self.project_ids = list(range(first, first + len(statuses)))
        self.project_status = dict(zip(self.project_ids, statuses, strict=True))

    def _ranking(self) -> None:
        from projects.services.ranking import ranking_publish

        ranking_publish(
            actor=self.admin, weight_concern=50, weight_cost=30, weight_self_financing=20
        )

    # ------------------------------------------------------------ votes

    def _vote_with_options(self, *, title: str, secret: bool, status: str) -> Vote:
        opens = self.now - datetime.timedelta(days=20)
        vote = Vote.objects.create(
            title=title,
            description="Choisir les projets communs de l'année.",
            grades=list(DEFAULT_GRADES),
            secret=secret,
            opens_at=opens,
            closes_at=self.now + datetime.timedelta(days=30),
            status=status,
            opened_at=opens,
            created_by=self.admin,
        )
        voted = [p for p in self.project_ids if self.project_status[p] == "accepted_for_vote"]
        projects = Project.objects.in_bulk(voted[:OPTIONS])
        VoteOption.objects.bulk_create(
            VoteOption(
                vote=vote,
                position=i,
                subject_kind=VoteOption.PROJECT if pid else None,
                subject_id=pid,
                label=projects[pid].title if pid else f"Option {i + 1}",
            )
            for i, pid in enumerate([*voted[:OPTIONS], *[None] * (OPTIONS - len(voted[:OPTIONS]))])
        )
        return vote

    def _closed_vote(self) -> None:
        from governance.votes.services.lifecycle import vote_close

        vote = self._vote_with_options(
            title="Choix des projets communs", secret=True, status="open"
        )
        options = list(vote.options.order_by("position").values_list("pk", flat=True))
        voters = self.member_ids[: self.counts.ballots]
        stamp = _dt(self.now - datetime.timedelta(days=1))
        bulk_insert(
            Participation,
            ["vote", "membership", "created_at"],
            ((vote.pk, m, stamp) for m in voters),
        )
        rng = self.rng
        receipts: set[str] = set()
        ballot_ids = []
        uuid_prep = Ballot._meta.pk.get_db_prep_value

        def ballot_rows():
            for _m in voters:
                _code, receipt_id, digest = ballot_codes.receipt_new()
                while receipt_id in receipts:
                    _code, receipt_id, digest = ballot_codes.receipt_new()
                receipts.add(receipt_id)
                ballot_id = uuid_prep(_uuid(rng), connection)
                ballot_ids.append(ballot_id)
                yield (ballot_id, vote.pk, None, receipt_id, digest)

        bulk_insert(Ballot, ["id", "vote", "voter", "receipt_id", "receipt_hash"], ballot_rows())
        grades = len(DEFAULT_GRADES)
        # Each option has its own leaning, so the result has a winner and close calls.
        leanings = [[1 + ((j + k) % grades) for k in range(grades)] for j in range(OPTIONS)]
        bulk_insert(
            BallotEntry,
            ["ballot", "option", "vote", "value"],
            (
                (b, o, vote.pk, rng.choices(range(grades), leanings[j])[0])
                for b in ballot_ids
                for j, o in enumerate(options)
            ),
        )
        vote_close(actor=self.admin, vote=vote)
        self.closed_vote = vote

    def _open_vote(self) -> None:
        vote = self._vote_with_options(
            title="Consultation ouverte (vote public)", secret=False, status="open"
        )
        self.open_vote = vote

    # ------------------------------------------------------------ assembly

    def _resolution(self) -> None:
        from governance.assemblies.services import resolution_close

        voters = self.member_ids[:RESOLUTION_VOTES]
        date = self.now - datetime.timedelta(hours=2)
        assembly = Assembly.objects.create(
            title="Assemblée générale ordinaire",
            date=date,
            place="Lyon",
            status=AssemblyStatus.OPEN,
            convened_on=(date - datetime.timedelta(days=20)).date(),
            opened_at=date,
            members_with_voting_rights=len(self.member_ids),
            created_by=self.admin,
        )
        stamp = _dt(date)
        bulk_insert(
            Attendance,
            ["assembly", "membership", "recorded_at", "recorded_by"],
            ((assembly.pk, m, stamp, None) for m in voters),
        )
        resolution = Resolution.objects.create(
            assembly=assembly,
            position=1,
            title="Approbation des comptes",
            text="L'assemblée approuve les comptes de l'exercice.",
            status=ResolutionStatus.OPEN,
            opened_at=date,
            quorum_reached=True,
            quorum_ratio=len(voters) / len(self.member_ids),
        )
        choices = ["yes"] * 6 + ["no"] * 3 + ["abstain"]
        rng = self.rng
        bulk_insert(
            ResolutionVote,
            ["resolution", "member", "cast_by", "college", "choice", "updated_at"],
            ((resolution.pk, m, m, self.college_of[m], rng.choice(choices), stamp) for m in voters),
        )
        resolution_close(actor=self.admin, resolution=resolution)
        self.resolution = resolution

    # ------------------------------------------------------------ ledger

    def _ledger(self) -> None:
        rng, now = self.rng, self.now
        first = _next_id(TimeAccount)
        stamp = _dt(now - datetime.timedelta(days=730))
        members = self.market_members
        accounts = []  # (id, kind, member, project, limit)
        for i, m in enumerate(members):
            accounts.append((first + i, "member", m, None, MEMBER_CREDIT_LIMIT_MINUTES))
        running = [
            p for p in self.project_ids if self.project_status[p] in ("selected", "in_progress")
        ]
        for j, p in enumerate(running):
            accounts.append((first + len(members) + j, "project", None, p, 0))
        coop_id = first + len(accounts)
        accounts.append((coop_id, "cooperative", None, None, 0))
        member_accounts = [a[0] for a in accounts if a[1] == "member"]
        other_accounts = [a[0] for a in accounts if a[1] != "member"]
        limit = {a[0]: a[4] for a in accounts}
        user_of_account = {a[0]: self.user_of[a[2]] for a in accounts if a[2]}
        balance = dict.fromkeys(limit, 0)
        transfers = self.counts.transfers
        span = 730 * 24 * 3600
        first_transfer = _next_id(TimeTransfer)

        def transfer_rows():
            for n in range(transfers):
                while True:
                    payer = rng.choice(member_accounts)
                    if len(member_accounts) > 1 and (n % 10 or not other_accounts):
                        payee = rng.choice(member_accounts)
                        while payee == payer:
                            payee = rng.choice(member_accounts)
                    else:
                        payee = rng.choice(other_accounts)
                    minutes = rng.choice((15, 30, 45, 60, 60, 90, 120, 180))
                    if balance[payer] - minutes < -limit[payer]:
                        # Out of credit: this member receives the hour instead.
                        payer, payee = payee, payer
                    if balance[payer] - minutes >= -limit[payer]:
                        break
                balance[payer] -= minutes
                balance[payee] += minutes
                created = now - datetime.timedelta(seconds=span - span * n // transfers)
                yield (first_transfer + n, payer, payee, minutes, "", balance[payer],
                       balance[payee], user_of_account.get(payer), _dt(created))  # fmt: skip

        bulk_insert(
            TimeAccount,
            ["id", "kind", "owner_member", "project", "balance_minutes", "credit_limit_minutes",
             "created_at", "updated_at"],
            ((a[0], a[1], a[2], a[3], 0, a[4], stamp, stamp) for a in accounts),
        )  # fmt: skip
        bulk_insert(
            TimeTransfer,
            ["id", "payer", "payee", "minutes", "memo", "payer_balance_after",
             "payee_balance_after", "created_by", "created_at"],
            transfer_rows(),
        )  # fmt: skip
        # The balances the transfers led to, written in one statement per 5,000 accounts.
        final = [TimeAccount(pk=pk, balance_minutes=b) for pk, b in balance.items() if b]
        TimeAccount.objects.bulk_update(final, ["balance_minutes"], batch_size=5000)

    # ------------------------------------------------------------ listings

    def _listings(self) -> None:
        rng, now = self.rng, self.now
        skills = dict(Skill.objects.values_list("slug", "pk"))
        for name in SKILLS:
            if slugify(name) not in skills:
                skills[slugify(name)] = Skill.objects.create(name=name, slug=slugify(name)).pk
        skill_ids = list(skills.values())
        first = _next_id(Listing)
        members = self.market_members
        running = [
            p for p in self.project_ids if self.project_status[p] in ("selected", "in_progress")
        ]
        rows = []
        for i in range(self.counts.listings):
            skill = SKILLS[i % len(SKILLS)]
            remote = i % 4 == 0
            created = _dt(now - datetime.timedelta(minutes=7 * (self.counts.listings - i)))
            rows.append(
                (first + i, members[rng.randrange(len(members))], "offer" if i % 3 else "request",
                 f"{skill} : {'coup de main' if i % 3 else 'besoin'} n°{i + 1}",
                 "Quelques heures pour un projet du quartier.", rng.choice((30, 60, 120, 240)),
                 "" if remote else PLACES[i % len(PLACES)][0], remote,
                 running[i % len(running)] if running and i % 10 == 0 else None,
                 "open" if i % 10 < 8 else ("paused" if i % 10 == 8 else "closed"), None,
                 created, created)
            )  # fmt: skip
        bulk_insert(
            Listing,
            ["id", "owner", "kind", "title", "description", "estimated_minutes", "place",
             "remote", "project", "status", "expires_on", "created_at", "updated_at"],
            rows,
        )  # fmt: skip
        through = Listing.tags.through
        tag_field = next(f.name for f in through._meta.fields if f.name not in ("id", "listing"))
        bulk_insert(
            through,
            ["listing", tag_field],
            (
                (first + i, s)
                for i in range(self.counts.listings)
                for s in rng.sample(skill_ids, min(2, len(skill_ids)))
            ),
        )

    def _observatory(self) -> None:
        """Validated self-assessments of the located pioneers for this year and the last
        (written in bulk), listings placed in their commune, then the aggregates."""
        rng, now = self.rng, _dt(self.now)
        places = {name: None for name, *_rest in PLACES}
        found = territory_resolve_communes((name, None) for name in places)
        for name in places:
            territory = found.get((name, None))
            if territory is not None:
                Listing.objects.filter(place=name).update(territory=territory)
        grid = grid_default_ensure()
        asked = [i for i in grid.indicators.all() if i.respondent == Respondent.PIONEER]
        pioneers = list(
            Pioneer.objects.filter(territory__isnull=False).values_list("pk", flat=True)
        )
        year = self.now.year
        first = _next_id(Assessment)
        subjects = [(p, y) for p in pioneers for y in (year - 1, year)]
        bulk_insert(
            Assessment,
            ["id", "grid", "year", "pioneer", "status", "comment", "created_at", "updated_at"],
            (
                (first + n, grid.pk, y, p, "validated", "", now, now)
                for n, (p, y) in enumerate(subjects)
            ),
        )
        bulk_insert(
            Answer,
            ["assessment", "indicator", "value"],
            (
                (first + n, indicator.pk, rng.randint(indicator.scale_min, indicator.scale_max))
                for n in range(len(subjects))
                for indicator in asked
            ),
        )
        self.report["observatory_figures"] = observatory_refresh()


def _uuid(rng: random.Random):
    import uuid

    return uuid.UUID(int=rng.getrandbits(128), version=4)


def pioneers_csv(count: int, *, rng: random.Random, prefix: str = "scale") -> bytes:
    """A catalogue of ``count`` pioneers in the import's CSV format (themes, skills,
    positions scattered around French towns)."""
    themes = list(Theme.objects.values_list("slug", flat=True))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["external_id", "display_name", "solution_title", "solution_description", "commune",
         "postcode", "latitude", "longitude", "themes", "skills"]
    )  # fmt: skip
    for i in range(count):
        commune, postcode, lat, lon = PLACES[i % len(PLACES)]
        writer.writerow(
            [f"{prefix}-{i + 1}",
             f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[(i // 3) % len(LAST_NAMES)]}",
             f"{SOLUTIONS[i % len(SOLUTIONS)]} de {commune}",
             "Une solution citoyenne de résilience, portée par les habitants.", commune,
             postcode, f"{lat + rng.uniform(-0.3, 0.3):.5f}", f"{lon + rng.uniform(-0.3, 0.3):.5f}",
             ";".join(rng.sample(themes, min(2, len(themes)))), ";".join(rng.sample(SKILLS, 3))]
        )  # fmt: skip
    return out.getvalue().encode()


def scale_summary(report: dict) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False)
