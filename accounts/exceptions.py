class AccountsError(Exception):
    """A refused account action, with a message written for the person who asked for it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
