"""The safe Azure client (foundry_iac/azure/client.py) through the commands that use it, against fake HTTPS ARM
servers on 127.0.0.1: a foreign nextLink or redirect gets no token, a nextLink loop and a runaway list are
refused, a silent or trickling server meets the deadline, Retry-After is capped, malformed answers are one
line and exit 2 with nothing written."""

from __future__ import annotations

import json
import math
import re
import shutil
import threading
import time
from pathlib import Path

import pytest
from azure.core.exceptions import AzureError
from azure.core.pipeline import PipelineContext, PipelineRequest
from azure.core.rest import HttpRequest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug import Response

from components.catalog import CATALOG_PATH
from foundry_iac.azure import client as azure_client
from foundry_iac.azure.catalog_sync import fetch_models, sync_catalog
from foundry_iac.azure.client import (
    MAX_DEPTH,
    AzureAnswerError,
    BoundedRetryPolicy,
    DeadlineTransport,
    EndpointGuardPolicy,
    Limits,
    MalformedAnswerError,
    check_json,
    conform,
    day,
    number,
    origin,
    plain_name,
    text,
)
from foundry_iac.cli import commands
from foundry_iac.cli.command_io import MAX_TIMEOUT
from foundry_iac.cli.main import main
from tests.foundry_iac.azure.conftest import StaticToken, endpoint

SUB = "11111111-2222-3333-4444-555555555555"
API = {"api-version": "2025-06-01"}
MODELS = f"/subscriptions/{SUB}/providers/Microsoft.CognitiveServices/locations/eastus2/models"
USAGES = f"/subscriptions/{SUB}/providers/Microsoft.CognitiveServices/locations/eastus2/usages"


def entry(name: str = "gpt-4o", version: str = "2024-11-20", **model: object) -> dict:
    return {
        "kind": "OpenAI",
        "skuName": "S0",
        "model": {
            "format": "OpenAI",
            "name": name,
            "version": version,
            "lifecycleStatus": "GenerallyAvailable",
            "skus": [{"name": "GlobalStandard", "usageName": f"OpenAI.GlobalStandard.{name}"}],
            **model,
        },
    }


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    target = tmp_path / "catalog.json"
    shutil.copyfile(CATALOG_PATH, target)
    return target


@pytest.fixture
def cli(arm, tls, monkeypatch, catalog, capsys):
    """`foundry-iac catalog sync` against the fake ARM, with a static token; returns (exit code, stderr lines)."""
    monkeypatch.setattr(commands, "default_credential", StaticToken)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls[1]))

    def run(*extra: str) -> tuple[int, list[str]]:
        argv = ["catalog", "sync", "--subscription", SUB, "--region", "eastus2", "--endpoint", endpoint(arm)]
        code = main([*argv, "--catalog", str(catalog), *extra])
        captured = capsys.readouterr()
        return code, [line for line in captured.err.splitlines() if not line.startswith("[")]

    return run


# --- credentials only to the configured endpoint ------------------------------------------------------------


@pytest.mark.parametrize("where", ["port", "scheme", "host"])
def test_a_foreign_next_link_is_refused_before_any_token_is_sent(arm, foreign, cli, catalog, where):
    before = catalog.read_bytes()
    link = {
        "port": f"{endpoint(foreign)}{MODELS}?api-version=2025-06-01&page=2",
        "scheme": f"http://127.0.0.1:{arm.port}{MODELS}?api-version=2025-06-01&page=2",
        "host": f"https://localhost:{arm.port}{MODELS}?api-version=2025-06-01&page=2",
    }[where]
    arm.expect_request(MODELS, query_string=API).respond_with_json({"value": [entry()], "nextLink": link})
    foreign.expect_request(MODELS).respond_with_json({"value": [entry("gpt-5.1", "2025-11-13")]})
    code, err = cli()
    assert code == 2
    (line,) = err
    assert line.startswith(f"error: refused to follow Azure to {link.split('?')[0]}: it is not the configured endpoint")
    assert line.endswith("no credentials were sent, nothing written")
    assert foreign.log == [] and not any("Authorization" in request.headers for request, _ in foreign.log)
    assert len(arm.log) == 1 and arm.log[0][0].headers["Authorization"] == "Bearer test-token"
    assert catalog.read_bytes() == before


def test_a_redirect_to_another_host_is_refused_too(arm, foreign, tls):
    arm.expect_request(MODELS).respond_with_response(
        Response(status=307, headers={"Location": f"{endpoint(foreign)}{MODELS}?api-version=2025-06-01"})
    )
    foreign.expect_request(MODELS).respond_with_json({"value": []})
    with pytest.raises(AzureAnswerError, match=f"refused to follow Azure to {endpoint(foreign)}"):
        fetch_models(SUB, ["eastus2"], StaticToken(), endpoint(arm), verify=str(tls[1]), retry_backoff=0.01)
    assert foreign.log == []


