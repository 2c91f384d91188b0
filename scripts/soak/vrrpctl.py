"""The soaks' client of vrrpd's control socket: one JSON object per line each way (see ControlServer).

vrrpadm starts a JVM per call (0.5-1 s); the soaks make thousands of calls, so they speak the protocol
directly: {"verb": V, "args": {...}} out, {"ok": true, "result": ...} or {"ok": false, "error": "..."} back.
"""
import json
import os
import socket
import time


class Unreachable(Exception):
    """No answer: the daemon is not listening, closed the connection, or did not answer in time."""


class Control:
    def __init__(self, path, timeout=10.0):
        self.path = path
        self.timeout = timeout
        self.sock = None
        self.buf = b""

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        try:
            s.connect(self.path)
        except OSError as e:
            s.close()
            raise Unreachable(f"cannot connect to {self.path}: {e}") from e
        self.sock, self.buf = s, b""

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def send(self, verb, args):
        """Sends one request (connecting first if needed); the answer is read by receive()."""
        if self.sock is None:
            self.connect()
        line = (json.dumps({"verb": verb, "args": args}) + "\n").encode()
        try:
            self.sock.sendall(line)
        except OSError as e:
            self.close()
            raise Unreachable(f"send {verb}: {e}") from e

    def receive(self):
        """(ok, result or error line) of the request sent last."""
        try:
            while b"\n" not in self.buf:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise Unreachable("vrrpd closed the connection without answering")
                self.buf += chunk
        except OSError as e:
            self.close()
            raise Unreachable(f"receive: {e}") from e
        except Unreachable:
            self.close()
            raise
        line, self.buf = self.buf.split(b"\n", 1)
        answer = json.loads(line)
        return (True, answer.get("result")) if answer["ok"] else (False, answer.get("error"))

    def call(self, verb, **args):
        self.send(verb, args)
        return self.receive()


def wait_answers(path, seconds):
    """A Control once the daemon at `path` answers show-router; Unreachable after `seconds`."""
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        if os.path.exists(path):
            c = Control(path)
            try:
                ok, _ = c.call("show-router")
                if ok:
                    return c
            except Unreachable as e:
                last = e
            c.close()
        time.sleep(0.05)
    raise Unreachable(f"vrrpd at {path} did not answer within {seconds} s ({last})")


def counts(pid):
    """(open fds, threads) of process `pid`, from /proc."""
    return len(os.listdir(f"/proc/{pid}/fd")), len(os.listdir(f"/proc/{pid}/task"))
