"""A withdrawn article always has its withdrawal time and public explanation."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0005_workflow_transitions'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='article',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'withdrawn'), _negated=True), models.Q(('withdrawn_at__isnull', False), models.Q(('withdrawal_explanation', ''), _negated=True)), _connector='OR'), name='article_withdrawn_has_explanation'),
        ),
    ]