def disguised(foreign, arm, path: str) -> str:
    """A URL that urlsplit reads as the fake ARM (the host after the last "@") but urllib3, which ends the host
    at a backslash, sends to the foreign server: the red team's token leak."""
    return f"https://127.0.0.1:{foreign.port}\\@127.0.0.1:{arm.port}{path}"


def test_a_next_link_read_differently_by_the_transport_gets_no_token(arm, foreign, cli, catalog):
    before = catalog.read_bytes()
    link = disguised(foreign, arm, f"{MODELS}?api-version=2025-06-01&page=2")
    arm.expect_request(MODELS, query_string=API).respond_with_json({"value": [entry()], "nextLink": link})
    foreign.expect_request("/").respond_with_json({"value": []})
    code, err = cli()
    assert code == 2
    (line,) = err
    assert line.startswith(f"error: refused to follow Azure to {link.split('?')[0]}: it is not the configured")
    assert "not a plain URL: it holds a backslash" in line
    assert line.endswith("no credentials were sent, nothing written")
    assert foreign.log == []  # no attempt, so no retry either
    assert len(arm.log) == 1 and catalog.read_bytes() == before


def test_quota_sync_refuses_a_next_link_read_differently_by_the_transport(arm, foreign, tls, monkeypatch, capsys):
    monkeypatch.setattr(commands, "default_credential", StaticToken)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls[1]))
    link = disguised(foreign, arm, f"{USAGES}?api-version=2025-06-01&page=2")
    arm.expect_request(USAGES).respond_with_json({"value": [], "nextLink": link})
    arm.expect_request(MODELS).respond_with_json({"value": []})
    foreign.expect_request("/").respond_with_json({"value": []})
    code = main(["quota", "sync", "--subscription", SUB, "--region", "eastus2", "--endpoint", endpoint(arm)])
    err = capsys.readouterr().err
    assert code == 2 and f"error: refused to follow Azure to {link.split('?')[0]}: it is not the configured" in err
    assert foreign.log == []


class RawLocation(Response):
    """A redirect whose Location goes out as given (werkzeug would percent-encode its backslash)."""

    def get_wsgi_headers(self, environ):  # type: ignore[no-untyped-def]
        headers = super().get_wsgi_headers(environ)
        headers["Location"] = self.raw_location
        return headers


def test_a_redirect_read_differently_by_the_transport_is_refused(arm, foreign, tls):
    location = disguised(foreign, arm, f"{MODELS}?api-version=2025-06-01")
    redirect = RawLocation(status=307)
    redirect.raw_location = location
    arm.expect_request(MODELS).respond_with_response(redirect)
    foreign.expect_request("/").respond_with_json({"value": []})
    with pytest.raises(AzureAnswerError, match="not a plain URL: it holds a backslash"):
        fetch_models(SUB, ["eastus2"], StaticToken(), endpoint(arm), verify=str(tls[1]), retry_backoff=0.01)
    assert foreign.log == [] and len(arm.log) == 1


def test_the_guard_runs_before_the_token_is_set():
    policy = azure_client.GuardedAuthenticationPolicy(StaticToken(), "https://management.azure.com")
    request = PipelineRequest(
        HttpRequest("GET", "https://evil.example\\@management.azure.com/subscriptions"), PipelineContext(None)
    )
    with pytest.raises(AzureAnswerError, match="no credentials were sent"):
        policy.on_request(request)
    assert "Authorization" not in request.http_request.headers


# a URL's host part is two hosts around what parsers disagree on: a backslash, userinfo, delimiters, percent
# escapes, whitespace, unicode that NFKC or IDNA turn into "@", "/" or "."
HOSTS = ["127.0.0.1:{arm}", "127.0.0.1:{foreign}", "localhost:{arm}", "127.0.0.1", ""]
SEPARATORS = ["\\", "@", "\\@", "#", "?", "%", "%40", "%5C", "/", ":", " ", "\t", "\n", "é", "\uff20", "\uff0f",
              "\u3002", "[", "]"]  # fmt: skip


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(HOSTS),
    st.lists(st.sampled_from(SEPARATORS), max_size=3),
    st.sampled_from(HOSTS),
    st.sampled_from(["", "/subscriptions?page=2"]),
)
@example("127.0.0.1:{foreign}", ["\\@"], "127.0.0.1:{arm}", "/subscriptions?page=2")  # the red team's leak
@example("127.0.0.1:{foreign}", ["\\", "@"], "127.0.0.1:{arm}", "")
def test_any_url_goes_to_the_endpoint_exactly_or_is_refused_with_nothing_sent(arm, foreign, tls, first, between,
                                                                               second, rest):  # fmt: skip
    for server in (arm, foreign):
        server.expect_request(re.compile(".*")).respond_with_json({"value": []})
    url = "https://" + f"{first}{''.join(between)}{second}".format(arm=arm.port, foreign=foreign.port) + rest
    client = azure_client.arm_client(StaticToken(), endpoint(arm), Limits(timeout=20), str(tls[1]), 0.01)
    arm_before, foreign_before = len(arm.log), len(foreign.log)
    try:
        client.send_request(HttpRequest("GET", url))
        refused = False
    except AzureAnswerError as exc:
        assert "no credentials were sent" in str(exc) and "\n" not in str(exc)
        refused = True
    assert len(foreign.log) == foreign_before, f"{url!r} reached the foreign server"
    assert len(arm.log) == arm_before + (0 if refused else 1), f"{url!r}: refused={refused}"
    if not refused:
        assert arm.log[-1][0].headers["Authorization"] == "Bearer test-token"


