"""The marketplace's pages (included at the site's root by backend/urls.py)."""

from django.urls import path

from marketplace.views import contributions, funds, ledger, listings, stripe_webhook

app_name = "marketplace"

urlpatterns = [
    path("contribuer/", contributions.contribute_cooperative, name="contribute"),
    path(
        "contribuer/projet/<slug:slug>/",
        contributions.contribute_project,
        name="contribute_project",
    ),
    path(
        "contribuer/ressource/<slug:slug>/",
        contributions.contribute_resource,
        name="contribute_resource",
    ),
    path(
        "contribuer/merci/<uuid:token>/",
        contributions.contribution_success,
        name="contribution_success",
    ),
    path(
        "contribuer/annulation/<uuid:token>/",
        contributions.contribution_cancel,
        name="contribution_cancel",
    ),
    path("fonds/", funds.funds, name="funds"),
    path("fonds/export.csv", funds.funds_export, name="funds_export"),
    path("fonds/gestion/", funds.funds_manage, name="funds_manage"),
    path(
        "fonds/gestion/contributions/<int:pk>/paiement/",
        funds.payment_record,
        name="payment_record",
    ),
    path(
        "fonds/gestion/contribution-manuelle/",
        funds.manual_contribution_record,
        name="manual_contribution",
    ),
    path("fonds/gestion/affectation/", funds.allocation_record, name="allocation_record"),
    path("stripe/webhook/", stripe_webhook.stripe_webhook, name="stripe_webhook"),
    path("heures/", ledger.my_account, name="time_account"),
    path("heures/donner/", ledger.give_hours, name="give_hours"),
    path("heures/chiffres/", ledger.ledger_figures, name="ledger_figures"),
    path("heures/comptes/", ledger.accounts_manage, name="time_accounts_manage"),
    path("heures/comptes/<int:pk>/", ledger.account_detail, name="time_account_detail"),
    path("heures/comptes/<int:pk>/export.csv", ledger.account_export, name="time_account_export"),
    path("heures/comptes/<int:pk>/limite/", ledger.account_limit_edit, name="time_limit_edit"),
    path("marche/", listings.listing_list, name="listing_list"),
    path("marche/annonces/nouvelle/", listings.listing_new, name="listing_new"),
    path("marche/annonces/<int:pk>/", listings.listing_detail, name="listing_detail"),
    path("marche/annonces/<int:pk>/modifier/", listings.listing_edit, name="listing_edit"),
    path("marche/annonces/<int:pk>/repondre/", listings.listing_respond, name="listing_respond"),
    path("marche/echanges/", listings.my_exchanges, name="my_exchanges"),
    path("marche/echanges/<int:pk>/", listings.exchange_detail, name="exchange_detail"),
    path("marche/echanges/<int:pk>/messages/", listings.exchange_message, name="exchange_message"),
    path(
        "marche/echanges/<int:pk>/<slug:action>/", listings.exchange_action, name="exchange_action"
    ),
]
