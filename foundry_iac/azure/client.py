"""The one way foundry-iac talks to Azure: azure-core pipelines with bounds, for every command that calls it.

`catalog sync`, `quota sync`, `prices sync` and `preflight` (also inside `up`) build their clients here, so
each of them keeps the same guarantees:

- **one endpoint**: every request (the first, each nextLink, each redirect) must have the scheme, host and port
  of the configured endpoint, or it is refused before the credential policy adds a token. The URL must also be
  plain (no `\\` or control character anywhere; no whitespace, userinfo `@`, `%` or non-ASCII in the host part),
  and Python's `urlsplit`, urllib3's `parse_url` on it and on the URL as requests prepares it (what the transport
  really connects to) must all read the same scheme, host and port, so no parser disagreement sends a token
  elsewhere;
- **one deadline per command** (`Limits.timeout`, `--timeout`): each attempt's connection and read timeouts
  come from the time left, an attempt still running at the deadline is abandoned, and no retry waits past it;
- **Retry-After capped** at `Limits.retry_after_cap` (a huge or unreadable one never becomes a long sleep);
- **pages bounded**: a list stops at `Limits.max_pages` pages, and a nextLink seen before (a loop) is refused;
- **malformed answers refused**: a JSON body that is not an object, nests deeper than `MAX_DEPTH`, holds
  NaN/Infinity or an integer beyond 64 bits, a key twice in one object, a null inside a list, or an ARM list
  whose `value` is not a list of objects; readers check each field they use (`text`, `plain_name` for names:
  printable ASCII without whitespace, at most `MAX_NAME` characters; `number`, `day`). All are
  `MalformedAnswerError`:
  "malformed answer from Azure: ..., nothing written", exit 2;
- **answers bounded**: a body larger than `Limits.max_answer` bytes (`MAX_ANSWER`, decoded) is refused while
  it is read, before it is all in memory (a Content-Length above it at once).

Refusals are `AzureAnswerError`s (a ServiceError: one line, exit 2). They are not azure-core errors, so the
retry policy never retries them and no reader mistakes them for a failed read to report and carry on from.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from azure.core import PipelineClient
from azure.core.credentials import TokenCredential
from azure.core.paging import ItemPaged
from azure.core.pipeline.policies import (
    ContentDecodePolicy,
    HeadersPolicy,
    HTTPPolicy,
    RetryPolicy,
    SansIOHTTPPolicy,
    UserAgentPolicy,
)
from azure.core.pipeline.transport import RequestsTransport
from azure.core.rest import HttpRequest, HttpResponse
from azure.mgmt.cognitiveservices import CognitiveServicesManagementClient
from azure.mgmt.core import ARMPipelineClient
from azure.mgmt.core.policies import ARMChallengeAuthenticationPolicy
from requests.models import PreparedRequest
from urllib3.util import parse_url

from components.errors import ServiceError
from components.inputs import DuplicateKeyError, unique_keys
from components.refs import MAX_NAME, PLAIN_NAME
from components.text import clip, short

USER_AGENT = "foundry-iac/0.1"
COGNITIVE_API_VERSION = "2025-06-01"
DEFAULT_TIMEOUT = 300.0  # seconds for a whole command: a catalog sync of a dozen regions takes under a minute
MAX_PAGES = 500  # pages of one list (the Models API answers a region in one or two)
RETRY_AFTER_CAP = 30.0  # seconds: the longest wait between attempts, whatever Retry-After asks
RETRIES = 4
RETRY_BACKOFF = 0.8  # azure-core's own default backoff factor, for every command that does not set one
ATTEMPT_SHARE = 3  # one attempt may use a third of the command's time, so a stuck attempt leaves room for a retry
MAX_DEPTH = 32  # JSON nesting: Azure's answers nest under 10 levels
MAX_INT = 2**63
MAX_ANSWER = 64 * 2**20  # bytes of one answer body: a models page of a region is well under 1 MiB
_PORTS = {"https": 443, "http": 80}
_NOT_PLAIN = re.compile(r"[\\\x00-\x1f\x7f-\x9f]")  # a backslash or a control character (tab, newline...)


class AzureAnswerError(ServiceError):
    """An answer or a request the client refuses (foreign endpoint, too many pages, deadline, malformed)."""


class MalformedAnswerError(AzureAnswerError):
    """Azure answered something the documented shape does not allow."""

    def __init__(self, what: str):
        super().__init__(f"malformed answer from Azure: {what}, nothing written")


class Limits:
    """The bounds of one command's calls to Azure; the deadline runs from construction."""

    def __init__(
        self,
        timeout: float = DEFAULT_TIMEOUT,
        max_pages: int = MAX_PAGES,
        retry_after_cap: float = RETRY_AFTER_CAP,
        clock: Callable[[], float] = time.monotonic,
        max_answer: int | None = None,
    ):
        self.timeout, self.max_pages, self.retry_after_cap = timeout, max_pages, retry_after_cap
        self.max_answer = MAX_ANSWER if max_answer is None else max_answer
        self._clock = clock
        self._ends = clock() + timeout

    def remaining(self) -> float:
        """Seconds left before the deadline (negative once past it)."""
        return self._ends - self._clock()

    def expired(self, doing: str) -> AzureAnswerError:
        """The error for a deadline reached while `doing`."""
        return AzureAnswerError(
            f"Azure did not answer within the {self.timeout:g} s deadline while {doing}: nothing written; "
            "try again later, or allow more time with --timeout SECONDS"
        )


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of a URL, lower case, with the scheme's default port; ValueError for a bad port."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or _PORTS.get(scheme)


