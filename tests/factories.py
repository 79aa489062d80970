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
