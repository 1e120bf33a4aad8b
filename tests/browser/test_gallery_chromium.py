"""The exported gallery in a real headless Chromium, opened from file:// with no network.

Chromium is driven over the DevTools protocol by the small client below (the standard
library has no WebSocket client; ~80 lines here beat a test dependency). Checks: every
image loads, every caption is visible, a hostile caption is literal text and runs
nothing, the console stays clean, and the arrow keys move between photos.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import socket
import struct
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sample_archive import COLLECTION, load_sample
from waiting import poll_until

from photoarchive.services import open_archive
from photoarchive.services.editing import apply_values
from photoarchive.services.export_gallery import GallerySettings, export_gallery, select_photos
from photoarchive.services.photos import get_photos

CHROMIUM = os.environ.get("PHOTOARCHIVE_CHROMIUM") or shutil.which("chromium") \
    or shutil.which("chromium-browser") or "/usr/bin/chromium"
HOSTILE = "<script>alert(1)</script> & Ödön"
HOSTILE_TITLE = '"><img src=x onerror=alert(2)> Ödön\'s street'
TIMEOUT = 30.0
UNTITLED = 3  # the fourth photo has no title (nor has any but the hostile one alt text)

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"Chromium is not installed ({CHROMIUM} not found; "
                                       "CI installs Debian's 'chromium')")


class WebSocket:
    """A minimal RFC 6455 client: text frames out (masked), frames in, ping answered."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=TIMEOUT)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                           "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
                           ).encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("DevTools closed the connection during the handshake")
            data += chunk
        head, self.buffer = data.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise ConnectionError(head.decode(errors="replace"))

    def _exact(self, n: int) -> bytes:
        while len(self.buffer) < n:
            chunk = self.sock.recv(max(65536, n - len(self.buffer)))
            if not chunk:
                raise ConnectionError("DevTools closed the connection")
            self.buffer += chunk
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def _frame(self, opcode: int, payload: bytes) -> None:
        n = len(payload)
        head = bytes([0x80 | opcode])
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 1 << 16:
            head += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        key = (mask * (n // 4 + 1))[:n]
        masked = (int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")).to_bytes(n, "big")
        self.sock.sendall(head + mask + masked)

    def send(self, text: str) -> None:
        self._frame(0x1, text.encode("utf-8"))

    def recv(self) -> str:
        message = b""
        while True:
            first, second = self._exact(2)
            n = second & 0x7F
            if n == 126:
                (n,) = struct.unpack(">H", self._exact(2))
            elif n == 127:
                (n,) = struct.unpack(">Q", self._exact(8))
            payload = self._exact(n)
            opcode = first & 0x0F
            if opcode == 0x9:
                self._frame(0xA, payload)
                continue
            if opcode == 0x8:
                raise ConnectionError("DevTools closed the WebSocket")
            if opcode in (0x0, 0x1, 0x2):
                message += payload
                if first & 0x80:
                    return message.decode("utf-8")

    def close(self) -> None:
        self.sock.close()


class Browser:
    """One headless Chromium with one page, driven over the DevTools protocol."""

    def __init__(self, profile: Path, width: int = 1280, height: int = 900) -> None:
        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--disable-default-apps", "--mute-audio",
             "--disable-dev-shm-usage",
             f"--user-data-dir={profile}", "--remote-debugging-port=0",
             f"--window-size={width},{height}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"

        def port_written() -> bool:
            return port_file.exists() and port_file.read_text().count("\n") >= 1

        if not poll_until(lambda: port_written() or self.proc.poll() is not None,
                          TIMEOUT) or not port_written():
            self.proc.kill()
            raise RuntimeError("Chromium did not open its DevTools port")
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            page = next(t for t in json.load(r) if t["type"] == "page")
        self.ws = WebSocket(page["webSocketDebuggerUrl"])
        self.last_id = 0
        self.events: list[dict[str, Any]] = []
        self.dialogs: list[str] = []
        for method in ("Page.enable", "Runtime.enable", "Log.enable"):
            self.call(method)

    def _read(self) -> dict[str, Any]:
        message = json.loads(self.ws.recv())
        if message.get("method") == "Page.javascriptDialogOpening":
            self.dialogs.append(message["params"].get("message", ""))
            self.last_id += 1  # answer without waiting, or the page stays blocked
            self.ws.send(json.dumps({"id": self.last_id, "method": "Page.handleJavaScriptDialog",
                                     "params": {"accept": True}}))
        if "method" in message:
            self.events.append(message)
        return message

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.last_id += 1
        wanted = self.last_id
        self.ws.send(json.dumps({"id": wanted, "method": method, "params": params}))
        while True:
            message = self._read()
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def wait_for(self, event: str, since: int) -> dict[str, Any]:
        while True:
            for message in self.events[since:]:
                if message["method"] == event:
                    return message
            since = len(self.events)
            self._read()

    def goto(self, url: str) -> None:
        mark = len(self.events)
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired", mark)

    def eval(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def press(self, key: str, code: int) -> None:
        """Press a key and wait for the navigation it starts."""
        mark = len(self.events)
        for kind in ("rawKeyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", type=kind, key=key, code=key,
                      windowsVirtualKeyCode=code, nativeVirtualKeyCode=code)
        self.wait_for("Page.loadEventFired", mark)

    def screenshot(self, path: Path, full_page: bool = False) -> None:
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            params["captureBeyondViewport"] = True
            size = self.eval("[document.documentElement.scrollWidth,"
                             " document.documentElement.scrollHeight]")
            params["clip"] = {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1}
        path.write_bytes(base64.b64decode(self.call("Page.captureScreenshot", **params)["data"]))

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and error-level log entries so far."""
        found = []
        for e in self.events:
            p = e.get("params", {})
            if e["method"] == "Runtime.exceptionThrown":
                found.append(json.dumps(p.get("exceptionDetails", {}))[:300])
            elif e["method"] == "Runtime.consoleAPICalled" and p.get("type") in ("error",
                                                                                 "assert"):
                found.append(json.dumps(p.get("args", []))[:300])
            elif e["method"] == "Log.entryAdded" and p["entry"].get("level") == "error":
                found.append(f"{p['entry'].get('text')} {p['entry'].get('url', '')}")
        return found

    def close(self) -> None:
        with contextlib.suppress(OSError, ConnectionError, RuntimeError):
            self.call("Browser.close")
        self.ws.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# -- fixtures -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def gallery(tmp_path_factory, sample_dir: Path) -> dict[str, Any]:
    """The sample exported as a gallery; one caption and one title are hostile."""
    tmp = tmp_path_factory.mktemp("gallery")
    archive = open_archive(tmp / "catalog.sqlite")
    try:
        ids = load_sample(archive, sample_dir)
        apply_values(archive, {ids[2]: {"caption": HOSTILE, "title": HOSTILE_TITLE,
                                        "alt_text": 'A "quoted" <alt>'},
                               ids[UNTITLED]: {"title": None}}, origin="test")
        chosen, title, intro = select_photos(archive, COLLECTION)
        report = export_gallery(archive, chosen, tmp / "site",
                                GallerySettings(title=title, intro=intro, image_size=720,
                                                thumb_size=260), workers=2)
        assert not report.failed and report.images_made == 12
        records = get_photos(archive, chosen)
    finally:
        archive.close()
    manifest = json.loads((tmp / "site" / "photoarchive-gallery.json").read_text())
    pages = [f"photos/{manifest['photos'][str(r.id)]['name']}.html" for r in records]
    return {"site": tmp / "site", "records": records, "pages": pages, "hostile": 2}


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[Browser]:
    opened = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield opened
    opened.close()


def _url(gallery: dict[str, Any], page: str) -> str:
    return (gallery["site"] / page).as_uri()


LOAD_IMAGES = """(async () => {
  const images = [...document.images];
  for (const img of images) {
    img.scrollIntoView();
    if (!img.complete) {
      await new Promise(done => { img.addEventListener('load', done);
                                  img.addEventListener('error', done);
                                  setTimeout(done, 10000); });
    }
  }
  window.scrollTo(0, 0);
  return images.map(i => [i.getAttribute('src'), i.naturalWidth, i.alt]);
})()"""

CAPTIONS = """[...document.querySelectorAll(SELECTOR)].map(el => [el.textContent,
  el.checkVisibility({opacityProperty: true, visibilityProperty: true})
  && el.getBoundingClientRect().height > 8])"""


def _clean(text: str) -> str:
    return " ".join(text.split())


# -- tests --------------------------------------------------------------------------------------
def test_index_shows_every_photo_in_order_with_visible_captions(browser: Browser,
                                                                gallery: dict) -> None:
    browser.goto(_url(gallery, "index.html"))
    images = browser.eval(LOAD_IMAGES)
    records = gallery["records"]
    assert len(images) == len(records) == 12
    assert all(width > 0 for _, width, _ in images), images
    titles = browser.eval("[...document.querySelectorAll('.card-title')].map(e => e.textContent)")
    assert titles == [r.text["title"] or f"Photograph {n}" for n, r in enumerate(records, 1)]
    assert titles[UNTITLED] == "Photograph 4"  # not the file name, loc_fsa_8b28647
    captions = browser.eval(CAPTIONS.replace("SELECTOR", "'.card .caption'"))
    assert [_clean(t) for t, _ in captions] == [_clean(r.text["caption"]) for r in records]
    assert all(visible for _, visible in captions), captions
    assert browser.eval("document.querySelector('.intro strong').textContent") == "Carl Mydans"
    assert browser.eval("document.scripts.length") == 1
    assert browser.dialogs == [] and browser.errors() == []


def test_every_photo_page_loads_its_image_and_shows_its_caption(browser: Browser,
                                                                gallery: dict) -> None:
    for record, page in zip(gallery["records"], gallery["pages"], strict=False):
        browser.goto(_url(gallery, page))
        images = browser.eval(LOAD_IMAGES)
        assert len(images) == 1 and images[0][1] > 0, (page, images)
        captions = browser.eval(CAPTIONS.replace("SELECTOR", "'.details .caption'"))
        assert captions == [[record.text["caption"], True]], page
        facts = browser.eval("document.querySelector('.facts').innerText")
        assert "April 1936" in facts and "Carl Mydans" in facts, facts
        rights = browser.eval("document.querySelector('.rights').innerText")
        assert record.text["credit"] in rights and "Public domain" in rights
    assert browser.dialogs == [] and browser.errors() == []


def test_hostile_caption_is_literal_text_and_runs_nothing(browser: Browser,
                                                          gallery: dict) -> None:
    browser.goto(_url(gallery, gallery["pages"][gallery["hostile"]]))
    browser.eval(LOAD_IMAGES)
    assert browser.eval("document.querySelector('.details .caption').textContent") == HOSTILE
    assert browser.eval("document.querySelector('h1').textContent") == HOSTILE_TITLE
    assert browser.eval("document.title").startswith(HOSTILE_TITLE)
    assert browser.eval("document.images[0].alt") == 'A "quoted" <alt>'
    assert browser.eval("document.images.length") == 1
    assert browser.eval("[...document.scripts].map(s => s.src.split('/').pop())") == [
        "gallery.js"]
    browser.goto(_url(gallery, "index.html"))
    assert browser.eval("document.images.length") == 12
    assert HOSTILE in browser.eval("document.body.textContent")
    assert browser.dialogs == [] and browser.errors() == []


def test_arrow_keys_move_between_photos(browser: Browser, gallery: dict) -> None:
    pages = gallery["pages"]
    browser.goto(_url(gallery, pages[0]))
    browser.press("ArrowRight", 39)
    assert browser.eval("location.href") == _url(gallery, pages[1])
    browser.press("ArrowRight", 39)
    assert browser.eval("location.href") == _url(gallery, pages[2])
    browser.press("ArrowLeft", 37)
    assert browser.eval("location.href") == _url(gallery, pages[1])
    browser.press("Escape", 27)
    assert browser.eval("location.href").startswith(_url(gallery, "index.html") + "#photo-")
    browser.goto(_url(gallery, pages[-1]))
    assert browser.eval("document.querySelector('a[rel=next]')") is None
    assert browser.dialogs == [] and browser.errors() == []


def _accessibility_tree(browser: Browser) -> list[dict[str, Any]]:
    """What a screen reader is given: the page's accessibility tree, ignored nodes left out."""
    browser.call("Accessibility.enable")
    nodes = browser.call("Accessibility.getFullAXTree")["nodes"]
    return [{"role": n.get("role", {}).get("value"), "name": n.get("name", {}).get("value", "")}
            for n in nodes if not n.get("ignored")]


def test_screen_readers_hear_each_heading_and_caption_once(browser: Browser,
                                                          gallery: dict) -> None:
    """Chromium's accessibility tree: one named link per card, no thumbnail read out, no
    file name; on a photo page the caption is not read again as the image's alt text."""
    records = gallery["records"]
    browser.goto(_url(gallery, "index.html"))
    browser.eval(LOAD_IMAGES)
    tree = _accessibility_tree(browser)
    links = [n["name"] for n in tree if n["role"] == "link"]
    assert all(name.strip() for name in links), links
    card_links = [n for n in links if n != "Library of Congress"]
    assert card_links == [r.text["title"] or f"Photograph {i}"
                          for i, r in enumerate(records, 1)]
    assert [n for n in tree if n["role"] in ("image", "img")] == []  # hidden duplicates
    assert not any("loc_fsa" in n["name"] for n in tree)
    for index in (0, UNTITLED):
        record = records[index]
        browser.goto(_url(gallery, gallery["pages"][index]))
        browser.eval(LOAD_IMAGES)
        tree = _accessibility_tree(browser)
        assert [n for n in tree if n["role"] in ("image", "img")] == []  # null alt
        caption = _clean(record.text["caption"])
        spoken = " ".join(_clean(n["name"]) for n in tree if n["role"] in (
            "StaticText", "image", "img", "figure"))
        assert spoken.count(caption) == 1, spoken
        headings = [n["name"] for n in tree if n["role"] == "heading"]
        assert headings == [record.text["title"] or f"Photograph {index + 1}"]
    browser.goto(_url(gallery, gallery["pages"][gallery["hostile"]]))
    images = [n for n in _accessibility_tree(browser) if n["role"] in ("image", "img")]
    assert [n["name"] for n in images] == ['A "quoted" <alt>']
    assert browser.dialogs == [] and browser.errors() == []
