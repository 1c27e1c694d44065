from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator
from django.template.defaultfilters import filesizeformat
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from . import roles
from .images import FORMATS, clean_image
from .times import with_zone
from .widgets import PlainSelect


class CleanImageField(forms.FileField):
    """
    An image upload checked by ``articles.images.clean_image``: the cleaned value is a fresh
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


class TransitionForm(forms.Form):
    """
    What one workflow button posts: the text or time its transition asks for, and the
    state the page was made from (``token``) so a stale page is refused.
    """

    # Required: a button on a page always carries it, so a post without one is not from a
    # page and cannot prove it is current.
    token = forms.CharField(widget=forms.HiddenInput)

    MAJOR, MINOR = "major", "minor"

    def __init__(self, transition, *args, article=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition
        name, label = transition.field, transition.field_label
        if name == "at":
            self.fields[name] = forms.DateTimeField(
                label=with_zone(label),
                required=False,
                # step=1: a go-live time may be set to the second, not only the minute.
                widget=forms.DateTimeInput(
                    attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S"
                ),
            )
        elif name == "replacement_url":
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                max_length=500,
                widget=forms.TextInput(attrs={"placeholder": "https://… or /articles/…"}),
            )
        elif name:
            self.fields[name] = forms.CharField(
                label=label,
                required=transition.field_required,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

        self.asks_major = bool(
            article is not None and transition.asks_major and workflow_asks_major(article)
        )
        if self.asks_major:
            self._add_major_fields()

    def _add_major_fields(self):
        from .models import ChangeNote

        self.fields["major"] = forms.ChoiceField(
            label=_("Do readers need to know the content has changed?"),
            choices=[
                (
                    self.MAJOR,
                    _("Yes, a major change: readers see a change note and the new “Updated” date"),
                ),
                (self.MINOR, _("No, a minor change (a typo, a broken link): no note, no new date")),
            ],
            widget=forms.RadioSelect,
        )
        self.fields["note_kind"] = forms.ChoiceField(
            label=_("Type of change"),
            choices=[("", "—"), *ChangeNote.Kind.choices],
            required=False,
        )
        self.fields["note"] = forms.CharField(
            label=_("Change note (public)"),
            required=False,
            max_length=1000,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_(
                "For a major change: what changed and why, for readers. Shown in the article’s "
                "history with the date the change goes live."
            ),
        )

    def clean(self):
        cleaned = super().clean()
        if self.asks_major and cleaned.get("major") == self.MAJOR:
            if not cleaned.get("note_kind"):
                self.add_error("note_kind", _("Choose update, correction or clarification."))
            if not (cleaned.get("note") or "").strip():
                self.add_error("note", _("A major change needs a note for readers."))
        return cleaned

    def arguments(self):
        """Keyword arguments for the Article transition method."""
        name = self.transition.field
        arguments = {name: self.cleaned_data[name]} if name else {}
        if self.asks_major:
            major = self.cleaned_data["major"] == self.MAJOR
            arguments["major"] = major
            if major:
                arguments["note_kind"] = self.cleaned_data["note_kind"]
                arguments["note"] = self.cleaned_data["note"]
        return arguments


def workflow_asks_major(article):
    from .workflow import asks_major  # the workflow module imports the models, as forms do

    return asks_major(article)


class ShareLinkForm(forms.Form):
    """How long a new preview link stays valid."""

    days = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        initial=7,
        choices=[
            (1, _("1 day")),
            (3, _("3 days")),
            (7, _("7 days")),
            (14, _("14 days")),
            (30, _("30 days")),
        ],
    )


class AuditExportForm(forms.Form):
    """A date range of the audit log, in the newsroom's time zone, both days included."""

    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    # The last day a range can end on: the day after it must still be a date.
    end = forms.DateField(
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[MaxValueValidator(date.max - timedelta(days=1))],
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            raise forms.ValidationError(_("The end date is before the start date."))
        return cleaned


class _RoleFormMixin:
    def clean_email(self):
        email = get_user_model().objects.normalize_email(self.cleaned_data["email"]).strip()
        others = get_user_model().objects.filter(email__iexact=email)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("Another user already has this email address."))
        return email


