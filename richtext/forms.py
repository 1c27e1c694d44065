from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .images import FORMATS, clean_image


class CleanImageField(forms.FileField):
    """
    An image upload checked by ``richtext.images.clean_image``: the cleaned value is a fresh
    encoding of the picture under a random name, never the uploaded bytes.
    """

    widget = forms.ClearableFileInput(
        attrs={"accept": ",".join(f"image/{fmt.lower()}" for fmt in FORMATS)}
    )

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
