"""Reading an upload without trusting it: a ZIP's members inflated as a stream and counted
against a budget (never the sizes its directory claims), names with path tricks refused, text
decoded as strict UTF-8, CSV read by header name. What cannot be read raises ``Refused`` with a
reason in the user's terms."""

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterator
from typing import IO, Any

CHUNK = 64 * 1024
# Bytes that start each kind of file an import may be (after an optional UTF-8 byte-order mark).
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
UTF8_BOM = b"\xef\xbb\xbf"
DRIVE = re.compile(r"^[A-Za-z]:")
# What an operating system adds to a ZIP it makes: macOS's resource forks (a "__MACOSX/" tree,
# "._name" files) and folder settings (".DS_Store"), Windows' thumbnails and folder settings.
SYSTEM_FOLDER = "__MACOSX/"
SYSTEM_FILES = {".DS_Store", "Thumbs.db", "desktop.ini"}


class Refused(Exception):
    """The file cannot be imported; ``str()`` says why, for the user."""


class NotThatSource(Refused):
    """The file is not an export of the source the user named."""


class Budget:
    """Bytes that may still be inflated from one archive, shared by all its members (or by
    those of one kind: ``what`` names them in the refusal)."""

    def __init__(self, limit: int, *, what: str = "The ZIP") -> None:
        self.limit = limit
        self.left = limit
        self.what = what

    def take(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise Refused(self.message)

    @property
    def message(self) -> str:
        return f"{self.what} inflates to more than {self.limit // (1024 * 1024)} MB: refused."


class CountedStream(io.RawIOBase):
    """A binary stream whose every byte read is taken from ``budget`` as it is read."""

    def __init__(self, raw: IO[bytes], budget: Budget) -> None:
        self.raw = raw
        self.budget = budget

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(min(len(buffer), CHUNK))
        self.budget.take(len(data))
        buffer[: len(data)] = data
        return len(data)


def looks_like_zip(head: bytes) -> bool:
    return head.startswith(ZIP_MAGIC)


def safe_member_name(name: str) -> str | None:
    """``name`` as a relative path with ``/`` separators ("./" and empty parts dropped: some
    tools write "./folder/name"), or None if it tries to leave the archive (absolute, a drive,
    ``..``) or holds a NUL."""
    path = name.replace("\\", "/")
    if "\x00" in path or path.startswith("/") or DRIVE.match(path):
        return None
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if ".." in parts:
        return None
    return "/".join(parts)


class Archive:
    """A ZIP's file members by relative path (the one top-level folder an export may sit in
    removed, the files an operating system adds left out: ``system_file``), checked before
    anything is inflated: at most ``max_entries`` entries, no path tricks, no encryption,
    declared sizes within ``max_inflated`` (then counted for real)."""

    def __init__(self, data: bytes, *, max_entries: int, max_inflated: int) -> None:
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
            raise Refused("The file is not a readable ZIP archive.") from None
        if len(infos) > max_entries:
            raise Refused(f"The ZIP has more than {max_entries} entries: refused.")
        paths: dict[str, zipfile.ZipInfo] = {}
        declared = 0
        for info in infos:
            path = safe_member_name(info.filename)
            if path is None:
                raise Refused(f"The ZIP holds an unsafe name ({info.filename[:100]!r}): refused.")
            if info.flag_bits & 0x1:
                raise Refused("The ZIP is encrypted: export it again without a password.")
            declared += info.file_size
            if not info.is_dir() and not system_file(path):
                paths[path] = info
        self.budget = Budget(max_inflated)
        if declared > max_inflated:  # an honest bomb: refused before anything is inflated
            raise Refused(self.budget.message)
        self.members = _without_top_folder(paths)

    def names(self) -> list[str]:
        return list(self.members)

    def open(self, path: str) -> IO[bytes]:
        """The member's bytes as a stream, counted against the archive's budget."""
        try:
            raw = self.zip.open(self.members[path])
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError):
            raise Refused(f"{path} cannot be read from the ZIP.") from None
        return io.BufferedReader(CountedStream(raw, self.budget), CHUNK)

    def read(self, path: str, *, budget: Budget | None = None) -> bytes:
        """The member's bytes, read a chunk at a time, each counted against the archive's
        budget and ``budget`` too (a cap on one kind of member)."""
        data = bytearray()
        with self.open(path) as stream:
            try:
                while chunk := stream.read(CHUNK):
                    if budget is not None:
                        budget.take(len(chunk))
                    data += chunk
            except (zipfile.BadZipFile, EOFError, OSError, ValueError):
                raise Refused(f"{path} is damaged in the ZIP.") from None
        return bytes(data)


def system_file(path: str) -> bool:
    """Whether ``path`` is one an operating system adds to a ZIP it makes, not the export's."""
    name = path.rsplit("/", 1)[-1]
    return path.startswith(SYSTEM_FOLDER) or name in SYSTEM_FILES or name.startswith("._")


def _without_top_folder(paths: dict[str, zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
    """An export zipped with its folder ("letterboxd-name-2026-11-30/watched.csv"): the paths
    inside that folder."""
    tops = {path.split("/", 1)[0] for path in paths}
    if len(tops) == 1 and all("/" in path for path in paths):
        cut = len(tops.pop()) + 1
        return {path[cut:]: info for path, info in paths.items()}
    return paths


def text(stream: IO[bytes], name: str) -> Iterator[str]:
    """The lines of a UTF-8 text stream (a byte-order mark dropped); ``Refused`` for bytes
    that are not UTF-8."""
    wrapper = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")
    try:
        yield from wrapper
    except UnicodeDecodeError:
        raise Refused(f"{name} is not UTF-8 text: export it again, or save it as UTF-8.") from None
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise Refused(f"{name} is damaged in the ZIP.") from None


class CsvRows:
    """A CSV file's header and its rows as ``{header name: value}`` (cells stripped; a short
    row's missing cells are ""); ``Refused`` past ``max_rows`` rows, as they are read."""

    def __init__(self, lines: Iterator[str], name: str, *, max_rows: int) -> None:
        self.name = name
        self.max_rows = max_rows
        self.reader = csv.reader(lines, strict=True)
        try:
            first = next(self.reader, None)
        except csv.Error:
            raise Refused(f"{name} is not a CSV file.") from None
        self.header = [cell.strip() for cell in first or []]

    def __iter__(self) -> Iterator[dict[str, str]]:
        header = self.header
        try:
            for count, cells in enumerate(self.reader, 1):
                if count > self.max_rows:
                    raise Refused(too_many_rows(self.max_rows))
                if not any(cell.strip() for cell in cells):
                    continue  # a blank line
                values = [cell.strip() for cell in cells] + [""] * (len(header) - len(cells))
                yield dict(zip(header, values, strict=False))
        except csv.Error as error:
            line = self.reader.line_num
            raise Refused(f"{self.name}, line {line}: not valid CSV ({error}).") from None


def csv_rows(data: bytes | IO[bytes], name: str, *, max_rows: int) -> CsvRows:
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    return CsvRows(text(stream, name), name, max_rows=max_rows)


def too_many_rows(limit: int) -> str:
    return f"The file has more than {limit:,} rows: split it."


def json_value(data: bytes, name: str) -> Any:
    """A JSON document (UTF-8, a byte-order mark allowed)."""
    try:
        return json.loads(data.removeprefix(UTF8_BOM).decode("utf-8"))
    except UnicodeDecodeError:
        raise Refused(f"{name} is not UTF-8 text.") from None
    except (ValueError, RecursionError):
        raise Refused(f"{name} is not valid JSON.") from None
