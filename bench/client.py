"""A small HTTP/1.1 client on one keep-alive connection, as browsers and calendar apps use.

gunicorn closes an idle keep-alive connection after a couple of seconds; like urllib3, the
client then sends the request again on a new connection (once), instead of failing."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

DROPPED = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class Client:
    def __init__(self, base_url: str, timeout: float = 60):
        address = urlsplit(base_url)
        self.host, self.port, self.timeout = address.hostname, address.port, timeout
        self.connection: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, body: bytes | str | None = None, headers: dict | None = None
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        reused = self.connection is not None
        try:
            return self._send(method, path, body, headers or {})
        except DROPPED:
            self.close()
            if not reused:
                raise
            return self._send(method, path, body, headers or {})

    def _send(self, method, path, body, headers):
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        payload = response.read()
        if response.will_close:
            self.close()
        return response.status, response.headers, payload

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None
