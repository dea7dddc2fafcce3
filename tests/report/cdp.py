# SPDX-License-Identifier: MIT
"""cdp.py - open a page in headless Chromium and tell what it did (Python stdlib only).

Chromium is driven over the DevTools protocol on a pipe (--remote-debugging-pipe: it reads
commands on its fd 3 and writes replies and events on fd 4, each a JSON text ended by NUL),
so no port, no websocket module.  For one page, load() returns:
  console    console messages (Runtime.consoleAPICalled) as "type: text"
  exceptions uncaught exceptions (Runtime.exceptionThrown)
  log        browser log entries of level warning or error (Log.entryAdded: failed loads,
             blocked content, ...)
  requests   every URL the page asked for (Network.requestWillBeSent), the page's own first
  dom        the value of the JavaScript expression given (evaluated after the load event)
Used by test-report-browser.py; working command lines: /work/shared/spec/test-infra.md.
"""
import json
import os
import select
import shutil
import subprocess
import tempfile
import time


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Browser:
    """One headless Chromium, talked to over the pipe; close() ends it (its own pid only)."""

    def __init__(self, binary, timeout=60.0):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="ds-chromium-")
        to_r, self.to_w = os.pipe()      # we write commands, Chromium reads them on its fd 3
        self.from_r, from_w = os.pipe()  # Chromium writes on its fd 4, we read
        args = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--remote-debugging-pipe",
                "--user-data-dir=" + self.profile, "about:blank"]
        # the shell puts the two pipe ends on fds 3 and 4 and becomes Chromium (exec)
        cmd = 'exec "$@" 3<&%d 4>&%d' % (to_r, from_w)
        self.proc = subprocess.Popen(["/bin/sh", "-c", cmd, "sh"] + args,
                                     pass_fds=(to_r, from_w), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_r)
        os.close(from_w)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def _read_message(self, deadline):
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from Chromium")
            ready, _, _ = select.select([self.from_r], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.from_r, 65536)
            if not chunk:
                raise EOFError("Chromium closed the pipe (exit status %s)" % self.proc.poll())
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method, params=None, session=None):
        """Send a command and return its result; events seen meanwhile are kept."""
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError("%s: %s" % (method, reply["error"]))
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method, session, seconds):
        deadline = time.monotonic() + seconds
        while True:
            for i, ev in enumerate(self.events):
                if ev.get("method") == method and ev.get("sessionId") == session:
                    return self.events.pop(i)
            self.events.append(self._read_message(deadline))

    def drain(self, seconds):
        """Collect events for a while (late console messages)."""
        deadline = time.monotonic() + seconds
        try:
            while True:
                self.events.append(self._read_message(deadline))
        except TimeoutError:
            pass

    def load(self, url, expression):
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget",
                            {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Page", "Network"):
            self.send(domain + ".enable", session=session)
        self.send("Page.navigate", {"url": url}, session=session)
        self.wait_event("Page.loadEventFired", session, self.timeout)
        self.drain(0.5)
        value = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                          session=session)
        if "exceptionDetails" in value:
            raise RuntimeError("evaluation failed: %s" % value["exceptionDetails"])
        out = {"console": [], "exceptions": [], "log": [], "requests": [],
               "dom": value["result"].get("value")}
        for ev in self.events:
            if ev.get("sessionId") != session:
                continue
            p = ev.get("params", {})
            m = ev.get("method")
            if m == "Runtime.consoleAPICalled":
                text = " ".join(str(a.get("value", a.get("description", ""))) for a in p["args"])
                out["console"].append("%s: %s" % (p.get("type"), text))
            elif m == "Runtime.exceptionThrown":
                det = p["exceptionDetails"]
                out["exceptions"].append("%s %s" % (det.get("text", ""), det.get(
                    "exception", {}).get("description", "")))
            elif m == "Log.entryAdded" and p["entry"]["level"] in ("warning", "error"):
                out["log"].append("%s: %s" % (p["entry"]["level"], p["entry"]["text"]))
            elif m == "Network.requestWillBeSent":
                out["requests"].append(p["request"]["url"])
        self.events = [ev for ev in self.events if ev.get("sessionId") != session]
        self.send("Target.closeTarget", {"targetId": target})
        return out

    def close(self):
        try:
            self.send("Browser.close")
        except (OSError, EOFError, TimeoutError, RuntimeError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_w)
        os.close(self.from_r)
        shutil.rmtree(self.profile, ignore_errors=True)
