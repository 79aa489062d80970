"""Shared by the data migrations of the apps that point to a commune territory."""


def resolve_rows(apps, model_label: str, pairs_of) -> None:
    """Fill ``territory`` on every row of ``model_label`` whose territory is empty;
    ``pairs_of(row)`` gives its (commune name, postcode)."""
    from territories.services import territory_resolve_communes

    Territory = apps.get_model("territories", "Territory")
    Model = apps.get_model(model_label)
    rows = list(Model.objects.filter(territory__isnull=True))
    found = territory_resolve_communes([pairs_of(row) for row in rows], model=Territory)
    changed = []
    for row in rows:
        territory = found.get(pairs_of(row))
        if territory is not None:
            row.territory_id = territory.pk
            changed.append(row)
    Model.objects.bulk_update(changed, ["territory"], batch_size=1000)