@pytest.mark.parametrize(
    "url,same",
    [
        ("https://management.azure.com/subscriptions?x=1", True),
        ("HTTPS://Management.Azure.com:443/a", True),
        ("https://management.azure.com:444/a", False),
        ("http://management.azure.com/a", False),
        ("http://management.azure.com:443/a", False),
        ("https://management.azure.com.evil.example/a", False),
        ("https://evil.example/?https://management.azure.com", False),
        ("https://management.azure.com@evil.example/a", False),
        ("https://management.azure.com:notaport/a", False),
        ("https://evil.example\\@management.azure.com/a", False),
        ("https://management.azure.com\\@evil.example/a", False),
        ("https://management.azure.com/a\\b", False),
        ("https://user@management.azure.com/a", False),
        ("https://management.azure.com%2f@evil.example/a", False),
        ("https://management.azure.c%6fm/a", False),
        ("https://management.azure.com /a", False),
        ("https://management.azure.com/a?$filter=x eq 'y'", True),  # the Retail Prices API's query
        (" https://evil.example/a", False),
        ("https://evil.example\tmanagement.azure.com/a", False),
        ("https://evil.example/\nhttps://management.azure.com/a", False),
        ("https://ｍanagement.azure.com/a", False),
        ("https://management.azure.com＠evil.example/a", False),
        ("https://[management.azure.com/a", False),
        ("https://management.azure.com/a?skip=%40%5C&$top=5", True),
        ("https://management.azure.com/subscriptions/é", True),
    ],
)
def test_the_endpoint_is_scheme_host_and_port(url, same):
    guard = EndpointGuardPolicy("https://management.azure.com")
    request = PipelineRequest(HttpRequest("GET", url), PipelineContext(None))
    if same:
        guard.on_request(request)
    else:
        with pytest.raises(AzureAnswerError, match="^refused to follow Azure to .* no credentials were sent"):
            guard.on_request(request)


def test_plain_http_keeps_its_default_port():
    assert origin("http://127.0.0.1/a") == origin("http://127.0.0.1:80/b") == ("http", "127.0.0.1", 80)


def test_an_unverifiable_certificate_is_refused(arm, tls, monkeypatch, capsys, catalog):
    """The fake's certificate is self-signed: without its CA bundle, TLS verification must fail."""
    monkeypatch.setattr(commands, "default_credential", StaticToken)
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    arm.expect_request(MODELS).respond_with_json({"value": [entry()]})
    argv = ["catalog", "sync", "--subscription", SUB, "--region", "eastus2", "--endpoint", endpoint(arm)]
    assert main([*argv, "--catalog", str(catalog), "--timeout", "20"]) == 2
    assert "cannot reach Azure Resource Manager for eastus2" in capsys.readouterr().err
    assert arm.log == []


# --- pages -----------------------------------------------------------------------------------------------


def test_a_next_link_loop_is_refused(arm, cli, catalog):
    before = catalog.read_bytes()
    page = lambda n: f"{endpoint(arm)}{MODELS}?api-version=2025-06-01&page={n}"  # noqa: E731
    arm.expect_request(MODELS, query_string={**API, "page": "2"}).respond_with_json(
        {"value": [entry("gpt-5.1", "2025-11-13")], "nextLink": page(3)}
    )
    arm.expect_request(MODELS, query_string={**API, "page": "3"}).respond_with_json({"value": [], "nextLink": page(2)})
    arm.expect_request(MODELS, query_string=API).respond_with_json({"value": [entry()], "nextLink": page(2)})
    code, err = cli()
    assert code == 2
    assert err == [
        "error: Azure's nextLink for models in eastus2 returns to a page already read after 3 page(s) (a loop): "
        "refused, nothing written"
    ]
    assert len(arm.log) == 3 and catalog.read_bytes() == before


