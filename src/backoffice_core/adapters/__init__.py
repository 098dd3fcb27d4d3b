"""Storage adapters. ``memory`` is the reference; ``sql`` (SQLAlchemy) is optional."""

__all__: list[str] = []
