"""Write the catalog's fields to files: XMP sidecars, or XMP/IPTC/Exif inside the file.

Sidecar mode updates every sidecar the photo has (`name.ext.xmp`, Lightroom's `name.xmp`)
so that no program reads stale values, or writes `name.ext.xmp` for a photo without one;
merged, every property we do not manage is kept (`sidecar_paths`). Embedded mode never touches
the original until the new file is proven good: the original is copied to a temporary file
in the same folder, exiv2 writes the metadata into the copy (pixels are never re-encoded),
the copy is re-read and verified - every field reads back as written, and the image data
is identical (for JPEG the compressed scan bytes, otherwise the decoded pixels) - and only
then `os.replace` puts it in place atomically. Whenever the embedded write cannot be done
safely the file is left unchanged and gets a sidecar instead, with a message saying why:
formats exiv2 cannot write (HEIC, AVIF), read-only files, files whose image data cannot be
decoded (nothing to verify against), Exif blocks exiv2 would damage or cannot write (a
malformed Exif segment), and copies that fail verification (the image data changed, as
when exiv2 rewrites a multi-page TIFF, or a field did not read back).

An embedded write changes only what differs (docs/metadata.md): the fields whose catalog
value differs from what the file says (`differences` of `expected_form` and `file_form`)
are written to every carrier; the tags of the other fields are not touched, and the blocks
whose tags did not change (Exif, IPTC, ICC) are put back byte for byte after exiv2 wrote
(containers.py). A file that already holds every value is not rewritten. The temporary
file is named and locked so that a kill's leftover can be recognised and removed by the
next write of the photo (tempfiles.py).

`expected_form` / `file_form` put catalog values and read-back values in one comparable
shape, for verification here and for the re-read diff in the services. The date is
compared whole ("1956~" is not "1956"): files carry the exact EDTF and its display text
in our namespace beside photoshop:DateCreated (see xmp.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import exiv2
from PIL import ImageSequence

from photoarchive.errors import InvalidDate, MediaError
from photoarchive.media import jpeg, xmp
from photoarchive.media.containers import (
    block_size,
    jfif_density,
    jpeg_components,
    restore_untouched,
)
from photoarchive.media.dates import display_text
from photoarchive.media.decode import open_image
from photoarchive.media.derivatives import new_file_mode
from photoarchive.media.iim_exif import ExifContext, apply_exif, apply_iptc, fix_iptc_digest
from photoarchive.media.metadata import (
    MAX_SIDECAR_BYTES,
    FileMetadata,
    read_metadata,
    shared_sidecar,
    sidecars,
)
from photoarchive.media.tempfiles import remove_leftovers, targets_of, temporary_beside

__all__ = [
    "Mode", "WriteFailed", "WriteOptions", "WriteResult", "differences", "expected_form",
    "file_form", "plan_write", "sidecar_paths", "write_file",
]

Mode = Literal["sidecar", "embed"]
POSITION_TOLERANCE = 2e-6  # degrees (about 0.2 m): rounding of rationals and XMP text


class WriteFailed(MediaError):
    """A file could not be written; the original is unchanged."""


@dataclass(frozen=True)
class WriteOptions:
    """Per-catalog preferences that shape an embedded write."""

    embed_iptc: bool = False  # add IPTC-IIM to files that have none
    keep_file_times: bool = False  # give the rewritten file its old modification time


@dataclass
class WriteResult:
    """Which files were (or, in a plan, would be) written, and what to tell the user."""

    mode: Mode
    written: list[Path] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


# -- comparable forms --------------------------------------------------------------------------
def _split_names(text: Any) -> str | None:
    return "; ".join(n.strip() for n in str(text or "").split(";") if n.strip()) or None


def expected_form(p: xmp.Prepared) -> dict[str, Any]:
    """What a file holding `p` reads back as (see `file_form`)."""
    form: dict[str, Any] = {name: p.text.get(name) for name in xmp.TEXT_FIELDS}
    form["creator"] = "; ".join(p.creators) or None
    form["keywords"] = sorted(p.keywords)
    form["people"] = sorted(p.people)
    form["date"] = p.edtf
    form["date_display"] = p.display
    form["rating"] = p.rating
    form["position"] = p.position
    return form


def _derived_display(edtf: str | None) -> str | None:
    """The display text the catalog derives for a date that came without one."""
    try:
        return display_text(edtf) if edtf else None
    except InvalidDate:
        return None


def file_form(meta: FileMetadata) -> dict[str, Any]:
    """The fields `read_metadata` found, in the shape of `expected_form`."""
    f = meta.fields
    form: dict[str, Any] = {name: (f.get(name) or None) for name in xmp.TEXT_FIELDS}
    form["creator"] = _split_names(f.get("creator"))
    form["keywords"] = sorted(f.get("keywords") or [])
    form["people"] = sorted(f.get("people") or [])
    form["date"] = f.get("date") or None
    form["date_display"] = f.get("date_display") or _derived_display(form["date"])
    form["rating"] = int(f["rating"]) if f.get("rating") else 0
    both = meta.latitude is not None and meta.longitude is not None
    form["position"] = (meta.latitude, meta.longitude) if both else None
    return form


def differences(expected: Mapping[str, Any], actual: Mapping[str, Any]) -> list[str]:
    """Names of the fields whose values differ between two forms."""
    out = []
    for name, want in expected.items():
        got = actual.get(name)
        if name == "position" and want and got:
            if all(abs(a - b) <= POSITION_TOLERANCE for a, b in zip(want, got, strict=True)):
                continue
        elif want == got:
            continue
        out.append(name)
    return out


# -- planning ---------------------------------------------------------------------------------
def sidecar_paths(path: Path) -> tuple[list[Path], list[str]]:
    """Where sidecars are written, and why a sidecar is left alone.

    Every sidecar the photo has (`name.ext.xmp`, `name.xmp`): a program that reads either
    must not see old values. A new `name.ext.xmp` when it has none. A `name.xmp` that
    another file of that name reads too (`x.tif` beside `x.jpg`) is not changed for this
    photo; `name.ext.xmp` gets the values instead (and, written last, it is the one read).
    """
    own: list[Path] = []
    notes: list[str] = []
    for sidecar in sidecars(path):
        other = shared_sidecar(path, sidecar)
        if other is None:
            own.append(sidecar)
        else:
            notes.append(f"{sidecar.name} was left as it is: {other.name} reads it too; "
                         f"{path.name + '.xmp'} holds this photo's values")
    return own or [path.with_name(path.name + ".xmp")], notes


def _embed_blocker(path: Path) -> str | None:
    """Why metadata cannot be written into the file itself, or None."""
    if not os.access(path, os.W_OK) or not path.stat().st_mode & stat.S_IWUSR:
        return "the file is read-only"  # the mode bit too: root may write anything
    try:
        os.fsencode(path).decode("utf-8")
    except UnicodeDecodeError:
        return "the file name is not valid UTF-8, which exiv2 cannot open"
    try:
        with xmp.exiv2_log():
            image = exiv2.ImageFactory.open(str(path))
            mode = image.checkMode(exiv2.MetadataId.mdXmp)
    except exiv2.Exiv2Error:
        mode = None
    if mode != exiv2.AccessMode.amReadWrite:
        kind = path.suffix.lstrip(".").upper() or "These"
        return f"{kind} files cannot be written safely (exiv2 only reads them)"
    return None


def _check_folder(path: Path) -> None:
    if not path.exists():
        raise WriteFailed(f"{path.name}: the file is missing")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise WriteFailed(f"{path.name}: its folder {path.parent} is read-only; "
                          "nothing can be written beside it")


def plan_write(path: Path, mode: Mode) -> WriteResult:
    """What `write_file` would write (for a dry run); touches nothing."""
    path = Path(os.path.realpath(path))
    _check_folder(path)
    result = WriteResult(mode=mode)
    if mode == "embed":
        blocker = _embed_blocker(path)
        if blocker is None:
            result.written.append(path)
            if not sidecars(path):
                return result
        else:
            result.mode = "sidecar"
            result.messages.append(f"{blocker}; a sidecar would be written instead")
    targets, notes = sidecar_paths(path)
    result.written.extend(targets)
    result.messages.extend(notes)
    return result


# -- sidecars ---------------------------------------------------------------------------------
def _managed(key: str) -> bool:
    return any(key == m or key.startswith((m + "[", m + "/")) for m in xmp.MANAGED_KEYS)


def _load_sidecar(source: Path | None) -> exiv2.XmpData:
    if source is None:
        return exiv2.XmpData()
    try:
        if source.stat().st_size > MAX_SIDECAR_BYTES:
            raise WriteFailed(f"the sidecar {source.name} is too large to merge; not changed")
        data = source.read_bytes()
    except OSError as exc:
        raise WriteFailed(f"the sidecar {source.name} cannot be read "
                          f"({exc.strerror or exc}); not changed") from exc
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise WriteFailed(f"the sidecar {source.name} contains a DTD; not changed")
    try:
        return xmp.parse_packet(data.removeprefix(b"\xef\xbb\xbf"))
    except exiv2.Exiv2Error as exc:
        raise WriteFailed(f"the sidecar {source.name} is not valid XMP ({exc}); "
                          "not changed") from exc


def _replace_atomically(target: Path, content: bytes, mode_from: Path | None) -> None:
    with temporary_beside(target) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        if mode_from is not None and mode_from.exists():
            with contextlib.suppress(OSError):
                os.chmod(tmp, mode_from.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, new_file_mode())  # not mkstemp's 0600: a new sidecar follows the umask
        if tmp.read_bytes() != content:
            raise WriteFailed(f"{target.name}: the written sidecar did not read back intact")
        _replace(tmp, target)


def _replace(tmp: Path, target: Path) -> None:
    try:
        os.replace(tmp, target)
    except OSError as exc:
        raise WriteFailed(f"{target.name}: could not be replaced ({exc.strerror or exc}); "
                          "it was left unchanged") from exc


_EMPTY_LANG_ALT = re.compile(r'(lang="[^"]*" ?)+')


def _kept(data: exiv2.XmpData) -> list[tuple[str, str, str]]:
    """`xmp.snapshot` without empty language alternatives, which exiv2 does not write
    (exiftool copies an empty Exif UserComment into a sidecar as one): no value is lost."""
    return [entry for entry in xmp.snapshot(data)
            if not (entry[1] == "LangAlt" and _EMPTY_LANG_ALT.fullmatch(entry[2].strip()))]


def _sidecar_packet(target: Path, p: xmp.Prepared) -> bytes:
    """The new content of one sidecar: our fields merged into what it holds."""
    if target.exists() and not target.stat().st_mode & stat.S_IWUSR:
        raise WriteFailed(f"the sidecar {target.name} is read-only; not changed")
    data = _load_sidecar(target if target.exists() else None)
    foreign = [entry for entry in _kept(data) if not _managed(entry[0])]
    xmp.apply_fields(data, p, sidecar=True)
    packet = xmp.encode_packet(data)
    written = _kept(xmp.parse_packet(packet))
    if written != _kept(data) or not set(foreign) <= set(written):
        raise WriteFailed(f"{target.name}: the new sidecar did not read back as built; "
                          "not changed")
    return packet


def _write_sidecars(path: Path, p: xmp.Prepared, messages: list[str]) -> list[Path]:
    """Write every sidecar of `sidecar_paths`; all are built and checked before the first
    is replaced, so a sidecar that cannot be merged leaves them all unchanged."""
    targets, notes = sidecar_paths(path)
    messages.extend(notes)
    packets = [(target, _sidecar_packet(target, p)) for target in targets]
    done: list[Path] = []
    for target, packet in packets:
        try:
            _replace_atomically(target, packet, target if target.exists() else None)
        except WriteFailed as exc:
            if not done:
                raise
            raise WriteFailed(f"{exc} ({', '.join(d.name for d in done)} was written: "
                              "write again)") from exc
        done.append(target)
    if len(done) > 1:
        messages.append(f"updated both sidecars, {' and '.join(d.name for d in done)}: "
                        "other programs read either")
    return done


# -- embedded ---------------------------------------------------------------------------------
class _Unsafe(Exception):
    """Embedding into this file cannot be done faithfully; the reason is the message."""


#: How much of an Exif block exiv2 may drop beyond our own changes (bytes, and a share of
#: the block): alignment, padding, a malformed entry it repairs.
EXIF_SLACK = (512, 0.10)


def _scan_bytes(data: bytes) -> bytes | None:
    """A JPEG's compressed image data: from the first SOS marker to the last EOI (or to the
    end of a file cut short); None when it is not a JPEG or has no scan."""
    walk = jpeg.layout(data)
    if walk is None or walk.scan is None:
        return None
    end = data.rfind(b"\xff\xd9")
    return data[walk.scan:end + 2 if end > walk.scan else len(data)]


def _pixels_digest(path: Path) -> str | None:
    """A digest of every frame's decoded pixels; None when Pillow cannot decode the file."""
    digest = hashlib.sha256()
    try:
        with open_image(path) as img:
            for frame in ImageSequence.Iterator(img):
                digest.update(f"{frame.mode}{frame.size}".encode())
                digest.update(frame.tobytes())
    except Exception:  # noqa: BLE001 (hostile files: pixels that do not decode cannot be compared)
        return None
    return digest.hexdigest()


