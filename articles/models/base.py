"""
What every model of public content shares: a queryset whose bulk writes say so.

``Model.save()`` and ``delete()`` send Django's ``post_save`` and ``post_delete``, and
many-to-many edits ``m2m_changed``; ``QuerySet.update()``, ``bulk_create()`` and
``bulk_update()`` send nothing. ``ContentQuerySet`` sends ``bulk_written`` after each of them,
so a receiver hears of every write that goes through the project's querysets, however it was
made (articles/receivers.py turns them into cache invalidation).
"""

from django.db import models
from django.dispatch import Signal

# Sent with sender=the model and fields=the names written (None: whole rows, as bulk_create).
bulk_written = Signal()


class ContentQuerySet(models.QuerySet):
    def update(self, **kwargs):
        count = super().update(**kwargs)
        if count:
            bulk_written.send(sender=self.model, fields=frozenset(kwargs))
        return count

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            bulk_written.send(sender=self.model, fields=None)
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        count = super().bulk_update(objs, fields, *args, **kwargs)
        if count:
            bulk_written.send(sender=self.model, fields=frozenset(fields))
        return count
