# The per-task sending marker is gone: every e-mail is a row of the outbox, which says
# itself whether it was sent. Its rows hold no message to carry over.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_digestpreference'),
    ]

    operations = [
        migrations.DeleteModel(
            name='SentEmail',
        ),
    ]
