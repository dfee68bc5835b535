"""A stand-in for Slack's Web API: answers chat.postMessage like Slack does (checking the bot token) and keeps
what was posted, so the tests can see what a Slack user would see."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import List


class FakeSlack:
    def __init__(self, port: int, token: str):
        self.token = token
        self.url = f"http://127.0.0.1:{port}/api/"
        self._posts: List[dict] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def _handler(self):
        slack = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path != "/api/chat.postMessage":
                    return self.answer(404, {"ok": False, "error": "unknown_method"})
                if self.headers.get("Authorization") != f"Bearer {slack.token}":
                    return self.answer(200, {"ok": False, "error": "invalid_auth"})
                message = json.loads(body)
                with slack._lock:
                    slack._posts.append(message)
                self.answer(
                    200, {"ok": True, "channel": message["channel"], "ts": f"{time.time():.6f}", "message": message}
                )

            def answer(self, status: int, content: dict):
                data = json.dumps(content).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        return Handler

    def posts(self, channel: str) -> List[dict]:
        with self._lock:
            return [post for post in self._posts if post["channel"] == channel]

    def wait_for_posts(self, channel: str, count: int, seconds: float = 30) -> List[dict]:
        """The first `count` messages posted to `channel`, as soon as they are there."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            posts = self.posts(channel)
            if len(posts) >= count:
                return posts[:count]
            time.sleep(0.1)
        raise AssertionError(f"{count} bericht(en) in {channel} verwacht binnen {seconds} s: {self.posts(channel)}")

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
