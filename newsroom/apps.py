from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    """
    The project itself as an app: its sign-in log receivers connect, and its system checks
    register, when Django starts.
    """

    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        from . import checks, logins  # noqa: F401  (the checks; the login, logout and failure log)
