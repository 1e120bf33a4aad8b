"""Inputs the benchmarks make for themselves, cached under the system temp dir.

- Camera-sized JPEGs (6000x4000, 4000x3000; quality 90) with Exif, IPTC-IIM and XMP. The
  pixels are the sample photographs (../shared/sample) cropped, upscaled and given colour
  gradients and per-pixel grain, so they entropy-decode like real photos (flat colour
  decodes unrealistically fast).
- A tree of tiny but real JPEGs (each unique: a numbered COM segment) for re-import.

Only Pillow is imported at module level: generation runs in spawned worker processes.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import random
import struct
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from PIL import Image, ImageChops

from benchmarks.common import SAMPLE_DIR, cache_path, cached_dir

CAMERAS = [("Canon", "Canon EOS 5D Mark IV"), ("NIKON CORPORATION", "NIKON D750"),
           ("FUJIFILM", "X-T3"), ("SONY", "ILCE-7M3"), ("Epson", "Perfection V850 Pro")]
CITIES = [("Budapest", "Budapest", "Hungary", "HU"), ("Milwaukee", "Wisconsin", "USA", "US"),
          ("Vienna", "Vienna", "Austria", "AT"), ("Kraków", "Lesser Poland", "Poland", "PL"),
          ("Szeged", "Csongrád", "Hungary", "HU"), ("Chicago", "Illinois", "USA", "US")]
WORDS = ["street", "tram", "bridge", "market", "harvest", "river", "workers", "children", "horse", "cart", "church", "factory", "station", "platform", "square", "festival", "parade", "winter", "snow", "flood", "barge", "dock", "mill", "bakery", "school", "teacher", "soldiers", "crowd", "window", "alley", "courtyard"]

# -- metadata segments -----------------------------------------------------------------------
def _xmp(title: str, caption: str, creator: str, keywords: list[str], city: str,
         country: str, date: str, person: str) -> bytes:
    from xml.sax.saxutils import escape as e

    bag = "".join(f"<rdf:li>{e(k)}</rdf:li>" for k in keywords)
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" '
        'xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/">'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{e(title)}</rdf:li></rdf:Alt>'
        f'</dc:title><dc:description><rdf:Alt><rdf:li xml:lang="x-default">{e(caption)}'
        f'</rdf:li></rdf:Alt></dc:description><dc:creator><rdf:Seq><rdf:li>{e(creator)}'
        f'</rdf:li></rdf:Seq></dc:creator><dc:subject><rdf:Bag>{bag}</rdf:Bag></dc:subject>'
        f'<photoshop:City>{e(city)}</photoshop:City>'
        f'<photoshop:Country>{e(country)}</photoshop:Country>'
        f'<photoshop:DateCreated>{date}</photoshop:DateCreated>'
        f'<Iptc4xmpExt:PersonInImage><rdf:Bag><rdf:li>{e(person)}</rdf:li></rdf:Bag>'
        '</Iptc4xmpExt:PersonInImage>'
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def _iptc_segment(records: list[tuple[int, int, str | bytes]]) -> bytes:
    """An APP13 'Photoshop 3.0' segment holding one IPTC-IIM resource (8BIM 0x0404)."""
    data = b""
    for record, dataset, value in records:
        raw = value if isinstance(value, bytes) else value.encode("utf-8")
        data += b"\x1c" + bytes([record, dataset]) + struct.pack(">H", len(raw)) + raw
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(data))
    resource += data + (b"\x00" if len(data) % 2 else b"")
    payload = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def _insert_after_app_segments(jpeg: bytes, segment: bytes) -> bytes:
    pos = 2
    while pos + 4 <= len(jpeg) and jpeg[pos] == 0xFF and 0xE0 <= jpeg[pos + 1] <= 0xEF:
        (length,) = struct.unpack(">H", jpeg[pos + 2:pos + 4])
        pos += 2 + length
    return jpeg[:pos] + segment + jpeg[pos:]


def metadata_for(index: int) -> dict:
    rnd = random.Random(index)
    city, state, country, code = rnd.choice(CITIES)
    year, month, day = rnd.randint(1930, 1990), rnd.randint(1, 12), rnd.randint(1, 28)
    words = rnd.sample(WORDS, 12)
    caption = (f"{words[0].capitalize()} and {words[1]} near the {words[2]} in {city}, "
               f"{year}; {words[3]} beside the {words[4]}, {words[5]} and {words[6]} seen "
               f"from the {words[7]} on a grey morning (negative {index:05d}).")
    return {
        "title": f"{words[8].capitalize()} by the {words[9]}, {city}",
        "caption": caption, "creator": rnd.choice(["Carl Mydans", "Kata Kálmán",
                                                   "Martin Munkácsi", "Lee Russell"]),
        "keywords": [f"Places|{country}|{city}", words[10], words[11]],
        "city": city, "state": state, "country": country, "code": code,
        "date": f"{year:04d}-{month:02d}-{day:02d}", "camera": rnd.choice(CAMERAS),
        "person": rnd.choice(["Anna Kovács", "John Miller", "Maria Nowak"]),
        "time": f"{year:04d}:{month:02d}:{day:02d} {rnd.randint(7, 18):02d}:"
                f"{rnd.randint(0, 59):02d}:{rnd.randint(0, 59):02d}",
    }


def encode_with_metadata(img: Image.Image, index: int, quality: int = 90) -> bytes:
    m = metadata_for(index)
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = m["camera"]
    exif[0x0112] = 1
    exif[0x0132] = m["time"]
    if m["creator"].isascii():  # Exif text is ASCII: a camera's owner string
        exif[0x013B] = m["creator"]
        exif[0x8298] = f"Public domain. {m['creator']}"
    exif.get_ifd(0x8769)[0x9003] = m["time"]
    xmp = _xmp(m["title"], m["caption"], m["creator"], m["keywords"], m["city"],
               m["country"], m["date"], m["person"])
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=quality, exif=exif.tobytes(), xmp=xmp)
    iptc = _iptc_segment([
        (1, 90, b"\x1b%G"), (2, 0, b"\x00\x04"), (2, 5, m["title"]),
        *[(2, 25, k) for k in m["keywords"]], (2, 55, m["date"].replace("-", "")),
        (2, 80, m["creator"]), (2, 90, m["city"]), (2, 95, m["state"]),
        (2, 100, m["code"]), (2, 101, m["country"]), (2, 116, "Public domain"),
        (2, 120, m["caption"])])
    return _insert_after_app_segments(buffer.getvalue(), iptc)


# -- pixels ------------------------------------------------------------------------------------
def _sources() -> list[Image.Image]:
    files = sorted(SAMPLE_DIR.glob("*.jpg")) if SAMPLE_DIR.is_dir() else []
    if files:
        return [Image.open(f).convert("L") for f in files]
    # No sample beside the checkout: fractal texture stands in for photographs.
    return [Image.effect_mandelbrot((1024, 768), (-2.0 + k * 0.1, -1.2, 1.0, 1.2), 100)
            for k in range(6)]


_NOISE: dict[tuple[int, int], list[Image.Image]] = {}
_SOURCES: list[Image.Image] = []
PAD = 96


def _noise(size: tuple[int, int]) -> list[Image.Image]:
    if size not in _NOISE:
        w, h = size
        _NOISE[size] = [Image.effect_noise((w + PAD, h + PAD), sigma) for sigma in (14, 17, 20)]
    return _NOISE[size]


def camera_pixels(index: int, size: tuple[int, int]) -> Image.Image:
    """A photo-like RGB image: a sample crop upscaled, tinted, with grain (deterministic)."""
    if not _SOURCES:
        _SOURCES.extend(_sources())
    rnd = random.Random(index * 7919)
    src = _SOURCES[index % len(_SOURCES)]
    if (index // len(_SOURCES)) % 2:
        src = src.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    w, h = size
    cw = int(src.width * rnd.uniform(0.8, 1.0))
    ch = min(src.height, round(cw * h / w))
    x, y = rnd.randint(0, src.width - cw), rnd.randint(0, src.height - ch)
    base = src.crop((x, y, x + cw, y + ch)).resize(size, Image.Resampling.BICUBIC)
    gradient = Image.linear_gradient("L")
    turns = [rnd.choice([0, 90, 180, 270]) for _ in range(3)]
    channels = []
    for noise, turn in zip(_noise(size), turns, strict=True):
        ox, oy = rnd.randint(0, PAD), rnd.randint(0, PAD)
        grain = noise.crop((ox, oy, ox + w, oy + h))
        channel = ImageChops.add(base, grain, scale=1.0, offset=-128)
        tint = gradient.rotate(turn).resize(size, Image.Resampling.BILINEAR)
        channels.append(Image.blend(channel, tint, rnd.uniform(0.12, 0.3)))
    return Image.merge("RGB", channels)


def _make_camera_file(job: tuple[str, int, int, int]) -> int:
    path, index, w, h = job
    data = encode_with_metadata(camera_pixels(index, (w, h)), index)
    Path(path).write_bytes(data)
    return len(data)


def camera_jpegs(size: tuple[int, int], count: int, first_index: int = 0,
                 workers: int = 2) -> list[Path]:
    """`count` camera-like JPEGs of `size` (cached between runs), sorted by name."""
    w, h = size
    with cached_dir("jpegs", size=size, count=count, first=first_index) as (folder, ready):
        if not ready:
            jobs = [(str(folder / f"IMG_{first_index + n:05d}.jpg"), first_index + n, w, h)
                    for n in range(count)]
            print(f"  generating {count} {w}x{h} JPEGs (cached for later runs)…", flush=True)
            with ProcessPoolExecutor(max(1, min(workers, count)),
                                     mp_context=multiprocessing.get_context("spawn")) as pool:
                list(pool.map(_make_camera_file, jobs))
    return sorted(cache_path("jpegs", size=size, count=count, first=first_index).glob("*.jpg"))


# -- the tree of tiny files --------------------------------------------------------------------
def tiny_tree(count: int, per_folder: int = 100) -> Path:
    """`count` unique tiny JPEGs (32x24, real images) in folders of `per_folder` files."""
    with cached_dir("tiny-tree", count=count, per_folder=per_folder) as (folder, ready):
        if not ready:
            img = camera_pixels(1, (320, 240)).resize((32, 24))
            base = encode_with_metadata(img, 1, quality=80)
            for n in range(count):
                sub = folder / "tree" / f"roll{n // per_folder:04d}"
                if n % per_folder == 0:
                    sub.mkdir(parents=True, exist_ok=True)
                comment = f"photoarchive benchmark file {n}".encode()
                com = b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment
                (sub / f"scan{n:06d}.jpg").write_bytes(base[:2] + com + base[2:])
            (folder / "meta.json").write_text(json.dumps({"count": count}))
    return cache_path("tiny-tree", count=count, per_folder=per_folder) / "tree"


def walk_and_stat(root: Path) -> int:
    """The re-import baseline: walk the tree and stat every file."""
    files = 0
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            os.stat(os.path.join(dirpath, name))
            files += 1
    return files