def _image_data(path: Path) -> tuple[str, bytes | str | None]:
    """What must not change: a JPEG's scan bytes, else the decoded pixels' digest."""
    scan = _scan_bytes(path.read_bytes())
    return ("scan", scan) if scan is not None else ("pixels", _pixels_digest(path))


def _verify(original: Path, written: Path, image_data: tuple[str, bytes | str | None],
            p: xmp.Prepared) -> None:
    kind, before = image_data
    after = _scan_bytes(written.read_bytes()) if kind == "scan" else _pixels_digest(written)
    if before != after:
        raise _Unsafe("writing into it would have changed the image data")
    wrong = differences(expected_form(p), file_form(read_metadata(written)))
    if wrong:
        raise _Unsafe(f"{', '.join(wrong)} did not read back from it as written")


def _exiv2_snapshot(data: Any) -> list[tuple[str, str]]:
    return [(d.key(), d.toString()) for d in data]


def _components(jpeg: bytes) -> tuple[int, int, int, int]:
    """A JPEG's components in Exif's codes (1 Y, 2 Cb, 3 Cr, 4 R, 5 G, 6 B, 0 none): Y alone
    for grayscale, R G B for three components an Adobe segment says are not transformed,
    else the Exif default Y Cb Cr (Exif has no codes for CMYK)."""
    found = jpeg_components(jpeg)
    if found and found[0] == 1:
        return (1, 0, 0, 0)
    return (4, 5, 6, 0) if found == (3, 0) else (1, 2, 3, 0)


