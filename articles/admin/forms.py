"""
The admin's own forms: the article form, workflow buttons, preview links, the audit export,
alert banners, people.
"""

from datetime import date, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from articles.editorial import revisions, roles
from articles.editorial.catalogue import asks_major
from articles.models import (
    SLUG_ROOM,
    AlertBanner,
    Article,
    ChangeNote,
    SlugRedirect,
    is_made_from,
    slug_from_title,
)
from articles.times import with_zone
from richtext.forms import CleanImageField, image_limits_help
from richtext.sanitize import images_without_alt, removed_markup, sanitize_html
from richtext.widgets import RichTextEditor


def https_url_fields(db_field, **kwargs):
    """Form fields for the model, with URLs typed without a scheme taken as https."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class ArticleAdminForm(forms.ModelForm):
    # Status, publication and update times are not here: they change only through the
    # workflow buttons, which call the Article transition methods ("Updated:" moves only
    # with a major change).
    lead_image = CleanImageField(label=_("Lead image"), required=False)
    # The version the form was made from; saving claims the next one or is refused, so
    # nobody overwrites a colleague's save (revisions.claim).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Article
        fields = [
            "title", "slug", "summary", "body", "language", "districts", "source", "source_url",
            "featured",
            "lead_image", "lead_image_alt", "lead_image_decorative",
            "lead_image_caption", "lead_image_credit",
        ]  # fmt: skip
        widgets = {"body": RichTextEditor()}
        formfield_callback = https_url_fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.body_removals = []
        self.conflict = None
        self.unchanged = False
        if self.instance.pk is None:
            del self.fields["version"]
        else:
            self.fields["version"].initial = self.instance.version
        if "lead_image" in self.fields:
            self.fields["lead_image"].help_text = " ".join(
                [str(Article._meta.get_field("lead_image").help_text), image_limits_help()]
            )
        for field in self.fields.values():
            if type(field.widget) in {forms.TextInput, forms.URLInput}:
                # The admin's width for a line of text (a bare input is 20 characters wide).
                field.widget.attrs.setdefault("class", "vTextField")
        if "title" in self.fields:
            self._count_characters(self.fields["title"])
        if "slug" in self.fields:
            self._follow_title(self.fields["slug"])

    @staticmethod
    def _count_characters(field):
        """
        A live count instead of the browser's maxlength, which cuts a pasted text short
        without a word (static/js/article-form.js); the server says when it is too long.
        """
        attrs = field.widget.attrs
        attrs["data-max-chars"] = attrs.pop("maxlength", field.max_length)
        attrs["data-count-text"] = gettext("%(count)s of %(limit)s characters")
        attrs["data-over-text"] = gettext("%(count)s of %(limit)s characters: %(over)s too many")

    def slug_follows_title(self):
        """
        Until a story is first published its address follows its title: no reader has a
        link to it yet. From then on it is kept, and changing it leaves a redirect.
        """
        return self.instance.published_at is None

    def _follow_title(self, field):
        field.widget.attrs.pop("maxlength", None)
        field.help_text = _(
            "The story's address, as in /articles/this-slug/; Chinese characters are allowed. "
            "Until the story is first published it is made from the title, unless you type "
            "your own (a number is added when another story has it). After that it is kept, "
            "and changing it sends readers of the old address on to the new one."
        )
        instance = self.instance
        if self.slug_follows_title() and (
            instance.pk is None or is_made_from(instance.slug, instance.title)
        ):
            # static/js/article-form.js makes the slug from the title as it is typed, as
            # slug_from_title() does when saving.
            field.widget.attrs["data-follows-title"] = "id_title"
            field.widget.attrs["data-slug-length"] = (
                Article._meta.get_field("slug").max_length - SLUG_ROOM
            )

    class Media:
        js = ["js/article-form.js"]

    def clean_body(self):
        body = self.cleaned_data.get("body", "")
        clean = sanitize_html(body)
        # Reported after saving (ArticleAdmin.save_model), so the editor knows what changed.
        self.body_removals = removed_markup(body, clean)
        missing = images_without_alt(clean)
        if missing:
            # Refused rather than shipped: readers who cannot see a picture would get nothing.
            pictures = ", ".join(
                gettext("picture %(position)s (%(name)s)") % {"position": position, "name": name}
                for position, name in missing
            )
            raise forms.ValidationError(
                ngettext(
                    "Describe every picture for readers who cannot see it: %(pictures)s has no "
                    "alternative text. Double-click it in the editor and describe it, or tick "
                    "“Decorative” if it adds nothing a reader would miss.",
                    "Describe every picture for readers who cannot see it: %(pictures)s have "
                    "no alternative text. Double-click each in the editor and describe it, or "
                    "tick “Decorative” if it adds nothing a reader would miss.",
                    len(missing),
                )
                % {"pictures": pictures},
                code="image_without_alt",
            )
        return clean

    def clean_slug(self):
        slug = self.cleaned_data.get("slug", "")
        title = self.cleaned_data.get("title")
        if title and self.slug_follows_title() and self._slug_is_made(slug, title):
            return self.instance.slug_for_title(title)
        if not slug and self.instance.pk and self.instance.is_live():
            # A live article keeps its address unless someone types a new one.
            return self.instance.slug
        retired = SlugRedirect.objects.filter(old_slug=slug).exclude(article_id=self.instance.pk)
        if slug and retired.exists():
            raise forms.ValidationError(
                _(
                    "This address belonged to another article, and old links to it still "
                    "lead there. Choose another."
                )
            )
        return slug

    def _slug_is_made(self, slug, title):
        """
        Whether ``slug`` was made, not chosen: blank, what the title makes (as the page's
        script fills it in), or the slug made from the title the story had, left alone.
        """
        instance = self.instance
        return (
            not slug
            or slug == slug_from_title(title)
            or (instance.pk is not None and slug == instance.slug
                and is_made_from(instance.slug, instance.title))
        )  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        # Mirrors the article_lead_image_has_alt constraint.
        has_image = bool(cleaned.get("lead_image"))
        if has_image and not cleaned.get("lead_image_decorative"):
            if not cleaned.get("lead_image_alt", "").strip():
                self.add_error(
                    "lead_image_alt",
                    _("Describe the picture for readers who cannot see it, or tick “decorative”."),
                )
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        if self.instance.pk is None or self.errors:
            return
        data = revisions.snapshot(self.instance, districts=self.cleaned_data.get("districts", []))
        if data == revisions.draft_snapshot(self.instance.pk):
            self.unchanged = True  # Nothing to save, so nobody's change is at risk.
            return
        try:
            self.instance.version = revisions.claim(self.instance.pk, self.cleaned_data["version"])
        except revisions.Conflict as conflict:
            self.refuse_stale(conflict)

    def refuse_stale(self, conflict):
        """
        Refuse the save and keep everything typed. The form now carries the current
        version, so saving again (after looking at the other change) replaces it knowingly.
        """
        self.conflict = conflict
        if conflict.article is None:
            self.add_error(None, conflict.message)
            return
        compare = reverse("admin:articles_article_compare", args=[conflict.article.pk])
        self.add_error(
            None,
            format_html(
                '{} <a href="{}">{}</a>. {}',
                gettext(
                    "%(who)s changed this article at %(when)s, after you opened it. Nothing "
                    "was saved: what you typed is still in the form below."
                )
                % {"who": conflict.who, "when": conflict.when},
                f"{compare}?since={conflict.expected or ''}",
                gettext("See what they changed"),
                gettext(
                    "Saving again replaces their version with yours, so look at their change first."
                ),
            ),
        )
        self.data = self.data.copy()
        self.data["version"] = str(conflict.article.version)


class TransitionForm(forms.Form):
    """
    What one workflow button posts: what its transition asks for (``Transition.asks``), the
    confirmation it needs, and the state the page was made from (``token``) so a stale page
    is refused.
    """

    # Required: a button on a page always carries it, so a post without one is not from a
    # page and cannot prove it is current.
    token = forms.CharField(widget=forms.HiddenInput)

    MAJOR, MINOR = "major", "minor"

    def __init__(self, transition, *args, article=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition
        for ask in transition.asks:
            self.fields[ask.name] = self._field_for(ask)
        self.asks_major = bool(
            article is not None and transition.asks_major and asks_major(article)
        )
        if self.asks_major:
            self._add_major_fields()
        if transition.confirm:
            self.fields["confirm"] = forms.BooleanField(
                label=transition.confirm, required=not transition.confirm_unless
            )

    @staticmethod
    def _field_for(ask):
        if ask.kind == "time":
            return forms.DateTimeField(
                label=with_zone(ask.label),
                required=ask.required,
                # step=1: a go-live time may be set to the second, not only the minute.
                widget=forms.DateTimeInput(
                    attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S"
                ),
            )
        if ask.kind == "url":
            return forms.CharField(
                label=ask.label,
                required=ask.required,
                max_length=500,
                widget=forms.TextInput(attrs={"placeholder": "https://… or /articles/…"}),
            )
        if ask.kind == "choice":
            return forms.ChoiceField(
                label=ask.label,
                required=ask.required,
                choices=ask.choices,
                widget=forms.RadioSelect,
                help_text=ask.help_text,
            )
        return forms.CharField(
            label=ask.label,
            required=ask.required,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=ask.help_text,
        )

    def _add_major_fields(self):
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
        unless = self.transition.confirm_unless
        if unless and not cleaned.get(unless) and not cleaned.get("confirm"):
            if unless not in self.errors:
                self.add_error(
                    "confirm",
                    _("Tick the box to confirm it goes public at once, or choose a go-live time."),
                )
        return cleaned

    def arguments(self):
        """Keyword arguments for the transition's function."""
        arguments = {ask.name: self.cleaned_data[ask.name] for ask in self.transition.asks}
        if self.asks_major:
            major = self.cleaned_data["major"] == self.MAJOR
            arguments["major"] = major
            if major:
                arguments["note_kind"] = self.cleaned_data["note_kind"]
                arguments["note"] = self.cleaned_data["note"]
        return arguments


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


# Both say how the two parts make the name people see (articles.people).
NAME_HELP_TEXTS = {
    "first_name": _("Given name, e.g. “芳” or “Wei”."),
    "last_name": _(
        "Family name, e.g. “李” or “Li”. A name in Chinese characters is shown family name "
        "first with no space (李芳); others given name first (Wei Li)."
    ),
}


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
        help_texts = NAME_HELP_TEXTS

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
            **NAME_HELP_TEXTS,
            "is_active": _(
                "Untick to deactivate: the person can no longer log in, and everything "
                "they wrote or did stays on record."
            ),
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


class AlertBannerAdminForm(forms.ModelForm):
    class Meta:
        model = AlertBanner
        fields = [
            "message",
            "severity",
            "link_url",
            "link_text",
            "starts_at",
            "ends_at",
            "dismissible",
        ]
        widgets = {"message": forms.Textarea(attrs={"rows": 3, "maxlength": 500})}
        formfield_callback = https_url_fields
