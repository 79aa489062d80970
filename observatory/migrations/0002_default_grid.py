from django.db import migrations


def publish(apps, schema_editor):
    from observatory.default_grid import DEFAULT_GRID_NOTE, DEFAULT_INDICATORS

    GridVersion = apps.get_model("observatory", "GridVersion")
    Indicator = apps.get_model("observatory", "Indicator")
    if GridVersion.objects.exists():
        return
    grid = GridVersion.objects.create(number=1, note=DEFAULT_GRID_NOTE)
    Indicator.objects.bulk_create(
        Indicator(grid=grid, position=position, **spec)
        for position, spec in enumerate(DEFAULT_INDICATORS)
    )


class Migration(migrations.Migration):
    dependencies = [("observatory", "0001_initial")]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
