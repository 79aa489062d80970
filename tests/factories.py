import datetime

import factory
from allauth.account.models import EmailAddress

from backend.accounts.models import User

PASSWORD = "un-mot-de-passe-solide-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        # Accounts are verified unless a test says otherwise (verified=False).
        if create and extracted is not False:
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class CollegeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.College"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Collège {n}")
    slug = factory.Sequence(lambda n: f"college-{n}")
    vote_weight = 20
    position = factory.Sequence(lambda n: n)


class MembershipFactory(factory.django.DjangoModelFactory):
    """An admitted member (status member, with a number); shares via ``shares=N``."""

    class Meta:
        model = "governance.Membership"
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    college = factory.SubFactory(CollegeFactory)
    status = "member"
    number = factory.Sequence(lambda n: n + 1)
    joined_on = factory.Faker("date_this_decade")

    @factory.post_generation
    def shares(self, create, extracted, **kwargs):
        if create and extracted:
            from governance.models import Membership, ShareSubscription

            ShareSubscription.objects.create(
                membership=self,
                quantity=extracted,
                unit_value_cents=5000,
                subscribed_on=self.joined_on,
                paid_on=self.joined_on,
            )
            Membership.objects.filter(pk=self.pk).update(shares_held=extracted)
            self.shares_held = extracted


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "projects.Project"

    title = factory.Sequence(lambda n: f"Projet commun {n}")
    slug = factory.Sequence(lambda n: f"projet-commun-{n}")
    summary = "Un projet au service des pionniers."
    status = "selected"


class PioneerFactory(factory.django.DjangoModelFactory):
    """A pioneer profile; ``user=None`` gives an imported one with no account."""

    class Meta:
        model = "pioneers.Pioneer"

    display_name = factory.Faker("name", locale="fr_FR")
    solution_title = factory.Sequence(lambda n: f"Solution citoyenne {n}")
    solution_description = "Une solution pour la résilience du territoire."
    commune = "Briançon"
    postcode = "05100"
    department = "05"
    latitude = 44.8964
    longitude = 6.6356


class VoteFactory(factory.django.DjangoModelFactory):
    """An open majority-judgment vote (closing in a week); options via ``options=[labels]``.

    It writes rows directly: tests of the rules create votes through
    ``governance.votes.services.vote_create`` instead."""

    class Meta:
        model = "governance.Vote"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Scrutin {n}")
    method = "majority_judgment"
    grades = factory.LazyFunction(
        lambda: [
            "À rejeter",
            "Insuffisant",
            "Passable",
            "Assez bien",
            "Bien",
            "Très bien",
            "Excellent",
        ]
    )
    status = "open"
    opens_at = factory.LazyFunction(lambda: _now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: _now() + datetime.timedelta(days=7))
    opened_at = factory.LazyAttribute(lambda vote: vote.opens_at)

    @factory.post_generation
    def options(self, create, extracted, **kwargs):
        if create:
            from governance.models import VoteOption

            VoteOption.objects.bulk_create(
                VoteOption(vote=self, label=label, position=i)
                for i, label in enumerate(extracted or ["Option A", "Option B", "Option C"])
            )


def _now():
    from django.utils import timezone

    return timezone.now()


class ListingFactory(factory.django.DjangoModelFactory):
    """An open offer by an admitted member (pass ``kind="request"`` for a request)."""

    class Meta:
        model = "marketplace.Listing"

    owner = factory.SubFactory(MembershipFactory)
    kind = "offer"
    title = factory.Sequence(lambda n: f"Annonce {n}")
    description = "Un coup de main au jardin partagé."
    estimated_minutes = 90
    place = "Die"


class ExchangeFactory(factory.django.DjangoModelFactory):
    """An exchange answering ``listing`` (giver and receiver follow the listing's kind)."""

    class Meta:
        model = "marketplace.Exchange"

    listing = factory.SubFactory(ListingFactory)
    responder = factory.SubFactory(MembershipFactory)
    giver = factory.LazyAttribute(
        lambda o: o.listing.owner if o.listing.kind == "offer" else o.responder
    )
    receiver = factory.LazyAttribute(
        lambda o: o.responder if o.listing.kind == "offer" else o.listing.owner
    )
    minutes = 90
    status = "proposed"
