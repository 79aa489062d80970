from django.db import migrations


def load(apps, schema_editor):
    from territories.loader import load_territories

    load_territories(apps.get_model("territories", "Territory"), apps.get_model("territories", "TerritoryDataset"))


class Migration(migrations.Migration):
    dependencies = [("territories", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
