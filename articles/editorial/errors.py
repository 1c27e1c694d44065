class WorkflowError(Exception):
    """
    A transition was refused. ``message`` says why, for the person who asked; ``code`` is
    one of FORBIDDEN (this person may not), STATE (not from this status), INVALID (a missing
    or bad comment, time or URL) or STALE (the article changed since the form was made).
    """

    FORBIDDEN = "forbidden"
    STATE = "state"
    INVALID = "invalid"
    STALE = "stale"

    def __init__(self, message, code=STATE):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self):
        return str(self.message)
