"""Where the FAQ lives and how sure a match must be (``[faq]`` in config.toml)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FaqSettings:
    path: str = "faq.toml"  # relative to the config file's folder
    min_score: float = 0.35  # 0–1; below this a question is "unknown" and goes to staff

    def __post_init__(self) -> None:
        if not self.path.strip():
            raise ValueError("path must not be empty")
        if not 0.0 < self.min_score <= 1.0:
            raise ValueError(f"min_score must be in (0, 1], not {self.min_score}")

    def resolve(self, base_dir: Path) -> Path:
        """The FAQ file, relative paths taken from the config file's folder."""
        path = Path(self.path)
        return path if path.is_absolute() else base_dir / path