def _shown(text: str) -> str:
    """`text` clipped, with non-printable characters escaped: a message stays one line."""
    return clip("".join(c if c.isprintable() else repr(c)[1:-1] for c in text))


def _where(url: str) -> str:
    """A URL without its query, short enough for a message."""
    try:
        return _shown(urlsplit(url)._replace(query="", fragment="").geturl())
    except ValueError:  # a URL urlsplit cannot read (an unbalanced "[")
        return _shown(url.partition("?")[0])


def _transport_origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) as urllib3 reads `url` (brackets off an IPv6 host, like urlsplit)."""
    parts = parse_url(url)
    scheme = (parts.scheme or "").lower()
    host = (parts.host or "").lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return scheme, host, parts.port or _PORTS.get(scheme)


def plain_origin(url: str) -> tuple[str, str, int | None]:
    """`origin(url)` of a plain URL that every parser on the way reads alike; ValueError (why) for any other.

    urlsplit takes the host after the last `@`, urllib3 ends it at a `\\`; requests re-encodes the URL before
    urllib3 reads it again. A URL the three do not read the same is refused whatever it seems to name."""
    if _NOT_PLAIN.search(url) or url != url.strip():
        raise ValueError("it holds a backslash, a control character or outer whitespace")
    authority = urlsplit(url).netloc
    if any(c.isspace() for c in authority):
        raise ValueError("its host part holds whitespace")
    if "@" in authority:
        raise ValueError("it holds user information (an @ before the host)")
    if "%" in authority or not authority.isascii():
        raise ValueError("its host part is percent-encoded or not ASCII")
    prepared = PreparedRequest()
    prepared.prepare_url(url, None)  # what RequestsTransport sends (requests.exceptions.InvalidURL is a ValueError)
    seen = {origin(url), _transport_origin(url), _transport_origin(prepared.url or "")}
    if len(seen) != 1:
        raise ValueError("Python and the HTTP transport read a different host in it")
    return seen.pop()


class EndpointGuardPolicy(SansIOHTTPPolicy[HttpRequest, HttpResponse]):
    """Refuses any request whose URL is not plain or whose scheme, host or port differ from the configured
    endpoint's (before the token)."""

    def __init__(self, endpoint: str):
        self._endpoint = endpoint
        self._origin = origin(endpoint)

    def on_request(self, request: Any) -> None:
        url = request.http_request.url
        try:
            same, why = plain_origin(url) == self._origin, "a nextLink or redirect to another scheme, host or port"
        except ValueError as exc:  # not plain, a port that is no number, a URL no parser reads
            same, why = False, f"a nextLink or redirect that is not a plain URL: {exc}"
        if not same:
            raise AzureAnswerError(
                f"refused to follow Azure to {_where(url)}: it is not the configured endpoint {self._endpoint} "
                f"({why}); no credentials were sent, nothing written"
            )


