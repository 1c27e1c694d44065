"""
The site itself: its settings (identity, footer, filing numbers) and the alert banners shown
above every page. Both are read on every page, so each keeps a cached copy that the receivers
drop on every write (articles/receivers.py).
"""

import re

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import ContentQuerySet

# How long a cached copy may outlive a write that bypassed the models (raw SQL, a restored
# backup) or be kept by another process's local-memory cache when no shared cache is
# configured. Keys end in a number to bump when a cached model's fields change, so an old
# pickle is never read.
CACHE_TIMEOUT = 60


def default_site_name():
    return settings.NEWSROOM_SITE_NAME


def default_copyright():
    return settings.NEWSROOM_COPYRIGHT


def default_icp_filing():
    return settings.NEWSROOM_ICP_FILING


def default_psb_filing():
    return settings.NEWSROOM_PSB_FILING


class SiteSettings(models.Model):
    """
    The site's identity and the legal lines of its footer: one record, edited by administrators.

    A new site starts from the NEWSROOM_* values in settings until the record is first saved.
    Read it with ``SiteSettings.load()``, which is cached: no query once warm; the receivers
    drop the cached copy whenever the record is written, so a change shows at once.
    """

    SINGLETON_PK = 1
    CACHE_KEY = "newsroom:site-settings:1"

    site_name = models.CharField(
        _("site name"),
        max_length=100,
        default=default_site_name,
        help_text=_("Shown in the header, in page titles and when pages are shared."),
    )
    tagline = models.CharField(
        _("tagline"),
        max_length=200,
        blank=True,
        help_text=_("A short line under the site name; also the home page's description."),
    )
    organisation_name = models.CharField(
        _("organisation name"),
        max_length=200,
        blank=True,
        help_text=_(
            'The body that runs the site, e.g. "Tianjin Municipal People\'s Government". '
            "Shown in the footer and named as the publisher of every story."
        ),
    )
    copyright = models.CharField(
        _("copyright line"), max_length=300, blank=True, default=default_copyright
    )
    icp_filing = models.CharField(
        _("ICP filing number"),
        max_length=50,
        blank=True,
        default=default_icp_filing,
        validators=[
            RegexValidator(
                r"^[\u4e00-\u9fff]ICP[备证]\d{5,12}号(-\d{1,4})?$",
                _('Use the form "津ICP备12345678号-1".'),
            )
        ],
        help_text=_("Linked to the MIIT filing system, as the regulations require."),
    )
    psb_filing = models.CharField(
        _("public-security filing number"),
        max_length=50,
        blank=True,
        default=default_psb_filing,
        validators=[
            RegexValidator(
                r"^[\u4e00-\u9fff]公网安备 ?\d{14}号$",
                _('Use the form "津公网安备 12010102000001号".'),
            )
        ],
        help_text=_("Linked to the public-security filing system."),
    )
    government_site_code = models.CharField(
        _("government website identifier code"),
        max_length=10,
        blank=True,
        validators=[
            RegexValidator(
                r"^(\d{10}|bm\d{8})$",
                _('Ten characters: ten digits, or "bm" and eight digits.'),
            )
        ],
        help_text=_(
            "The code issued to government websites (政府网站标识码), if the site has one."
        ),
    )
    contact_address = models.CharField(_("postal address"), max_length=300, blank=True)
    contact_phone = models.CharField(
        _("telephone"),
        max_length=40,
        blank=True,
        validators=[
            RegexValidator(
                r"^\+?[0-9][0-9 ()\-]{3,38}$", _("Digits, spaces, brackets and hyphens only.")
            )
        ],
    )
    contact_email = models.EmailField(_("email address"), blank=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    objects = ContentQuerySet.as_manager()

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="site_settings_singleton"),
        ]

    def __str__(self):
        return self.site_name

    def save(self, *args, **kwargs):
        # The cached copy is dropped by the receivers on every write path (admin, shell, data
        # migration), so a change shows at once in the footer (articles/receivers.py).
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        """The site's settings: cached; the defaults (unsaved) when none are stored yet."""
        stored = cache.get(cls.CACHE_KEY)
        if stored is None:
            stored = cls.objects.filter(pk=cls.SINGLETON_PK).first() or cls()
            cache.set(cls.CACHE_KEY, stored, timeout=CACHE_TIMEOUT)
        return stored

    @property
    def psb_record_code(self):
        """The digits of the public-security filing number, as its lookup page wants them."""
        return re.sub(r"\D", "", self.psb_filing)

    @property
    def has_contact(self):
        return bool(self.contact_address or self.contact_phone or self.contact_email)


