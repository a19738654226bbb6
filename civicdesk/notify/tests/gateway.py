"""A real HTTP SMS gateway on 127.0.0.1 for the tests: records what it receives, answers as told."""

import http.server
import json
import threading


class Gateway:
    def __init__(self, status=200):
        self.status = status
        self.received = []  # (authorization header, {"to", "text"})
        self.lock = threading.Lock()
        gateway = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with gateway.lock:
                    gateway.received.append((self.headers.get("Authorization"), body))
                self.send_response(gateway.status)
                self.end_headers()
                self.wfile.write(b'{"to": "' + body["to"].encode() + b'"}')

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
