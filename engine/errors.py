"""The one base class of every error the engine raises on purpose: its text is shown to the reader."""


class EngineError(Exception):
    """A request the engine refuses; str(error) is a complete Chinese sentence for the reader."""
