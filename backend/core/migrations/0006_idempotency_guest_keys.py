# A guest (a request without an account) keeps its Idempotency-Key in the one table too:
# no user, a scope that names them, one key per scope.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_sent_email_replaced_by_outbox'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='idempotencyrecord',
            name='user',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddConstraint(
            model_name='idempotencyrecord',
            constraint=models.UniqueConstraint(condition=models.Q(('user__isnull', True)), fields=('scope', 'key'), name='idempotency_unique_guest_key'),
        ),
    ]
