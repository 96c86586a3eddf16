#!/usr/bin/env python3
"""
A pseudo-terminal bridge for end-to-end tests and the UI benchmark.

    python3 test/e2e/pty.py --cols 120 --rows 35 -- node dist/cli.js [args]

Starts the command in a real pseudo-terminal (it sees a TTY: raw mode, size,
alternate screen all work) and keeps a small screen model (enough VT100 for
Ink: cursor moves, erase line/screen, CR/LF, wrap, scroll) so callers can ask
what the screen shows. Commands come as JSON lines on stdin, one JSON line
answers each:

    {"op": "wait", "pattern": "running", "timeout": 10}   → {"ok", "ms", "screen"}
                                  ("fromStart": true → ms from the command's start)
    {"op": "send", "data": " "}                             → {"ok": true}
    {"op": "sendwait", "data": " ", "pattern": "paused", "timeout": 5}
                                  → {"ok", "ms"}: from the key to the screen showing it
    {"op": "screen"}                                        → {"screen", "exited"}
    {"op": "resize", "cols": 80, "rows": 24}                → {"ok": true}
    {"op": "exit", "timeout": 10}  → {"code", "leftAltScreen", "cursorShown", "echo", "icanon"}

Only the standard library: .ci can rely on python3 being there.
"""
import argparse
import fcntl
import json
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time

CSI = re.compile(rb"\x1b\[([?>=]?)([0-9;]*)([ -/]*)([@-~])")


class Screen:
    """Just enough of a terminal to know what is on the screen."""

    def __init__(self, cols, rows):
        self.resize(cols, rows)

    def resize(self, cols, rows):
        self.cols, self.rows = cols, rows
        self.lines = [[" "] * cols for _ in range(rows)]
        self.r = self.c = 0

    def text(self):
        return "\n".join("".join(line).rstrip() for line in self.lines)

    def _scroll(self):
        while self.r >= self.rows:
            self.lines.pop(0)
            self.lines.append([" "] * self.cols)
            self.r -= 1

    def _put(self, ch):
        if self.c >= self.cols:  # deferred wrap, as xterm does
            self.c = 0
            self.r += 1
            self._scroll()
        self.lines[self.r][self.c] = ch
        self.c += 1

    def _csi(self, private, params, final):
        nums = [int(p) if p else 0 for p in params.split(";")] if params else []
        n = nums[0] if nums else 0
        if private:
            return  # modes (alternate screen, cursor, synchronized output): no effect on text
        if final == "A":
            self.r = max(0, self.r - max(1, n))
        elif final == "B":
            self.r = min(self.rows - 1, self.r + max(1, n))
        elif final == "C":
            self.c = min(self.cols - 1, self.c + max(1, n))
        elif final == "D":
            self.c = max(0, self.c - max(1, n))
        elif final == "G":
            self.c = max(0, min(self.cols - 1, max(1, n) - 1))
        elif final in "Hf":
            row = nums[0] if len(nums) > 0 and nums[0] else 1
            col = nums[1] if len(nums) > 1 and nums[1] else 1
            self.r, self.c = min(self.rows, row) - 1, min(self.cols, col) - 1
        elif final == "K":
            line = self.lines[self.r]
            c = min(self.c, self.cols)
            if n == 0:
                line[c:] = [" "] * (self.cols - c)
            elif n == 1:
                line[: c + 1] = [" "] * (c + 1)
            else:
                self.lines[self.r] = [" "] * self.cols
        elif final == "J":
            if n in (2, 3):
                self.lines = [[" "] * self.cols for _ in range(self.rows)]
            elif n == 0:
                self._csi("", "0", "K")
                for i in range(self.r + 1, self.rows):
                    self.lines[i] = [" "] * self.cols

    def feed(self, data):
        # A read may end inside a UTF-8 character: keep its start for the next one
        # (decoding the halves apart would draw three replacement characters and wrap the line).
        data = getattr(self, "pending", b"") + data
        self.pending = b""
        i = 0
        while i < len(data):
            b = data[i]
            if b == 0x1B:
                m = CSI.match(data, i)
                if m:
                    self._csi(m.group(1).decode(), m.group(2).decode(), m.group(4).decode())
                    i = m.end()
                    continue
                if data[i + 1 : i + 2] == b"]":  # OSC … BEL / ST
                    end = data.find(b"\x07", i)
                    i = len(data) if end < 0 else end + 1
                    continue
                i += 2
                continue
            if b == 0x0D:
                self.c = 0
            elif b == 0x0A:
                self.r += 1
                self._scroll()
            elif b == 0x08:
                self.c = max(0, self.c - 1)
            elif b >= 0x20:
                # One UTF-8 character (the dashboard draws only single-width ones).
                size = 1 if b < 0x80 else 2 if b < 0xE0 else 3 if b < 0xF0 else 4
                if i + size > len(data):
                    self.pending = data[i:]
                    return
                self._put(data[i : i + size].decode("utf-8", "replace"))
                i += size
                continue
            i += 1


