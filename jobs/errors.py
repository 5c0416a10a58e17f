"""The engine's small error hierarchy; adapters wrap library errors at the boundary."""

from __future__ import annotations


class UdbudError(Exception):
    """Base class of every error the engine raises on purpose."""


class ConfigError(UdbudError):
    """config.toml is missing, malformed, or has a wrong or unknown key."""


class FetchError(UdbudError):
    """A source could not be fetched (network, HTTP status, size cap, redirects)."""

    def __init__(self, message: str, *, retry_after: float | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.status = status  # the HTTP status, when the server answered with an error


class ParseError(UdbudError):
    """Bytes could not be understood as any supported notice format."""


class DatabaseError(UdbudError):
    """The database cannot be used: an unsupported URL, or a server that cannot be reached."""