def test_a_list_longer_than_the_page_limit_is_refused_at_the_limit(arm, tls):
    def endless(request) -> Response:
        n = int(request.args.get("page", "1"))
        link = f"{endpoint(arm)}{MODELS}?api-version=2025-06-01&page={n + 1}"
        return Response(json.dumps({"value": [], "nextLink": link}), content_type="application/json")

    arm.expect_request(MODELS).respond_with_handler(endless)
    with pytest.raises(AzureAnswerError, match="^models in eastus2 runs past 7 pages: refused"):
        fetch_models(SUB, ["eastus2"], StaticToken(), endpoint(arm), str(tls[1]), limits=Limits(max_pages=7))
    assert len(arm.log) == 7


def test_a_list_of_exactly_the_page_limit_is_read_whole(arm, tls):
    def pages(request) -> Response:
        n = int(request.args.get("page", "1"))
        link = f"{endpoint(arm)}{MODELS}?api-version=2025-06-01&page={n + 1}" if n < 3 else None
        body = {"value": [entry(f"m{n}", "1")], "nextLink": link}
        return Response(json.dumps(body), content_type="application/json")

    arm.expect_request(MODELS).respond_with_handler(pages)
    answers = fetch_models(SUB, ["eastus2"], StaticToken(), endpoint(arm), str(tls[1]), limits=Limits(max_pages=3))
    assert [m["name"] for m in answers["eastus2"]] == ["m1", "m2", "m3"]


# --- one deadline ----------------------------------------------------------------------------------------


@pytest.fixture
def release():
    """Set at the end of a test, so a handler holding its answer back lets the server stop."""
    event = threading.Event()
    yield event
    event.set()


def test_a_silent_server_meets_the_deadline_in_bounded_time(arm, cli, catalog, release):
    before = catalog.read_bytes()

    def silent(request) -> Response:
        release.wait(30)
        return Response("{}", content_type="application/json")

    arm.expect_request(MODELS).respond_with_handler(silent)
    started = time.monotonic()
    code, err = cli("--timeout", "1.5")
    took = time.monotonic() - started
    assert code == 2 and len(err) == 1
    assert err[0].startswith("error: Azure did not answer within the 1.5 s deadline while ")
    assert err[0].endswith("nothing written; try again later, or allow more time with --timeout SECONDS")
    assert took < 5, took  # 1.5 s, or less when the next retry could not finish in time
    assert catalog.read_bytes() == before


def test_a_server_trickling_its_answer_is_abandoned_at_the_deadline(arm, tls, release):
    def trickle(request) -> Response:
        def body():
            yield b'{"value": ['
            while not release.wait(0.1):
                yield b" "

        return Response(body(), content_type="application/json")

    arm.expect_request(MODELS).respond_with_handler(trickle)
    started = time.monotonic()
    with pytest.raises(AzureAnswerError, match=r"did not answer within the 1 s deadline while calling GET https://"):
        fetch_models(SUB, ["eastus2"], StaticToken(), endpoint(arm), str(tls[1]), limits=Limits(timeout=1))
    assert time.monotonic() - started < 4


def test_a_huge_retry_after_waits_only_the_cap(arm, tls):
    arm.expect_oneshot_request(MODELS).respond_with_response(
        Response(json.dumps({"error": {"code": "TooManyRequests"}}), status=429, headers={"Retry-After": "86400"})
    )
    arm.expect_request(MODELS).respond_with_json({"value": [entry()]})
    started = time.monotonic()
    answers = fetch_models(
        SUB, ["eastus2"], StaticToken(), endpoint(arm), str(tls[1]), limits=Limits(retry_after_cap=0.3)
    )
    took = time.monotonic() - started
    assert [m["name"] for m in answers["eastus2"]] == ["gpt-4o"] and len(arm.log) == 2
    assert 0.3 <= took < 5, took


def test_a_retry_after_past_the_deadline_fails_at_once(arm, cli):
    arm.expect_request(MODELS).respond_with_response(
        Response(json.dumps({"error": {"code": "TooManyRequests"}}), status=429, headers={"Retry-After": "86400"})
    )
    started = time.monotonic()
    code, err = cli("--timeout", "20")
    assert code == 2 and time.monotonic() - started < 10
    assert err[0].startswith("error: Azure did not answer within the 20 s deadline while waiting 30 s to retry")


class _Answer:
    """What RetryPolicy.get_retry_after reads of a response: its HTTP headers."""

    def __init__(self, headers: dict[str, str]):
        self.http_response = type("R", (), {"headers": headers})()


@given(
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.text(max_size=40),
        st.sampled_from(
            [
                "Fri, 31 Dec 9999 23:59:59 GMT",
                "Mon, 01 Jan 2001 00:00:00 GMT",
                "Sun, 99 Foo 2026",
                "Fri, 31 Dec 99999999999999999999 23:59:59 GMT",  # OverflowError in azure-core's parser
            ]
        ),
    ),
    st.sampled_from(["Retry-After", "retry-after-ms", "x-ms-retry-after-ms"]),
)
def test_any_retry_after_header_waits_between_zero_and_the_cap(value, header):
    policy = BoundedRetryPolicy(Limits(retry_after_cap=7.5))
    wait = policy.get_retry_after(_Answer({header: value}))
    assert wait is None or 0 <= wait <= 7.5


