"""HTTP to one SPARQL server: credentials on challenge, one deadline per request, a cap on an answer's size.

Each request, with its retries and its answers to authentication challenges, has `timeout` seconds
in all: when they run out, every connection it opened is shut, so neither a server that never
answers nor a body that never ends (a byte a second) holds dskg longer (a socket timeout alone
bounds each read, not the request). An answer is read in chunks and refused past `max_bytes`,
before anything parses it. Credentials come from DSKG_ENDPOINT_USER / DSKG_ENDPOINT_PASSWORD or
~/.netrc, are sent only when the server asks (HTTP Basic or Digest, whichever it challenges with),
and never appear in a message, even where a server's answer repeats them.
"""

from __future__ import annotations

import base64
import http.client
import netrc
import os
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message

from . import virtuoso
from .errors import EndpointError

READ_RETRIES = 3
_TRANSIENT = (502, 503, 504)
"""Statuses a read is retried on: a proxy or an overloaded server, not the query itself."""
_DROPPED = (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)
"""A connection dropped midway: a read is worth another try; a refusal or a timeout is not."""
CREDENTIALS = "DSKG_ENDPOINT_USER and DSKG_ENDPOINT_PASSWORD (or ~/.netrc)"
_FAULTS = (ValueError, OSError, http.client.HTTPException)
"""What urllib and http.client raise for a request that fails (HTTPError among them)."""


class _Deadline:
    """One request's time budget: at its end every connection the request opened is shut, which
    ends any wait on it, however the server dribbles."""

    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds
        self.expired = False
        self.answering = False  # the answer's headers came: it is the body that did not end
        self._sockets: list = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()

    def left(self) -> float:
        """The seconds left; TimeoutError when there are none."""
        left = self.end - time.monotonic()
        if left <= 0 or self.expired:
            raise TimeoutError
        return left

    def track(self, sock) -> None:
        with self._lock:
            self._sockets.append(sock)
            expired = self.expired
        if expired:
            _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


def _shut(sock) -> None:
    """Shut the connection's socket itself (for TLS, under its TLS layer): a read blocked on it returns at once."""
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass  # closed already


class _Tracked:
    """A connection that hands its socket to its request's deadline."""

    deadline: _Deadline

    def connect(self) -> None:
        super().connect()
        self.deadline.track(self.sock)


class _PlainConnection(_Tracked, http.client.HTTPConnection):
    pass


class _TLSConnection(_Tracked, http.client.HTTPSConnection):
    pass


def _maker(cls, deadline: _Deadline):
    def make(*args, **kwargs):
        connection = cls(*args, **kwargs)
        connection.deadline = deadline
        return connection

    return make


class _PlainHandler(urllib.request.HTTPHandler):
    def __init__(self, client: Http):
        super().__init__()
        self.client = client

    def http_open(self, req):
        return self.do_open(_maker(_PlainConnection, self.client.deadline), req)


class _TLSHandler(urllib.request.HTTPSHandler):
    def __init__(self, client: Http):
        super().__init__()
        self.client = client
        self.tls: ssl.SSLContext | None = None

    def https_open(self, req):
        self.tls = self.tls or ssl.create_default_context()  # when first needed: it reads the system's certificates
        return self.do_open(_maker(_TLSConnection, self.client.deadline), req, context=self.tls)


def _credentials(url: str) -> tuple[str, str] | None:
    user, password = os.environ.get("DSKG_ENDPOINT_USER"), os.environ.get("DSKG_ENDPOINT_PASSWORD")
    if user:
        return user, password or ""
    try:
        found = netrc.netrc().authenticators(urllib.parse.urlsplit(url).hostname or "")
    except (FileNotFoundError, netrc.NetrcParseError, OSError):
        return None
    return (found[0], found[2] or "") if found else None