class GuardedAuthenticationPolicy(ARMChallengeAuthenticationPolicy):
    """ARM's bearer-token policy that runs the endpoint guard before it adds the token (azure-core places the
    authentication policy before the per-retry policies, so the guard alone would see the token already set)."""

    def __init__(self, credential: TokenCredential, endpoint: str):
        super().__init__(credential, f"{endpoint.rstrip('/')}/.default")
        self._guard = EndpointGuardPolicy(endpoint)

    def on_request(self, request: Any) -> None:
        self._guard.on_request(request)
        super().on_request(request)


class _RefusedValueError(ValueError):
    pass


def _no_constant(name: str) -> float:
    raise _RefusedValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _RefusedValueError(f"{clip(text)} is too large a number")
    return value


def _integer(text: str) -> int:
    value = int(text)  # past 4300 digits a ValueError: not JSON
    if not -MAX_INT <= value < MAX_INT:
        raise _RefusedValueError(f"{clip(text)} is beyond a 64-bit integer")
    return value


def check_json(text: str, where: str) -> object:
    """The JSON body of an answer, or MalformedAnswerError: objects and lists only to MAX_DEPTH, no key twice in an
    object, no null in a list, finite numbers, a top-level object, and ARM's list envelope (`value` a list of
    objects, links strings)."""
    try:
        body = json.loads(
            text, parse_constant=_no_constant, parse_float=_finite, parse_int=_integer, object_pairs_hook=unique_keys
        )
    except RecursionError:
        raise MalformedAnswerError(f"{where}: JSON nested deeper than {MAX_DEPTH} levels") from None
    except DuplicateKeyError as exc:
        raise MalformedAnswerError(f"{where}: key {short(exc.key)} appears twice in one object") from None
    except _RefusedValueError as exc:
        raise MalformedAnswerError(f"{where}: {exc}") from None
    except ValueError as exc:
        raise MalformedAnswerError(f"{where}: not JSON ({clip(str(exc))})") from None
    if not isinstance(body, dict):
        raise MalformedAnswerError(f"{where}: the answer is {type(body).__name__}, not a JSON object")
    stack: list[tuple[object, str, int]] = [(body, "$", 1)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise MalformedAnswerError(f"{where}: JSON nested deeper than {MAX_DEPTH} levels at {clip(path)}")
        if isinstance(value, dict):
            stack.extend((item, f"{path}.{key}", depth + 1) for key, item in value.items())
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if item is None:
                    raise MalformedAnswerError(f"{where}: null in a list at {clip(path)}[{index}]")
                stack.append((item, f"{path}[{index}]", depth + 1))
    items = body.get("value", [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise MalformedAnswerError(f"{where}: `value` is not a list of objects")
    for link in ("nextLink", "NextPageLink"):
        if not isinstance(body.get(link, ""), (str, type(None))):
            raise MalformedAnswerError(f"{where}: `{link}` is not a URL")
    return body


_SCALARS: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "bool": (bool,),
    "int": (int,),
    "long": (int,),
    "float": (int, float),
    "decimal": (int, float),
    "iso-8601": (str,),
    "rfc-1123": (str,),
    "date": (str,),
    "duration": (str,),
    "unix-time": (int,),
}


def conform(value: object, kind: str, path: str, models: object, what: str) -> None:
    """MalformedAnswerError unless raw JSON `value` has the type the SDK declares (`kind`, as in its models'
    `_attribute_map`); null is left to the readers, which know what is required."""
    if value is None:
        return
    if kind.startswith(("[", "{")):
        container = list if kind[0] == "[" else dict
        if not isinstance(value, container):
            raise MalformedAnswerError(f"{what}: {clip(path)} is {clip(repr(value))}, not {kind}")
        pairs = enumerate(value) if isinstance(value, list) else value.items()
        for key, item in pairs:
            conform(item, kind[1:-1], f"{path}[{key!r}]", models, what)
        return
    model = getattr(models, kind, None)
    expected = _SCALARS.get(kind, (dict,) if model else (object,))
    if not isinstance(value, expected) or (isinstance(value, bool) and kind != "bool"):
        raise MalformedAnswerError(f"{what}: {clip(path)} is {clip(repr(value))}, not {kind}")
    for attribute in getattr(model, "_attribute_map", {}).values():
        # "" holds additional properties (any JSON); azure-mgmt-cognitiveservices flattens no key ("a.b")
        if attribute["key"]:
            conform(value.get(attribute["key"]), attribute["type"], f"{path}.{attribute['key']}", models, what)  # type: ignore[attr-defined]


def shaped(result: type, what: str) -> Callable[[Any], None]:
    """A `raw_response_hook` for an SDK call: its 2xx answer must have the shape of the SDK model `result` (the
    SDK's own deserializer turns a number or a list into the string it expected, and a missing list into a crash)."""
    models = sys.modules[result.__module__]

    def hook(response: Any) -> None:
        http = response.http_response
        if not 200 <= http.status_code < 300:
            return  # an error answer: the SDK raises the HTTP error
        body = answer_body(http, what) or {}
        if "value" in result._attribute_map and "value" not in body:  # type: ignore[attr-defined]
            raise MalformedAnswerError(f"{what}: a list answer without `value`")
        conform(body, result.__name__, "$", models, what)

    return hook


class AnswerShapePolicy(SansIOHTTPPolicy[HttpRequest, HttpResponse]):
    """Checks each JSON answer with `check_json` before the SDK decodes it (its decoder would raise or accept)."""

    def on_response(self, request: Any, response: Any) -> None:
        if response.context.options.get("stream", True):
            return  # a streamed body is not decoded here, nor by azure-core's ContentDecodePolicy
        http = response.http_response
        answer_body(http, f"{http.request.method} {_where(http.request.url)}")


def answer_body(http: Any, what: str) -> dict[str, Any] | None:
    """The checked JSON object of an HTTP answer (None when empty or, for an error status, not JSON: the SDK
    reports that error); a successful answer that is not JSON is MalformedAnswerError."""
    mime = (http.content_type or "application/json").split(";")[0].strip().lower()
    body = http.text()
    if body and ContentDecodePolicy.JSON_REGEXP.match(mime):
        return check_json(body, what)  # type: ignore[return-value]
    if body and 200 <= http.status_code < 300:
        raise MalformedAnswerError(f"{what}: the answer is {clip(mime)}, not JSON")
    return None


class BoundedRetryPolicy(RetryPolicy[HttpRequest, HttpResponse]):
    """azure-core's retries, with Retry-After capped and no wait past the command's deadline."""

    def __init__(self, limits: Limits, **kwargs: Any):
        super().__init__(retry_backoff_max=limits.retry_after_cap, **kwargs)
        self._limits = limits

    def get_retry_after(self, response: Any) -> float | None:
        try:
            asked = super().get_retry_after(response)
        except (ValueError, OverflowError):  # an unreadable Retry-After date: back off instead
            return None
        return None if asked is None else min(asked, self._limits.retry_after_cap)

    def sleep(self, settings: dict[str, Any], transport: Any, response: Any = None) -> None:
        wait = self.get_retry_after(response) if response else None
        if wait is None:
            wait = self.get_backoff_time(settings)
        if wait >= self._limits.remaining():
            raise self._limits.expired(f"waiting {wait:g} s to retry")
        transport.sleep(wait)


class _CappedBody:
    """A urllib3 response whose body stops with MalformedAnswerError past `limit` bytes (decoded)."""

    def __init__(self, raw: Any, limit: int, what: str):
        object.__setattr__(self, "_raw", raw)
        object.__setattr__(self, "_limit", limit)
        object.__setattr__(self, "_what", what)

    def _refuse(self) -> MalformedAnswerError:
        return MalformedAnswerError(f"{self._what}: the answer is larger than {self._limit} bytes")

    def stream(self, amt: int | None = None, decode_content: bool | None = None) -> Iterator[bytes]:
        seen = 0
        for chunk in self._raw.stream(amt, decode_content=decode_content):
            seen += len(chunk)
            if seen > self._limit:
                raise self._refuse()
            yield chunk

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._raw, name, value)


def _capped(limit: int) -> Callable[..., Any]:
    """A requests response hook: it runs before requests reads the body, and bounds that read."""

    def hook(response: Any, **kwargs: Any) -> Any:
        body = _CappedBody(response.raw, limit, f"{response.request.method} {_where(response.url)}")
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > limit:
            raise body._refuse()
        response.raw = body
        return response

    return hook


# azure.core.pipeline.transport hands RequestsTransport out through a module __getattr__, which mypy reads as Any
class DeadlineTransport(RequestsTransport):  # type: ignore[misc]
    """requests under a deadline: each attempt's timeouts come from the time left, and an attempt still
    running at the deadline (a server trickling bytes, a hung name lookup) is abandoned."""

    def __init__(self, limits: Limits, **kwargs: Any):
        super().__init__(**kwargs)
        self._limits = limits
        # azure-core logs "Unable to stream download." for each failed attempt, a line apiece on stderr: the
        # command's one error line says what failed instead
        logging.getLogger("azure.core.pipeline.transport").setLevel(logging.ERROR)

    def send(self, request: Any, **kwargs: Any) -> Any:
        doing = f"calling {request.method} {_where(request.url)}"
        left = self._limits.remaining()
        if left <= 0:
            raise self._limits.expired(doing)
        attempt = min(left, self._limits.timeout / ATTEMPT_SHARE)
        kwargs["connection_timeout"] = kwargs["read_timeout"] = attempt
        kwargs["hooks"] = {"response": [_capped(self._limits.max_answer)]}
        send = super().send
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                outcome["response"] = send(request, **kwargs)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread below
                outcome["error"] = exc

        worker = threading.Thread(target=run, name="foundry-iac-azure-call", daemon=True)
        worker.start()
        worker.join(left)
        if worker.is_alive() or ("error" in outcome and self._limits.remaining() <= 0):
            raise self._limits.expired(doing)
        if "error" in outcome:
            raise outcome["error"]
        return outcome["response"]


def _pipeline_kwargs(endpoint: str, limits: Limits, verify: str | bool | None, retry_backoff: float) -> dict[str, Any]:
    return {
        "transport": DeadlineTransport(limits, connection_verify=True if verify is None else verify),
        "retry_policy": BoundedRetryPolicy(limits, retry_total=RETRIES, retry_backoff_factor=retry_backoff),
        "per_retry_policies": [EndpointGuardPolicy(endpoint), AnswerShapePolicy()],
    }


def management_client(
    credential: TokenCredential,
    subscription: str,
    endpoint: str,
    limits: Limits,
    verify: str | bool | None,
    retry_backoff: float,
) -> CognitiveServicesManagementClient:
    """azure-mgmt-cognitiveservices against `endpoint`, with the token scoped to it and the bounds above."""
    return CognitiveServicesManagementClient(
        credential,
        subscription,
        base_url=endpoint,
        credential_scopes=[f"{endpoint.rstrip('/')}/.default"],
        authentication_policy=GuardedAuthenticationPolicy(credential, endpoint),
        api_version=COGNITIVE_API_VERSION,
        **_pipeline_kwargs(endpoint, limits, verify, retry_backoff),
    )


def _bare_pipeline(
    endpoint: str,
    limits: Limits,
    verify: str | bool | None,
    retry_backoff: float,
    *auth: HTTPPolicy[HttpRequest, HttpResponse],
) -> dict[str, Any]:
    kwargs = _pipeline_kwargs(endpoint, limits, verify, retry_backoff)
    policies = [
        HeadersPolicy({"Accept": "application/json"}),
        UserAgentPolicy(USER_AGENT),
        ContentDecodePolicy(),
        kwargs.pop("retry_policy"),
        *kwargs.pop("per_retry_policies"),
        *auth,
    ]
    return {"policies": policies, **kwargs}


def arm_client(
    credential: TokenCredential,
    endpoint: str,
    limits: Limits,
    verify: str | bool | None,
    retry_backoff: float,
) -> ARMPipelineClient[HttpRequest, HttpResponse]:
    """A bare ARM pipeline (for GETs no management package covers), with the same bounds; no redirects."""
    auth = GuardedAuthenticationPolicy(credential, endpoint)
    return ARMPipelineClient(base_url=endpoint, **_bare_pipeline(endpoint, limits, verify, retry_backoff, auth))


def public_client(endpoint: str, limits: Limits, retry_backoff: float) -> PipelineClient[HttpRequest, HttpResponse]:
    """A pipeline for a public Azure API (no credential), with the same bounds; no redirects."""
    return PipelineClient(base_url=endpoint, **_bare_pipeline(endpoint, limits, None, retry_backoff))


class PageTrail:
    """Counts the pages of one list and refuses a nextLink loop or more than `limits.max_pages` pages."""

    def __init__(self, what: str, limits: Limits):
        self.what, self.limits = what, limits
        self.pages = 1
        self._links: set[str] = set()

    def follow(self, link: str) -> None:
        """Before fetching the page at `link`."""
        if link in self._links:
            raise AzureAnswerError(
                f"Azure's nextLink for {self.what} returns to a page already read after {self.pages} page(s) "
                "(a loop): refused, nothing written"
            )
        if self.pages >= self.limits.max_pages:
            raise AzureAnswerError(
                f"{self.what} runs past {self.limits.max_pages} pages: refused (a runaway nextLink), nothing written"
            )
        self._links.add(link)
        self.pages += 1


def every_item(paged: ItemPaged[Any], what: str, limits: Limits) -> Iterator[Any]:
    """Every item of an azure-core paged list, through PageTrail (typed Any: the SDK declares nearly every
    field of its models optional, and the readers below check each one a caller uses)."""
    trail = PageTrail(what, limits)
    pages: Any = paged.by_page()  # a PageIterator: continuation_token is the next page's link
    for page in pages:
        yield from page
        if pages.continuation_token:
            trail.follow(pages.continuation_token)


def text(value: object, where: str) -> str:
    """A non-empty string Azure must give, or MalformedAnswerError."""
    if not isinstance(value, str) or not value:
        raise MalformedAnswerError(f"{where} is {clip(repr(value))}, not a name")
    return value


_LABEL = re.compile(r"[!-~]+( [!-~]+)*")  # the same, words apart by single spaces


def plain_name(value: object, where: str, spaces: bool = False) -> str:
    """A name Azure must give (a model, version, deployment type, usage; a format or unit when `spaces`): printable
    ASCII, without whitespace (single inner spaces when `spaces`), at most MAX_NAME characters, or
    MalformedAnswerError. It is written to files and printed: no control character, look-alike or padding."""
    found = text(value, where)
    if len(found) > MAX_NAME or not (_LABEL if spaces else PLAIN_NAME).fullmatch(found):
        kind = "words of printable ASCII" if spaces else "printable ASCII without whitespace"
        shown = clip(ascii(found), 80)  # look-alikes escaped too: "gpt\u20114o", not a "gpt-4o" that seems valid
        raise MalformedAnswerError(f"{where} is {shown}, not a name ({kind}, at most {MAX_NAME} characters)")
    return found


def optional_name(value: object, where: str, spaces: bool = False) -> str | None:
    """A name Azure may leave out (None), or MalformedAnswerError."""
    return None if value is None else plain_name(value, where, spaces)


def optional_text(value: object, where: str) -> str | None:
    """A string Azure may leave out (None), or MalformedAnswerError."""
    return None if value is None else text(value, where)


def number(value: object, where: str) -> float:
    """A finite number >= 0 Azure must give, or MalformedAnswerError."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < math.inf:
        raise MalformedAnswerError(f"{where} is {clip(repr(value))}, not a number >= 0")
    return value


def optional_number(value: object, where: str) -> float | None:
    """A number Azure may leave out (None), or MalformedAnswerError."""
    return None if value is None else number(value, where)


def day(value: object, where: str) -> dt.date | None:
    """The date of an ISO 8601 date or date-time Azure may leave out (None or ""), or MalformedAnswerError."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    try:
        return dt.datetime.fromisoformat(str(value)).date()
    except ValueError:
        raise MalformedAnswerError(f"{where} is {clip(repr(value))}, not a date") from None