def test_the_cli_refuses_a_timeout_that_is_not_seconds(capsys):
    for bad in ("0", "-1", "nan", "inf", "soon", "99999999999", "1e300", "86400.5"):
        assert main(["quota", "sync", "--subscription", SUB, "--region", "eastus2", "--timeout", bad]) == 2
        assert "is not a number of seconds > 0" in capsys.readouterr().err


@pytest.mark.parametrize(
    "bad",
    [
        "",
        " ",
        "management.azure.com",
        "ftp://management.azure.com",
        "https://",
        "https://management.azure.com ",
        "https://management.azure.com\n",
    ],
)
@pytest.mark.parametrize(
    "command",
    [
        ["quota", "sync", "--subscription", SUB, "--region", "eastus2"],
        ["catalog", "sync", "--subscription", SUB, "--region", "eastus2"],
        ["prices", "sync"],
        ["preflight"],
        ["where", "gpt-4o", "--live"],
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_the_cli_refuses_an_endpoint_that_is_no_url_rather_than_using_public_azure(capsys, monkeypatch, command, bad):
    monkeypatch.setattr(commands, "default_credential", lambda: pytest.fail("signed in despite a bad --endpoint"))
    assert main([*command, "--endpoint", bad]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert f"argument --endpoint: {bad!r} is not an endpoint: give an https URL with a host, such as " in line
    assert "(leave --endpoint out to use public Azure)" in line


# --- malformed answers -----------------------------------------------------------------------------------

DEEP = '{"value": [' + "[" * 40 + "]" * 40 + "]}"
VERY_DEEP = '{"value": [' + "[" * 100_000 + "]" * 100_000 + "]}"


@pytest.mark.parametrize(
    "body,problem",
    [
        ('{"value": [null]}', "null in a list at $.value[0]"),
        (json.dumps({"value": [entry(skus=[None])]}), "null in a list at $.value[0].model.skus[0]"),
        ("[]", "the answer is list, not a JSON object"),
        ('"models"', "the answer is str, not a JSON object"),
        ('{"value": {"a": 1}}', "`value` is not a list of objects"),
        ('{"value": [1, 2]}', "`value` is not a list of objects"),
        ('{"value": [], "nextLink": 5}', "`nextLink` is not a URL"),
        (DEEP, f"JSON nested deeper than {MAX_DEPTH} levels"),
        (VERY_DEEP, f"JSON nested deeper than {MAX_DEPTH} levels"),
        ('{"value": [], "x": NaN}', "NaN is not a JSON number"),
        ('{"value": [], "x": -Infinity}', "-Infinity is not a JSON number"),
        ('{"value": [], "x": 1e400}', "1e400 is too large a number"),
        ('{"value": [], "x": ' + "9" * 30 + "}", "is beyond a 64-bit integer"),
        ('{"value": [', "not JSON (Expecting value: line 1 column 12 (char 11))"),
        ('{"value": [], "x": {"limit": 450, "limit": 999999}}', "key 'limit' appears twice in one object"),
        (
            json.dumps({"value": [entry(skus=[{"name": "GlobalStandard", "usageName": ""}])]}),
            "the usageName of GlobalStandard of gpt-4o 2024-11-20 in eastus2 is '', not a name",
        ),
        (json.dumps({"value": [entry(deprecation={"inference": "next spring"})]}), "is 'next spring', not a date"),
        ("{}", "models in eastus2: a list answer without `value`"),
        (json.dumps({"value": [entry(name=5)]}), "models in eastus2: $.value[0].model.name is 5, not str"),
        (json.dumps({"value": [entry(version=["1"])]}), "$.value[0].model.version is ['1'], not str"),
        (json.dumps({"value": [entry(name="")]}), "a model's name in eastus2 is '', not a name"),
        (json.dumps({"value": [entry(skus={"name": "x"})]}), "$.value[0].model.skus is {'name': 'x'}, not [ModelSku]"),
        (json.dumps({"value": [entry(isDefaultVersion=1)]}), "$.value[0].model.isDefaultVersion is 1, not bool"),
        (
            json.dumps({"value": [entry(skus=[{"name": "GlobalStandard", "capacity": {"maximum": -5}}])]}),
            "capacity.maximum of GlobalStandard of gpt-4o 2024-11-20 in eastus2 is -5, not a number >= 0",
        ),
    ],
    ids=lambda v: v if len(v) < 40 else v[:40],
)
def test_a_malformed_answer_is_one_line_exit_2_and_writes_nothing(arm, cli, catalog, body, problem):
    before = catalog.read_bytes()
    arm.expect_request(MODELS).respond_with_data(body, content_type="application/json")
    code, err = cli()
    assert code == 2
    (line,) = err
    assert line.startswith("error: malformed answer from Azure: ") and line.endswith(", nothing written")
    assert problem in line
    assert catalog.read_bytes() == before


@pytest.mark.parametrize("length", ["declared", "streamed"])
def test_an_answer_larger_than_the_cap_is_refused_and_one_at_the_cap_is_read(arm, cli, catalog, monkeypatch, length):
    body = json.dumps({"value": [entry()], "padding": "x" * 5000}).encode()

    def answer(request):  # type: ignore[no-untyped-def]
        if length == "declared":
            return Response(body, content_type="application/json")
        return Response(iter([body[:2000], body[2000:]]), content_type="application/json")  # no Content-Length

    arm.expect_request(MODELS, query_string=API).respond_with_handler(answer)
    before = catalog.read_bytes()
    monkeypatch.setattr(azure_client, "MAX_ANSWER", len(body) - 1)
    code, err = cli()
    assert (code, err) == (
        2,
        [
            f"error: malformed answer from Azure: GET {endpoint(arm)}{MODELS}: the answer is larger than "
            f"{len(body) - 1} bytes, nothing written"
        ],
    )
    assert catalog.read_bytes() == before and len(arm.log) == 1  # refused, not retried
    monkeypatch.setattr(azure_client, "MAX_ANSWER", len(body))
    assert cli() == (0, [])
    assert catalog.read_bytes() != before


def test_a_page_that_is_not_json_is_malformed(arm, tls):
    arm.expect_request(MODELS).respond_with_data("<html>sign in</html>", content_type="text/html")
    with pytest.raises(MalformedAnswerError, match="models in eastus2: the answer is text/html, not JSON"):
        fetch_models(SUB, ["eastus2"], StaticToken(), endpoint(arm), str(tls[1]))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=30,
)


@given(JSON)
def test_check_json_returns_an_object_or_refuses_never_crashes(value):
    raw = json.dumps(value)  # NaN and Infinity included, as Python writes them
    try:
        body = check_json(raw, "GET /x")
    except MalformedAnswerError as exc:
        assert str(exc).startswith("malformed answer from Azure: GET /x: ")
        return
    assert isinstance(body, dict)
    stack = [body]
    while stack:
        item = stack.pop()
        if isinstance(item, float):
            assert math.isfinite(item)
        elif isinstance(item, list):
            assert None not in item
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())


LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(["2026-13-45", "9999-12-31T23:59:59Z", "0000-01-01", "", "Deprecated", "GlobalStandard"]),
    st.just([None]),
    st.just({"a": []}),
)
FIELDS = [
    ("name",),
    ("version",),
    ("format",),
    ("lifecycleStatus",),
    ("isDefaultVersion",),
    ("deprecation", "inference"),
    ("replacementConfig", "targetModelName"),
    ("skus",),
    ("skus", 0, "name"),
    ("skus", 0, "usageName"),
    ("skus", 0, "deprecationDate"),
    ("skus", 0, "capacity"),
    ("skus", 0, "capacity", "minimum"),
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(FIELDS), leaf=LEAF)
def test_any_value_in_a_models_field_is_read_with_its_shape_or_refused(arm, tls, field, leaf):
    item = entry(deprecation={"inference": "2027-01-01"}, replacementConfig={"targetModelName": "gpt-5.1"})
    item["model"]["skus"][0]["capacity"] = {"minimum": 1, "maximum": 10, "step": 1}
    target = item["model"]
    for key in field[:-1]:
        target = target[key]
    target[field[-1]] = leaf
    arm.clear()
    arm.expect_request(MODELS).respond_with_data(json.dumps({"value": [item]}), content_type="application/json")
    try:
        (model,) = fetch_models(SUB, ["eastus2"], StaticToken(), endpoint(arm), str(tls[1]))["eastus2"]
    except MalformedAnswerError:
        return
    assert all(isinstance(model[k], str) and model[k] for k in ("name", "version", "format"))
    assert model["retirement"] is None or len(model["retirement"]) == 10
    for sku in model["skus"]:
        assert isinstance(sku["name"], str) and sku["name"]
        assert all(sku[k] is None or (0 <= sku[k] < math.inf) for k in ("minimum", "maximum", "step"))