def _exif_context(image: exiv2.Image, original: bytes) -> ExifContext:
    jpeg = original.startswith(b"\xff\xd8")
    components = _components(original) if jpeg else (1, 2, 3, 0)
    return ExifContext(jpeg=jpeg, width=image.pixelWidth(), height=image.pixelHeight(),
                       density=jfif_density(original) if jpeg else None,
                       has_icc=bool(image.iccProfileDefined()), components=components)


def _exif_bytes(exif: exiv2.ExifData) -> int:
    """What exiv2 knows of an Exif block: its values' bytes and 12 per directory entry."""
    return sum(d.size() + 12 for d in exif)


def _check_exif_kept(original: Path, tmp: Path, change: int) -> None:
    """Refuse a rewritten Exif block that lost more than our `change` accounts for: exiv2
    drops what it does not understand (maker-note sub-directories, preview images, broken
    entries) when it has to rebuild the block."""
    before = block_size(original.read_bytes(), "exif")
    after = block_size(tmp.read_bytes(), "exif")
    if not before or after is None:
        return
    lost = before + change - after
    if lost > EXIF_SLACK[0] + EXIF_SLACK[1] * before:
        raise _Unsafe(f"exiv2 would drop {lost:,} bytes of its Exif data that it does not "
                      "understand (maker-note data or a preview image)")