class AlertBannerQuerySet(ContentQuerySet):
    def current(self, at=None):
        """Banners showing now (or at ``at``): started, and not yet ended."""
        at = at or timezone.now()
        return self.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at), starts_at__lte=at)

    def not_ended(self, at=None):
        """Banners showing now or later: what the public site keeps cached."""
        at = at or timezone.now()
        return self.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at))

    def next_change(self):
        """The next time a banner starts or ends: a clock of public content (or None)."""
        now = timezone.now()
        times = self.aggregate(
            start=models.Min("starts_at", filter=Q(starts_at__gt=now)),
            end=models.Min("ends_at", filter=Q(ends_at__gt=now)),
        )
        return min((t for t in times.values() if t is not None), default=None)


class AlertBanner(models.Model):
    """
    A site-wide notice above every public page, from its start time to its optional end.

    Each save increases ``version``, which is part of the key a visitor's browser keeps when
    the banner is dismissed, so an edited banner shows again.
    """

    class Severity(models.TextChoices):
        INFO = "info", _("Information")
        WARNING = "warning", _("Warning")
        EMERGENCY = "emergency", _("Emergency")

    CACHE_KEY = "newsroom:alert-banners:1"
    # Emergencies first, then warnings, then information.
    SEVERITY_RANK = {Severity.EMERGENCY: 0, Severity.WARNING: 1, Severity.INFO: 2}

    message = models.TextField(
        _("message"),
        max_length=500,
        help_text=_("Plain text, one or two sentences. Shown at the top of every public page."),
    )
    link_url = models.URLField(
        _("link"), max_length=500, blank=True, help_text=_("Optional: where to read more.")
    )
    link_text = models.CharField(
        _("link text"),
        max_length=80,
        blank=True,
        help_text=_('Words for the link. Left blank, "More information".'),
    )
    severity = models.CharField(
        _("severity"), max_length=20, choices=Severity.choices, default=Severity.INFO
    )
    starts_at = models.DateTimeField(
        _("starts"),
        default=timezone.now,
        help_text=_("Shown from this time (Asia/Shanghai). Leave as it is to show it now."),
    )
    ends_at = models.DateTimeField(
        _("ends"),
        null=True,
        blank=True,
        help_text=_("Hidden from this time. Leave blank to show it until it is ended."),
    )
    dismissible = models.BooleanField(
        _("visitors may dismiss it"),
        # Off by default, so every severity, emergencies included, publishes as it stands.
        default=False,
        help_text=_(
            "Lets a visitor hide the notice until it is edited. Emergency banners can never "
            "be dismissed."
        ),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    objects = AlertBannerQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("alert banner")
        verbose_name_plural = _("alert banners")
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__in=["info", "warning", "emergency"]),
                name="alert_banner_severity_valid",
            ),
            models.CheckConstraint(
                condition=~Q(severity="emergency", dismissible=True),
                name="alert_banner_emergency_not_dismissible",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="alert_banner_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.message[:80]

    def save(self, *args, **kwargs):
        # Banners are cached for every page; the receivers drop the cached copy on every
        # write, so an edit or a new emergency shows at once (articles/receivers.py).
        if self.pk is not None:
            self.version = (self.version or 0) + 1
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.severity == self.Severity.EMERGENCY and self.dismissible:
            errors["dismissible"] = _("An emergency banner cannot be dismissible.")
        if self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The end must be later than the start.")
        if errors:
            raise ValidationError(errors)

    @classmethod
    def showing(cls, at=None):
        """
        The banners to show now, most severe first, from the cache: no query once warm.

        The cache holds every banner that has not ended (future ones too), and the times are
        compared here, so a banner appears and disappears on time without a cache purge.
        """
        at = at or timezone.now()
        banners = cache.get(cls.CACHE_KEY)
        if banners is None:
            banners = list(cls.objects.not_ended(at))
            cache.set(cls.CACHE_KEY, banners, timeout=CACHE_TIMEOUT)
        showing = [b for b in banners if b.is_current(at)]
        return sorted(showing, key=lambda b: (cls.SEVERITY_RANK.get(b.severity, 9), -b.pk))

    def is_current(self, at=None):
        at = at or timezone.now()
        return self.starts_at <= at and (self.ends_at is None or self.ends_at > at)

    @property
    def dismiss_key(self):
        """Changes whenever the banner is edited, so a dismissal lasts only for this text."""
        return f"alert-{self.pk}-{self.version}"

    @property
    def can_be_dismissed(self):
        return self.dismissible and self.severity != self.Severity.EMERGENCY