def test_field_checks_say_what_and_where():
    assert text("gpt-4o", "w") == "gpt-4o" and number(0, "w") == 0 and day("2027-01-01T10:00:00Z", "w").day == 1
    bad_values = ((text, ""), (text, None), (number, True), (number, math.nan), (number, math.inf), (number, -0.5))
    for check, bad in (*bad_values, (day, "x")):
        with pytest.raises(MalformedAnswerError, match=r"^malformed answer from Azure: the w is .*, nothing written$"):
            check(bad, "the w")
    assert day(None, "w") is None and day("", "w") is None


# --- every command that calls Azure -----------------------------------------------------------------------


def test_quota_sync_refuses_a_foreign_next_link_without_sending_the_token(arm, foreign, tls, monkeypatch, capsys):
    monkeypatch.setattr(commands, "default_credential", StaticToken)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls[1]))
    arm.expect_request(USAGES).respond_with_json({"value": [], "nextLink": f"{endpoint(foreign)}{USAGES}?page=2"})
    foreign.expect_request(USAGES).respond_with_json({"value": []})
    code = main(["quota", "sync", "--subscription", SUB, "--region", "eastus2", "--endpoint", endpoint(arm)])
    err = capsys.readouterr().err
    assert code == 2 and f"error: refused to follow Azure to {endpoint(foreign)}{USAGES}" in err
    assert foreign.log == []