def _write_into(original: Path, tmp: Path, p: xmp.Prepared, options: WriteOptions,
                fields: set[str]) -> list[str]:
    """Write `fields` into `tmp`, a fresh copy of `original`: the tags of other fields, and
    the blocks (Exif, IPTC, ICC) whose tags did not change, stay byte for byte."""
    messages: list[str] = []
    untouched = {"exif", "iptc", "icc"}
    exif_change = 0
    with xmp.exiv2_log(messages):
        image = exiv2.ImageFactory.open(str(tmp))
        image.readMetadata()
        data = image.xmpData()
        xmp.apply_fields(data, p, fields=fields)
        image.setXmpData(data)
        if image.checkMode(exiv2.MetadataId.mdExif) == exiv2.AccessMode.amReadWrite:
            exif = image.exifData()
            before, size = _exiv2_snapshot(exif), _exif_bytes(exif)
            ctx = _exif_context(image, original.read_bytes())
            messages.extend(apply_exif(exif, p, fields, ctx))
            if _exiv2_snapshot(exif) != before:
                image.setExifData(exif)
                untouched.discard("exif")
                exif_change = _exif_bytes(exif) - size
        iptc = image.iptcData()
        iptc_ok = image.checkMode(exiv2.MetadataId.mdIptc) == exiv2.AccessMode.amReadWrite
        if iptc_ok and (iptc.count() or options.embed_iptc):
            before = _exiv2_snapshot(iptc)
            apply_iptc(iptc, p, fields if iptc.count() else None)  # a new block: complete
            if _exiv2_snapshot(iptc) != before:
                image.setIptcData(iptc)
                untouched.discard("iptc")
        image.writeMetadata()
    restore_untouched(original, tmp, untouched)
    if "exif" not in untouched:
        _check_exif_kept(original, tmp, exif_change)
    if "iptc" not in untouched:
        fix_iptc_digest(tmp)
    return messages


