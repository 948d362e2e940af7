"""Where attachment files live: a folder, written atomically so a file is whole or absent."""
from __future__ import annotations

import os
import secrets
import time
from pathlib import Path


class AttachmentStore:
    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)

    def new_name(self, extension: str) -> str:
        return f"{secrets.token_hex(16)}.{extension}"

    def save(self, name: str, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        final = self.folder / name
        partial = self.folder / f".{name}.part"
        try:
            with open(partial, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, final)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise

    def delete(self, name: str) -> None:
        (self.folder / name).unlink(missing_ok=True)

    def path(self, name: str) -> Path:
        return self.folder / name

    def names_older_than(self, seconds: float) -> set[str]:
        """Stored files (and interrupted partial writes) not modified for `seconds`."""
        if not self.folder.exists():
            return set()
        cutoff = time.time() - seconds
        return {path.name for path in self.folder.iterdir() if path.is_file() and path.stat().st_mtime < cutoff}