def test_sync_catalog_reads_every_region_before_writing(arm, tls, catalog):
    """The catalog is written once, after every region was read and the merge validated."""
    before = catalog.read_bytes()
    arm.expect_request(MODELS).respond_with_json({"value": [entry("gpt-5.1", "2026-11-02")]})
    sweden = MODELS.replace("eastus2", "swedencentral")
    arm.expect_request(sweden).respond_with_json({"value": [entry(name=None)]})
    with pytest.raises(MalformedAnswerError, match="swedencentral"):
        sync_catalog(catalog, SUB, ["eastus2", "swedencentral"], StaticToken(), endpoint(arm), str(tls[1]))
    assert catalog.read_bytes() == before


# --- the bounds, one by one -------------------------------------------------------------------------------


class Clock:
    """An injectable monotonic clock."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_each_attempt_gets_a_third_of_the_budget_or_what_is_left(monkeypatch):
    clock = Clock()
    limits = Limits(timeout=30, clock=clock)
    seen: list[dict] = []
    monkeypatch.setattr(azure_client.RequestsTransport, "send", lambda self, request, **kw: seen.append(kw) or "ok")
    transport = DeadlineTransport(limits)
    request = HttpRequest("GET", "https://management.azure.com/x")
    assert transport.send(request) == "ok"
    clock.now += 26
    assert transport.send(request) == "ok"
    assert [(kw["connection_timeout"], kw["read_timeout"]) for kw in seen] == [(10, 10), (4, 4)]
    clock.now += 4  # exactly at the deadline: nothing more is sent
    with pytest.raises(AzureAnswerError, match="within the 30 s deadline while calling GET https://management"):
        transport.send(request)
    assert len(seen) == 2


def test_an_attempt_failing_at_the_deadline_is_the_deadline(monkeypatch):
    clock = Clock()
    limits = Limits(timeout=30, clock=clock)

    def late(self, request, **kw):
        clock.now += 30
        raise AzureError("read timed out")

    monkeypatch.setattr(azure_client.RequestsTransport, "send", late)
    with pytest.raises(AzureAnswerError, match="within the 30 s deadline"):
        DeadlineTransport(limits).send(HttpRequest("GET", "https://management.azure.com/x"))
    clock.now -= 29  # the same failure with time left is the transport's, for the retry policy

    def early(self, request, **kw):
        raise AzureError("read timed out")

    monkeypatch.setattr(azure_client.RequestsTransport, "send", early)
    with pytest.raises(AzureError, match="read timed out"):
        DeadlineTransport(limits).send(HttpRequest("GET", "https://management.azure.com/x"))


def test_no_retry_waits_up_to_the_deadline():
    clock = Clock()
    policy = BoundedRetryPolicy(Limits(timeout=10, retry_after_cap=30, clock=clock))
    slept: list[float] = []
    transport = type("T", (), {"sleep": lambda self, seconds: slept.append(seconds)})()
    policy.sleep({}, transport, _Answer({"Retry-After": "9.5"}))
    assert slept == [9.5]
    with pytest.raises(AzureAnswerError, match="while waiting 10 s to retry"):
        policy.sleep({}, transport, _Answer({"Retry-After": "10"}))
    assert slept == [9.5]


@pytest.mark.parametrize(
    "value,allowed",
    [
        (str(2**63 - 1), True),
        (str(-(2**63)), True),
        (str(2**63), False),
        (str(-(2**63) - 1), False),
        ("1" + "0" * 20, False),
    ],
)
def test_integers_beyond_64_bits_are_refused(value, allowed):
    with pytest.raises(MalformedAnswerError):
        check_json('{"x": ' + "9" * 5000 + "}", "w")
    raw = '{"x": ' + value + "}"
    if allowed:
        assert check_json(raw, "w")["x"] == int(value)
    else:
        with pytest.raises(MalformedAnswerError, match="is beyond a 64-bit integer"):
            check_json(raw, "w")


def test_json_exactly_max_depth_deep_is_read_and_one_deeper_is_not():
    deepest = '{"a": ' + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "}"
    assert check_json(deepest, "w") == {"a": json.loads("[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1))}
    too_deep = '{"a": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}"
    with pytest.raises(MalformedAnswerError, match=rf"nested deeper than {MAX_DEPTH} levels at \$.a"):
        check_json(too_deep, "w")


@pytest.mark.parametrize(
    "kind,good,bad",
    [
        ("str", "x", 1),
        ("bool", True, "true"),
        ("int", 3, True),
        ("int", 3, 3.5),
        ("long", 3, "3"),
        ("float", 2.5, "2.5"),
        ("float", 2, False),
        ("decimal", 2.5, None),
        ("iso-8601", "2026-01-01T00:00:00Z", 20260101),
        ("rfc-1123", "Mon, 01 Jan 2026 00:00:00 GMT", 1),
        ("date", "2026-01-01", 1),
        ("duration", "PT1H", 3600),
        ("unix-time", 1700000000, "1700000000"),
        ("[str]", ["a"], "a"),
        ("[str]", ["a"], {"a": "b"}),
        ("{str}", {"a": "b"}, ["a"]),
        ("{str}", {"a": "b"}, {"a": 1}),
        ("ModelSku", {"name": "x"}, "x"),
        ("ModelSku", {"name": "x", "capacity": {"minimum": 1}}, {"name": "x", "capacity": {"minimum": "1"}}),
        ("Unknown", "anything", None),
    ],
)
def test_conform_checks_the_type_the_sdk_declares(kind, good, bad):
    from azure.mgmt.cognitiveservices.models import _models_py3 as models

    conform(good, kind, "$", models, "w")
    if bad is None:
        conform(bad, kind, "$", models, "w")  # null is for the readers to judge
        return
    with pytest.raises(MalformedAnswerError, match=r"^malformed answer from Azure: w: \$.* is .*, not "):
        conform(bad, kind, "$", models, "w")


@pytest.mark.parametrize(
    "body,mime", [('{"value": [{"model": 5}]}', "application/json"), ("<html>moved</html>", "text/html")]
)
def test_an_answer_with_a_status_outside_2xx_is_left_to_the_sdk(arm, tls, body, mime):
    arm.expect_request(MODELS).respond_with_data(body, status=300, content_type=mime)
    with pytest.raises(azure_client.ServiceError, match="HTTP 300"):
        fetch_models(SUB, ["eastus2"], StaticToken(), endpoint(arm), str(tls[1]))


def test_the_documented_defaults_are_the_code_s(root):
    """The docs' section on talking to Azure (docs/cost-and-quota.md) states the bounds; they are these."""
    readme = (root / "docs" / "cost-and-quota.md").read_text()
    assert f"`--timeout SECONDS` (default {azure_client.DEFAULT_TIMEOUT:g}, at most {MAX_TIMEOUT:g})" in readme
    assert f"retried {azure_client.RETRIES} times" in readme
    assert f"never more than {azure_client.RETRY_AFTER_CAP:g} s" in readme
    assert f"at most {azure_client.MAX_PAGES} pages per list" in readme
    assert f"nested deeper than {azure_client.MAX_DEPTH} levels" in readme
    assert "each attempt gets a\n  third of it" in readme and azure_client.ATTEMPT_SHARE == 3
    limits = Limits()
    assert (limits.timeout, limits.max_pages, limits.retry_after_cap) == (300, 500, 30)
    args = commands.build_parser().parse_args(["preflight"])
    assert args.timeout == azure_client.DEFAULT_TIMEOUT