def _copy_into(source: Path, target: Path) -> None:
    with open(target, "wb") as out, open(source, "rb") as src:
        shutil.copyfileobj(src, out, 1 << 20)


def _write_embedded(path: Path, p: xmp.Prepared, options: WriteOptions) -> list[str]:
    """Write into the file the fields whose values differ from what it holds (nothing at
    all when none does); see the module doc."""
    before = path.stat()
    with temporary_beside(path) as tmp:
        _copy_into(path, tmp)
        os.chmod(tmp, before.st_mode & 0o7777)
        expected = expected_form(p)
        fields = set(differences(expected, file_form(read_metadata(tmp))))
        if not fields:
            return []
        image_data = _image_data(path)
        if image_data[1] is None:
            raise _Unsafe("its image data cannot be decoded, so a write into it could not "
                          "be verified")
        try:
            messages = _write_into(path, tmp, p, options, fields)
            # Making a stale IPTC digest current gives XMP precedence again: a field whose
            # XMP said something else than the IPTC that was read is written too.
            flipped = set(differences(expected, file_form(read_metadata(tmp)))) - fields
            if flipped:
                fields |= flipped
                _copy_into(path, tmp)
                messages = _write_into(path, tmp, p, options, fields)
        except exiv2.Exiv2Error as exc:
            reason = getattr(exc, "message", None) or exc
            raise _Unsafe(f"exiv2 could not write the metadata into it ({reason})") from exc
        _verify(path, tmp, image_data, p)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        _replace(tmp, path)
    if options.keep_file_times:
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    return messages


def write_file(path: Path, values: Mapping[str, Any], mode: Mode,
               options: WriteOptions | None = None) -> WriteResult:
    """Write catalog `values` (by catalog name, plus `taken_at`) for the file at `path`.

    Raises WriteFailed (the original and any sidecar unchanged) when nothing could be
    written. In embedded mode an existing sidecar is updated too: it would otherwise
    override the new values for every reader.
    """
    path = Path(os.path.realpath(path))  # replace the file a link points to, not the link
    try:
        return _write_file(path, xmp.prepare(values), mode, options or WriteOptions())
    except (OSError, exiv2.Exiv2Error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise WriteFailed(f"{path.name}: cannot be written ({reason})") from exc


def _cleanup(path: Path) -> list[str]:
    """Remove what an interrupted write of this photo left beside it (see tempfiles)."""
    return [f"removed {leftover.name}, left by an interrupted write"
            for leftover in remove_leftovers(path.parent, targets_of(path))]


def _write_file(path: Path, p: xmp.Prepared, mode: Mode, options: WriteOptions) -> WriteResult:
    _check_folder(path)
    result = WriteResult(mode=mode, messages=_cleanup(path))
    if mode == "embed":
        blocker = _embed_blocker(path)
        if blocker is None:
            try:
                result.messages.extend(_write_embedded(path, p, options))
                result.written.append(path)
            except _Unsafe as exc:
                blocker = str(exc)
        if blocker is None:
            if not sidecars(path):
                return result
            result.messages.append("the existing sidecar was updated too (it overrides "
                                   "the values inside the file)")
        else:
            result.mode = "sidecar"
            result.messages.append(f"{blocker}; wrote a sidecar instead")
    result.written.extend(_write_sidecars(path, p, result.messages))
    if result.mode == "sidecar":
        shown = file_form(read_metadata(path))
        wrong = differences(expected_form(p), shown)
        for name in wrong:
            if name == "date_display" and "date" in wrong:
                continue  # one message for the date
            result.messages.append(f"{name}: the file's own value still shows (a sidecar can "
                                   "override a value but not blank it); use embedded mode")
    return result
