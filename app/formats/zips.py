"""Zip files, written as a stream and read with suspicion. Pure.

Writing: `StreamingZip` hands back the compressed bytes after each member, so a zip of a large
project is sent while it is made (zipfile writes data descriptors when the target cannot seek).
Reading: `read_zip` refuses what could write outside a folder or exhaust memory: absolute or
`..` paths, symbolic links, encrypted members, more than MAX_MEMBERS members, or an
uncompressed size past the limit (checked while inflating, not only from the zip's directory,
whose sizes a hostile file can understate).
"""

import io
import stat
import zipfile

from app.formats.common import FormatError, ImportRefused

MAX_MEMBERS = 20_000
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # bytes, all members together


class _Sink(io.RawIOBase):
    """A write-only, unseekable file that keeps what is written until taken."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


class StreamingZip:
    def __init__(self) -> None:
        self._sink = _Sink()
        self._zip = zipfile.ZipFile(self._sink, "w", compression=zipfile.ZIP_DEFLATED)

    def add(self, name: str, data: str | bytes) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self._zip.writestr(info, data)

    def take(self) -> bytes:
        """The bytes written since the last call."""
        return self._sink.take()

    def close(self) -> bytes:
        self._zip.close()
        return self._sink.take()


def read_zip(data: bytes, filename: str = "upload.zip",
             limit: int = MAX_UNCOMPRESSED) -> dict[str, bytes]:
    """Member path -> content, for regular files; folders are skipped. All or nothing."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise _refused(filename, None, f"not a valid zip file ({error})") from None
    if len(members) > MAX_MEMBERS:
        raise _refused(filename, None, f"holds more than {MAX_MEMBERS} files")
    result: dict[str, bytes] = {}
    total = 0
    for member in members:
        name = member.filename
        problem = _unsafe_member(member)
        if problem:
            raise _refused(filename, name, problem)
        if member.is_dir():
            continue
        try:
            with archive.open(member) as handle:
                content = handle.read(limit - total + 1)
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, NotImplementedError) as error:
            raise _refused(filename, name, f"cannot be read ({error})") from None
        total += len(content)
        if total > limit:
            raise _refused(filename, name, f"the files unpack to more than "
                           f"{limit // (1024 * 1024)} MB; split the archive")
        result[name] = content
    return result


def _unsafe_member(member: zipfile.ZipInfo) -> str | None:
    name = member.filename.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "an absolute path is not allowed in a zip"
    if ".." in name.split("/"):
        return "a path with '..' is not allowed in a zip"
    if "\x00" in name:
        return "a NUL character in a file name is not allowed"
    if stat.S_ISLNK(member.external_attr >> 16):
        return "a symbolic link is not allowed in a zip"
    if member.flag_bits & 0x1:
        return "encrypted files are not supported"
    return None


def _refused(filename: str, member: str | None, message: str) -> ImportRefused:
    where = f"{filename}:{member}" if member else filename
    return ImportRefused([FormatError(None, None, message, file=where)])