def test_a_timeout_of_up_to_a_day_is_taken():
    from foundry_iac.cli.command_io import seconds

    assert seconds("86400") == 86400.0 and seconds("0.5") == 0.5


@pytest.mark.parametrize(
    "raw",
    [
        '{"limit": 450, "limit": 999999}',
        '{"value": [{"name": {"value": "u"}, "limit": 450, "limit": 999999}]}',
        '{"value": [], "nextLink": null, "nextLink": "https://elsewhere.example/"}',
    ],
)
def test_a_key_twice_in_one_object_is_refused_not_read_as_its_last_value(raw):
    with pytest.raises(MalformedAnswerError) as raised:
        check_json(raw, "GET /x")
    assert str(
        raised.value
    ) == "malformed answer from Azure: GET /x: key %r appears twice in one object, nothing written" % (
        "nextLink" if "nextLink" in raw else "limit"
    )


@pytest.mark.parametrize(
    "value,spaces",
    [
        ("gpt-4o ", False),
        (" gpt-4o", True),
        ("gpt  4o", True),
        ("gpt-\u00e9", False),
        ("a\x7fb", False),
        ("x" * 201, False),
    ],
)
def test_a_name_is_printable_ascii_without_whitespace_and_at_most_max_name_characters(value, spaces):
    with pytest.raises(MalformedAnswerError, match="^malformed answer from Azure: w is .*, not a name"):
        plain_name(value, "w", spaces)
    assert plain_name("x" * 200, "w") == "x" * 200
    assert plain_name("Mistral AI", "w", spaces=True) == "Mistral AI"
