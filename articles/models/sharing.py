"""
Sharing a story before it is public: preview links for people without an account, and who
has a story's change form open (presence).
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .article import Article


class ShareLinkQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Links that open: neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class ShareLink(models.Model):
    """
    A preview link to one article's current draft for someone without an account.

    The token is shown once, when the link is made; only its SHA-256 hash is stored, so the
    database alone cannot open a preview. Expired, revoked or unknown tokens answer 404.
    """

    DEFAULT_DAYS = 7
    DAY_CHOICES = [1, 3, 7, 14, 30]

    article = models.ForeignKey(
        Article, verbose_name=_("article"), related_name="share_links", on_delete=models.PROTECT
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        related_name="+",
        on_delete=models.PROTECT,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    last_opened_at = models.DateTimeField(_("last opened"), null=True, blank=True)
    open_count = models.PositiveIntegerField(_("opened"), default=0)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")
        default_permissions = ()

    def __str__(self):
        return _("Preview link to “%(title)s”") % {"title": self.article.title}

    def get_absolute_url(self):
        return reverse("admin:articles_article_change", args=[self.article_id]) + "#share-links"

    @staticmethod
    def hash_token(token):
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def create(cls, article, by, days=DEFAULT_DAYS):
        """A new link valid for ``days`` days; returns ``(link, token)``: show the token once."""
        token = secrets.token_urlsafe(32)
        link = cls.objects.create(
            article=article,
            token_hash=cls.hash_token(token),
            created_by=by,
            expires_at=timezone.now() + timedelta(days=days),
        )
        return link, token

    @classmethod
    def find(cls, token):
        """The usable link for ``token``, or None (unknown, expired and revoked look alike)."""
        if not token or len(token) > 100:
            return None
        return cls.objects.usable().filter(token_hash=cls.hash_token(token)).first()

    def is_usable(self):
        return self.revoked_at is None and self.expires_at > timezone.now()

    def record_open(self, request):
        """Log this opening of the link, and count it."""
        now = timezone.now()
        ShareLinkOpen.objects.create(
            link=self, at=now, user_agent=request.headers.get("User-Agent", "")[:300]
        )
        ShareLink.objects.filter(pk=self.pk).update(
            last_opened_at=now, open_count=F("open_count") + 1
        )


class ShareLinkOpen(models.Model):
    """One opening of a preview link: when, and the browser's description of itself."""

    link = models.ForeignKey(
        ShareLink, verbose_name=_("preview link"), related_name="opens", on_delete=models.CASCADE
    )
    at = models.DateTimeField(_("opened"), default=timezone.now)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("preview link opening")
        verbose_name_plural = _("preview link openings")
        default_permissions = ()

    def __str__(self):
        return f"{self.link_id} @ {self.at:%Y-%m-%d %H:%M}"


class EditingPresence(models.Model):
    """
    Who has an article's change form open: the form notes the person when it opens and every
    ``BEAT`` while it stays open (static/js/presence.js), and forgets them when it closes, so
    the form names only those seen within ``WINDOW``. One row per person and article, updated
    in place.
    """

    BEAT = timedelta(seconds=45)
    WINDOW = timedelta(minutes=2)

    article = models.ForeignKey(
        Article, verbose_name=_("article"), related_name="+", on_delete=models.CASCADE
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), related_name="+", on_delete=models.CASCADE
    )
    seen_at = models.DateTimeField(_("seen"), default=timezone.now)

    class Meta:
        verbose_name = _("editing presence")
        verbose_name_plural = _("editing presence")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="presence_unique_person")
        ]

    def __str__(self):
        return f"{self.user_id} @ {self.article_id}"

    @classmethod
    def note(cls, article, user):
        """Record that ``user`` has the form open now: one statement, safe across processes."""
        cls.objects.bulk_create(
            [cls(article=article, user=user, seen_at=timezone.now())],
            update_conflicts=True,
            unique_fields=["article", "user"],
            update_fields=["seen_at"],
        )

    @classmethod
    def left(cls, article, user):
        """``user`` closed the form."""
        cls.objects.filter(article=article, user=user).delete()

    @classmethod
    def others(cls, article, user):
        """The other people whose form was open within ``WINDOW``, most recent first."""
        return (
            cls.objects.filter(article=article, seen_at__gte=timezone.now() - cls.WINDOW)
            .exclude(user=user)
            .select_related("user")
            .order_by("-seen_at")
        )
