"""
What every ModelAdmin of the newsroom shares, and the admin's checked "View on site" redirect.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import Http404
from django.utils.functional import lazy

from articles.times import with_zone

from .formfields import (
    CheckedActionSelectionMixin,
    CheckedDateHierarchyMixin,
    CheckedModelMultipleChoiceField,
    ValidatingAutocompleteSelect,
    ValidatingAutocompleteSelectMultiple,
)

with_zone_lazy = lazy(with_zone, str)


class NewsroomAdmin(CheckedActionSelectionMixin, CheckedDateHierarchyMixin, admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = ValidatingAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", CheckedModelMultipleChoiceField)
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = ValidatingAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    # Writes need no hook here: every save and delete reaches the receivers, which make
    # cached public pages stale (articles/receivers.py).


def view_on_site(request, content_type_id, object_id):
    """
    The admin's "View on site" redirect (``admin:view_on_site``, served here first, see
    newsroom/urls.py), only to an object the person may view in the admin and that the admin
    links to the site. Django's own (contenttypes ``shortcut``) sends any staff member to any
    object's address: another writer's draft would give away its address (its title, as a
    slug) and that its id exists. Everything else answers 404, like an id that does not exist.
    """
    try:
        model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
    except (ContentType.DoesNotExist, ValueError):
        raise Http404 from None
    if model is None or not admin.site.is_registered(model):
        raise Http404
    model_admin = admin.site.get_model_admin(model)
    obj = model_admin.get_object(request, unquote(object_id))
    if (
        obj is None
        or not model_admin.has_view_permission(request, obj)
        or not model_admin.get_view_on_site_url(obj)
    ):
        raise Http404
    return contenttype_views.shortcut(request, content_type_id, object_id)