class _Digest(urllib.request.HTTPDigestAuthHandler):
    """urllib's Digest handler, remembering the last challenge so a large body can go once, signed."""

    challenge: str | None = None

    def retry_http_digest_auth(self, req, auth):
        self.challenge = auth
        return super().retry_http_digest_auth(req, auth)

    def sign(self, request: urllib.request.Request) -> None:
        params = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(self.challenge.split(" ", 1)[1])))
        authorization = self.get_authorization(request, params)
        if authorization:
            request.add_unredirected_header("Authorization", f"Digest {authorization}")


class _Basic(urllib.request.HTTPBasicAuthHandler):
    """urllib's Basic handler, remembering that the server asked for Basic."""

    asked = False

    def retry_http_basic_auth(self, host, req, realm):
        self.asked = True
        return super().retry_http_basic_auth(host, req, realm)


def where(url: str) -> str:
    """A URL as messages show it: without its query string."""
    return urllib.parse.urlsplit(url)._replace(query="").geturl()


def size(count: int) -> str:
    return f"{count / 1e6:g} MB" if count >= 1_000_000 else f"{count:,} bytes"


@dataclass(frozen=True)
class Answer:
    """What a server answered a write with, as a message shows it."""

    status: int
    content_type: str
    text: str
    """The body's first 200 characters, whitespace collapsed, credentials removed."""

    def __str__(self) -> str:
        return f"HTTP {self.status} ({self.content_type or 'no content type'}{': ' + repr(self.text) if self.text else ', empty'})"