class Session:
    def __init__(self, cmd, cols, rows):
        self.master, self.slave = os.openpty()
        self._winsize(cols, rows)
        self.screen = Screen(cols, rows)
        self.raw = bytearray()
        env = {k: v for k, v in os.environ.items() if not (k == "CI" or k.startswith("CI_") or k == "CONTINUOUS_INTEGRATION")}
        env["TERM"] = "xterm-256color"

        def child_setup():
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            cmd, stdin=self.slave, stdout=self.slave, stderr=self.slave, env=env, preexec_fn=child_setup, close_fds=True
        )

    def _winsize(self, cols, rows):
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def pump(self, timeout):
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return
        try:
            data = os.read(self.master, 65536)
        except OSError:
            time.sleep(timeout)
            return
        self.raw += data
        self.screen.feed(data)

    def wait(self, pattern, timeout, since):
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            if rx.search(self.screen.text()):
                return {"ok": True, "ms": (time.monotonic() - since) * 1000}
            left = deadline - time.monotonic()
            if left <= 0 or (self.proc.poll() is not None and not select.select([self.master], [], [], 0)[0]):
                return {"ok": False, "ms": (time.monotonic() - since) * 1000, "screen": self.screen.text()}
            self.pump(min(left, 0.005))

    def exit(self, timeout):
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            self.pump(0.02)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for _ in range(20):  # what is left in the pty
            self.pump(0.01)
        attrs = termios.tcgetattr(self.slave)
        raw = bytes(self.raw)
        return {
            "code": self.proc.returncode,
            "leftAltScreen": raw.rfind(b"\x1b[?1049l") > raw.rfind(b"\x1b[?1049h") >= 0,
            "cursorShown": raw.rfind(b"\x1b[?25h") > raw.rfind(b"\x1b[?25l") >= 0,
            "echo": bool(attrs[3] & termios.ECHO),
            "icanon": bool(attrs[3] & termios.ICANON),
            "tail": raw[-400:].decode("utf-8", "replace"),
        }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cols", type=int, default=120)
    parser.add_argument("--rows", type=int, default=35)
    parser.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    cmd = args.cmd[1:] if args.cmd and args.cmd[0] == "--" else args.cmd
    session = Session(cmd, args.cols, args.rows)
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        op = req["op"]
        if op == "send":
            os.write(session.master, req["data"].encode())
            out = {"ok": True}
        elif op == "wait":
            # "fromStart": ms counted from the command's start (the startup benchmark), not from this request.
            since = session.started if req.get("fromStart") else time.monotonic()
            out = session.wait(req["pattern"], req.get("timeout", 10), since)
        elif op == "sendwait":
            since = time.monotonic()
            os.write(session.master, req["data"].encode())
            out = session.wait(req["pattern"], req.get("timeout", 10), since)
        elif op == "screen":
            session.pump(0.01)
            out = {"screen": session.screen.text(), "exited": session.proc.poll() is not None}
        elif op == "resize":
            session._winsize(req["cols"], req["rows"])
            session.screen.resize(req["cols"], req["rows"])
            os.killpg(session.proc.pid, signal.SIGWINCH)
            out = {"ok": True}
        elif op == "exit":
            out = session.exit(req.get("timeout", 10))
        else:
            out = {"error": "unknown op " + op}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()
        if op == "exit":
            break
    if session.proc.poll() is None:
        session.proc.kill()


if __name__ == "__main__":
    main()