class InviteForm(_RoleFormMixin, forms.ModelForm):
    """An administrator invites a person: name, email and role. They set their own password."""

    role = forms.ChoiceField(label=_("Role"), choices=roles.CHOICES)

    class Meta:
        model = get_user_model()
        fields = ["first_name", "last_name", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["first_name"].required = True
        self.fields["email"].help_text = _(
            "Also the user name they log in with. The invitation with a link to set a "
            "password is sent here."
        )

    def clean_email(self):
        email = super().clean_email()
        if get_user_model().objects.filter(username__iexact=email).exists():
            raise forms.ValidationError(_("A user with this user name already exists."))
        return email

    def save(self, commit=True):
        self.instance.username = self.cleaned_data["email"]
        self.instance.is_staff = True
        self.instance.set_unusable_password()
        return super().save(commit)

    def _save_m2m(self):
        super()._save_m2m()
        roles.assign_role(self.instance, self.cleaned_data["role"])


class UserRoleForm(_RoleFormMixin, forms.ModelForm):
    """A user's details, role and whether the account is active. No password field."""

    role = forms.ChoiceField(label=_("Role"), choices=roles.CHOICES)

    class Meta:
        model = get_user_model()
        fields = ["username", "first_name", "last_name", "email", "is_active"]
        help_texts = {
            "is_active": _(
                "Untick to deactivate: the person can no longer log in, and everything "
                "they wrote or did stays on record."
            )
        }

    # Set by the admin to the person editing, so they cannot lock themselves out.
    acting_user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "email" not in self.fields:  # shown read-only: nothing to set up
            return
        self.fields["email"].required = True
        if self.instance.pk:
            self.fields["role"].initial = roles.role_of(self.instance)
        if self.instance.is_superuser:
            # A superuser has every permission whatever the group; a role is optional.
            self.fields["role"].required = False
            self.fields["role"].choices = [("", _("— (superuser)")), *roles.CHOICES]

    def clean(self):
        cleaned = super().clean()
        me = self.acting_user
        if me is not None and self.instance.pk == me.pk and not me.is_superuser:
            if cleaned.get("is_active") is False:
                self.add_error("is_active", _("You cannot deactivate your own account."))
            if cleaned.get("role") and cleaned["role"] != roles.ADMINISTRATOR:
                self.add_error("role", _("You cannot take away your own administrator role."))
        return cleaned

    def _save_m2m(self):
        super()._save_m2m()
        if self.cleaned_data.get("role"):
            roles.assign_role(self.instance, self.cleaned_data["role"])


class ArticleFilterForm(forms.Form):
    """
    The story list's filters, read from the query string and validated against the options
    the page offers, which the view loads once (no query per option).
    """

    district = forms.ChoiceField(label=_("District"), required=False, widget=PlainSelect)
    source = forms.ChoiceField(label=_("Source"), required=False, widget=PlainSelect)
    year = forms.TypedChoiceField(
        label=_("Year"), required=False, coerce=int, empty_value=None, widget=PlainSelect
    )
    month = forms.TypedChoiceField(
        label=_("Month"), required=False, coerce=int, empty_value=None, widget=PlainSelect
    )

    def __init__(self, data, *, districts, sources, years=(), dated=True):
        super().__init__(data)
        self.districts = {district.slug: district for district in districts}
        self.sources = {source.slug: source for source in sources}
        self.fields["district"].choices = [("", _("All districts"))] + [
            (district.slug, district.name) for district in districts
        ]
        self.fields["source"].choices = [("", _("All sources"))] + [
            (source.slug, source.name) for source in sources
        ]
        if dated:
            self.fields["year"].choices = [("", _("Any year"))] + [(y, y) for y in years]
            self.fields["month"].choices = [("", _("Any month"))] + list(MONTHS.items())
        else:
            # Archive pages take the year and month from their address.
            del self.fields["year"], self.fields["month"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("month") and not cleaned.get("year"):
            cleaned["month"] = None
            raise forms.ValidationError(
                _("Choose a year as well as a month."), code="month_without_year"
            )
        return cleaned

    @property
    def rendering_key(self):
        """Everything the rendered form depends on besides the options: the values submitted."""
        years = (
            tuple(year for year, _label in self.fields["year"].choices[1:])
            if "year" in self.fields
            else ()
        )
        return (tuple((name, self.data.get(name)) for name in self.fields), years)

    def is_forged(self):
        """A value no option offers (an unknown district, month=13, year=abc): not a person's choice."""
        return any(self.has_error(name, "invalid_choice") for name in self.fields)

    @property
    def active(self):
        """The chosen filters with their values as in the query string, in field order."""
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in self.fields if data.get(name)}

    def filter(self, stories):
        """``stories`` narrowed by the valid choices; invalid ones are left out."""
        chosen = self.active
        if "district" in chosen:
            stories = stories.filter(districts=self.districts[chosen["district"]])
        if "source" in chosen:
            stories = stories.filter(source=self.sources[chosen["source"]])
        if "year" in chosen:
            stories = stories.in_month(chosen["year"], chosen.get("month"))
        return stories
