"""Headless Chromium driven over the DevTools protocol on a pipe: no driver, no extra package.

``--remote-debugging-pipe`` makes Chromium read commands on file descriptor 3 and answer on 4
(JSON messages ended by a NUL byte). That is enough to look at the report as a reader does: set
the window width, switch JavaScript off, emulate print media, measure element boxes, take
screenshots and print to PDF.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: A4 at 96 px per inch, less Chromium's default 0.4 inch print margins on each side
A4_PRINT_WIDTH = round(210 / 25.4 * 96 - 2 * 0.4 * 96)


class Browser:
    """One headless Chromium with one page (a tab) attached."""

    def __init__(self, profile: Path) -> None:
        to_browser, self._write = os.pipe()
        self._read, from_browser = os.pipe()

        def descriptors() -> None:  # in the child, before exec: the protocol's fixed fds
            os.dup2(to_browser, 3)
            os.dup2(from_browser, 4)

        argv = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-quic", f"--user-data-dir={profile}", "about:blank"]
        self.process = subprocess.Popen(argv, preexec_fn=descriptors, pass_fds=(3, 4, to_browser, from_browser),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser)
        os.close(from_browser)
        self._next = 0
        self._buffer = b""
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.page("Page.enable")

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._receive()
            if answer.get("id") == self._next:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer["result"]

    def _receive(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._read, 1 << 20)
            if not chunk:
                raise EOFError("chromium closed the protocol pipe")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)

    def page(self, method: str, **params: Any) -> dict[str, Any]:
        return self.call(method, self.session, **params)

    def open(self, url: str, width: int, *, javascript: bool = True, media: str = "screen") -> None:
        """Load ``url`` at ``width`` px, scripts on or off, as on screen or as printed."""
        self.page("Emulation.setDeviceMetricsOverride", width=width, height=1000, deviceScaleFactor=1,
                  mobile=False)
        self.page("Emulation.setScriptExecutionDisabled", value=not javascript)
        self.page("Emulation.setEmulatedMedia", media=media)
        self.page("Page.navigate", url=url)
        deadline = time.monotonic() + 30
        while self.evaluate("document.readyState") != "complete" and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # pytest-html draws its table on load

    def evaluate(self, expression: str) -> Any:
        """An expression's value, run by DevTools (works with the page's scripts disabled)."""
        found = self.page("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in found:
            raise RuntimeError(f"{expression}: {found['exceptionDetails']}")
        return found["result"].get("value")

    def screenshot(self, path: Path) -> Path:
        """The whole page, as wide as the window."""
        height = self.evaluate("document.documentElement.scrollHeight")
        width = self.evaluate("document.documentElement.scrollWidth")
        shot = self.page("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                         clip={"x": 0, "y": 0, "width": width, "height": height, "scale": 1})
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def pdf(self, path: Path) -> Path:
        """The page printed on A4, as a browser's "Save as PDF" does."""
        printed = self.page("Page.printToPDF", paperWidth=210 / 25.4, paperHeight=297 / 25.4,
                            printBackground=True)
        path.write_bytes(base64.b64decode(printed["data"]))
        return path

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
