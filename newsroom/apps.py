from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    """The project itself as an app: its sign-in log receivers connect when Django starts."""

    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        from . import logins  # noqa: F401  (connects the login, logout and failure log)
