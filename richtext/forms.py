from django import forms
from django.conf import settings
from django.forms.renderers import TemplatesSetting
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .images import FORMATS, clean_image
from .renditions import responsive_image


class ImageInput(forms.ClearableFileInput):
    """
    A file input for a picture that shows the current one as a thumbnail (its smallest
    rendition) above the usual "Currently", "Clear" and "Change".
    """

    template_name = "richtext/widgets/image_input.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        if widget["is_initial"]:
            widget["thumbnail"] = responsive_image(getattr(value, "name", ""))
            widget["thumbnail_alt"] = _("The current picture, full size")
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The project's template engine, which finds templates/ where every template lives;
        # the default form renderer looks only in the apps.
        return super().render(name, value, attrs, renderer=TemplatesSetting())


class CleanImageField(forms.FileField):
    """
    An image upload checked by ``richtext.images.clean_image``: the cleaned value is a fresh
    encoding of the picture under a random name, never the uploaded bytes.
    """

    widget = ImageInput(attrs={"accept": ",".join(f"image/{fmt.lower()}" for fmt in FORMATS)})
    # Django's own check comes first for an empty file; it says what clean_image would.
    default_error_messages = {"empty": _("This file is not an image: it is empty.")}

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        return clean_image(upload).as_file()


def image_limits_help():
    """The upload limits as an editor reads them, from the current settings."""
    return _("JPEG, PNG, GIF or WebP, at most %(size)s and %(mp).0f megapixels.") % {
        "size": filesizeformat(settings.NEWSROOM_IMAGE_MAX_BYTES),
        "mp": settings.NEWSROOM_IMAGE_MAX_PIXELS / 1e6,
    }