class Http:
    """HTTP to one server, answering its Basic or Digest challenge with the configured credentials.

    urllib answers a challenge by sending the request again; a server that refuses an
    unauthenticated request may close the connection before reading a large body (Virtuoso
    does), so before writing to a URL we HEAD it, answer the challenge that brings, and send
    the body with credentials from the start.
    """

    def __init__(self, url: str, timeout: float, max_bytes: int):
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.credentials = _credentials(url)
        self.server = ""  # the last answer's Server header
        self.deadline = _Deadline(timeout)  # the current request's; each request makes its own
        self._probed: set[str] = set()
        self._digest: _Digest | None = None
        self._basic: _Basic | None = None
        handlers: list[urllib.request.BaseHandler] = [_PlainHandler(self), _TLSHandler(self)]
        if self.credentials:
            parts = urllib.parse.urlsplit(url)
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, f"{parts.scheme}://{parts.netloc}/", *self.credentials)
            self._digest, self._basic = _Digest(passwords), _Basic(passwords)
            handlers += [self._digest, self._basic]
        self._opener = urllib.request.build_opener(*handlers)

    @property
    def user(self) -> str | None:
        return self.credentials[0] if self.credentials else None

    def _budget(self) -> _Deadline:
        self.deadline = _Deadline(self.timeout)
        return self.deadline

    def identify(self, url: str) -> str:
        """The server's `Server` header, from a HEAD of `url` (reachability is checked on the way)."""
        with self._budget():
            self._head(url)
        return self.server

    def _head(self, url: str) -> urllib.error.HTTPError | None:
        """HEAD `url`: None, or the error status it answered; either names the server (`self.server`)."""
        try:
            with self._opener.open(urllib.request.Request(url, method="HEAD"), timeout=self.deadline.left()) as response:
                self.server = response.headers.get("Server", "")
        except urllib.error.HTTPError as exc:
            self.server = exc.headers.get("Server", "") if exc.headers else ""
            return exc
        except _FAULTS as exc:
            raise self._failure(url, exc) from None
        return None

    def _send(self, request: urllib.request.Request) -> tuple[bytes, Message, int]:
        """One request within the current deadline: the answer's body (at most max_bytes), headers, status."""
        with self._opener.open(request, timeout=self.deadline.left()) as response:
            self.server = response.headers.get("Server", "")
            self.deadline.answering = True
            return self._body(response, where(request.full_url)), response.headers, response.status

    def _body(self, response: http.client.HTTPResponse, url: str) -> bytes:
        """The body, read a chunk at a time (read1 returns what one read of the socket brings, so the
        deadline is checked between them), refused past max_bytes."""
        declared = (response.headers.get("Content-Length") or "").strip()
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise self._too_large(url, f" (it announces {size(int(declared))})")
        body = bytearray()
        while chunk := response.read1(1 << 16):
            body += chunk
            if len(body) > self.max_bytes:
                raise self._too_large(url, "")
            self.deadline.left()
        if self.deadline.expired:  # the shut connection reads as an end
            raise TimeoutError
        if declared.isdigit() and len(body) < int(declared):
            raise EndpointError(f"{url}: the server closed the connection after {size(len(body))} of the {size(int(declared))} announced")
        return bytes(body)

    def _too_large(self, url: str, announced: str) -> EndpointError:
        return EndpointError(
            f"{url}: the answer is larger than {size(self.max_bytes)}{announced}, the --max-bytes cap; dskg stopped reading it. "
            f"Fix: ask for less (LIMIT, fewer variables), or raise the cap, e.g. --max-bytes {self.max_bytes * 4}"
        )

    def write(self, url: str, *, method: str, data: bytes, headers: dict[str, str]) -> Answer:
        """One write request (never retried: a write must not be repeated blindly); what the server answered."""
        with self._budget():
            try:
                if self.credentials and where(url) not in self._probed:
                    self._answer_challenge(url)
                request = urllib.request.Request(url, data=data, headers=headers, method=method)
                if self._digest and self._digest.challenge:
                    self._digest.sign(request)
                elif self._basic and self._basic.asked:
                    token = base64.b64encode(":".join(self.credentials).encode()).decode()
                    request.add_unredirected_header("Authorization", "Basic " + token)
                body, answer_headers, status = self._send(request)
            except EndpointError:
                raise
            except _FAULTS as exc:
                if isinstance(_reason(exc), _DROPPED) and not self.deadline.expired:
                    raise EndpointError(
                        f"{where(url)}: the server closed the connection while receiving {len(data) / 1e6:.1f} MB "
                        f"(it may limit request sizes, or want credentials: {CREDENTIALS})"
                    ) from None
                raise self._failure(url, exc) from None
        content_type = (answer_headers.get("Content-Type") or "").split(";")[0].strip()
        return Answer(status, content_type, self._redact(" ".join(body[:800].decode("utf-8", "replace").split()))[:200])

    def read(self, url: str, data: bytes, accept: str) -> tuple[bytes, Message]:
        """A query (POST, form-encoded), retried READ_RETRIES times on transient faults, all within one deadline.

        By hand, not SPARQLWrapper 2.0 (tried): its exceptions drop the answer's headers (the 401's
        scheme, Virtuoso's Server), it answers Digest only through a process-wide urllib opener that
        keeps the credentials, sends no empty password, and its own query-form guess takes a commented
        SELECT for an update; what would remain of it is the form encoding above.
        """
        headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
        with self._budget() as deadline:
            for attempt in range(1, READ_RETRIES + 1):
                try:
                    body, answer_headers, _ = self._send(urllib.request.Request(url, data=data, headers=headers, method="POST"))
                    return body, answer_headers
                except EndpointError:
                    raise
                except _FAULTS as exc:
                    pause = 0.3 * attempt
                    if attempt == READ_RETRIES or deadline.expired or not _transient(exc) or deadline.end - time.monotonic() < pause:
                        raise self._failure(url, exc, reading=True) from None
                deadline.answering = False
                time.sleep(pause)
        raise AssertionError("unreachable")

    def _answer_challenge(self, url: str) -> None:
        """HEAD the write URL: its challenge is answered now, and wrong credentials fail before any upload."""
        self._probed.add(where(url))
        refused = self._head(url)
        # any other status: the server may not do HEAD here (Virtuoso's GSP answers 501); the write will tell
        if refused is not None and refused.code == 401:
            raise self._failure(url, refused)

    def _failure(self, url: str, exc: BaseException, *, reading: bool = False) -> EndpointError:
        """The one-line EndpointError for a failed request."""
        at = where(url)
        reason = _reason(exc)
        if self.deadline.expired or isinstance(reason, TimeoutError):
            waited = "the answer did not end" if self.deadline.answering else "no answer"
            return EndpointError(f"{at}: {waited} within {self.timeout:g} s (--timeout, the whole request's; raise it for a slow server)")
        if isinstance(exc, urllib.error.HTTPError):
            return self._refusal(at, exc, reading)
        if isinstance(exc, ValueError):  # urllib's auth handlers meet a scheme they do not speak
            return EndpointError(f"{at}: the server asks for an authentication dskg does not speak ({exc}); dskg answers Basic and Digest")
        if isinstance(exc, urllib.error.URLError):
            why = getattr(reason, "strerror", None) or reason
            return EndpointError(f"{at}: cannot reach the endpoint ({why}). Fix: check the URL's host and port, and that the server runs")
        if isinstance(exc, http.client.HTTPException) or isinstance(reason, _DROPPED):
            return EndpointError(f"{at}: the server broke off its answer ({type(exc).__name__})")
        return EndpointError(f"{at}: the connection failed ({exc})")

    def _refusal(self, at: str, exc: urllib.error.HTTPError, reading: bool) -> EndpointError:
        """The EndpointError for an HTTP error status: its cause, and the fix where it is known."""
        try:
            text = self._redact(" ".join(exc.read(2000).decode("utf-8", "replace").split()))
        except (OSError, http.client.HTTPException):
            text = ""
        server = exc.headers.get("Server", "") if exc.headers else ""
        # server seam: a server's own error codes, turned into the fix
        fix = virtuoso.explain(text, user=self.user) if virtuoso.recognises(server) else None
        if exc.code == 401:
            wanted = "check" if self.credentials else "the server wants an account; set"
            return EndpointError(f"{at}: credentials refused (HTTP 401){';' if self.credentials else ':'} {wanted} {CREDENTIALS}", 401)
        if fix:
            return EndpointError(f"{at}: HTTP {exc.code}; {fix}", exc.code)
        known = self._read_refusal(at, exc.code, text) if reading else self._write_refusal(at, exc, text)
        return known or EndpointError(f"{at}: the server answered HTTP {exc.code} {exc.reason}: {text[:200]}".rstrip(": "), exc.code)

    @staticmethod
    def _read_refusal(at: str, code: int, text: str) -> EndpointError | None:
        if code == 403:
            return EndpointError(f"{at}: refused (HTTP 403); the account may not read there", 403)
        if code == 404:
            return EndpointError(f"{at}: no SPARQL endpoint at this URL (HTTP 404); is this the query URL?", 404)
        if code == 400:
            return EndpointError(f"{at}: the server rejected the query (HTTP 400): {text[:200]}", 400)
        return None

    def _write_refusal(self, at: str, exc: urllib.error.HTTPError, text: str) -> EndpointError | None:
        """A write refused without a challenge is a read-only server (`dskg serve`'s Oxigraph answers 403
        "The server is read-only"), not a matter of credentials; after one, the account's rights."""
        if exc.code in (403, 405) and not self._challenged:
            return EndpointError(
                f"{at}: the server takes no writes here (HTTP {exc.code} {exc.reason}, without asking for credentials"
                f"{': ' + repr(text[:200]) if text else ''}); it is read-only, or this is not its Graph Store or update URL. "
                "Fix: push to a writable server, e.g. `oxigraph serve --location DIR` (`dskg serve` is read-only)",
                exc.code,
            )
        if exc.code == 403:
            return EndpointError(f"{at}: refused (HTTP 403); the account may not write there", 403)
        return None

    @property
    def _challenged(self) -> bool:
        """Whether the server asked for credentials (and got them) on this connection's writes."""
        return bool((self._digest and self._digest.challenge) or (self._basic and self._basic.asked))

    def _redact(self, text: str) -> str:
        """A server's words without the credentials, should it repeat them."""
        if not self.credentials or len(self.credentials[1]) < 3:
            return text
        user, password = self.credentials
        for secret in (password, base64.b64encode(f"{user}:{password}".encode()).decode()):
            text = text.replace(secret, "***")
        return text


def _reason(exc: BaseException) -> BaseException:
    return exc.reason if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, BaseException) else exc


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code in _TRANSIENT
    return isinstance(_reason(exc), _DROPPED)
