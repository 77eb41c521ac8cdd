"""`prices sync` against a fake Azure Retail Prices API on 127.0.0.1 (documented response shape)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import threading
import time
from pathlib import Path

import pytest
from werkzeug import Response

from components.catalog import CATALOG_PATH, load_catalog, parse_catalog
from foundry_iac.azure.client import AzureAnswerError, Limits, MalformedAnswerError
from foundry_iac.azure.prices_sync import PriceSyncError, sync_prices
from foundry_iac.cli.main import main

PATH = "/api/retail/prices"


def item(meter: str, price: float, unit: str = "1K", region: str = "eastus2") -> dict:
    """One item as the Retail Prices API returns it."""
    return {
        "currencyCode": "USD",
        "tierMinimumUnits": 0.0,
        "retailPrice": price,
        "unitPrice": price,
        "armRegionName": region,
        "location": "US East 2",
        "effectiveStartDate": "2026-10-01T00:00:00Z",
        "meterId": "00000000-0000-0000-0000-000000000000",
        "meterName": meter,
        "productId": "DZH318Z0",
        "skuId": "DZH318Z0/0001",
        "productName": "Azure OpenAI",
        "skuName": meter.rsplit(" Tokens", 1)[0],
        "serviceName": "Foundry Models",
        "serviceId": "DZH3180HX10K",
        "serviceFamily": "AI + Machine Learning",
        "unitOfMeasure": unit,
        "type": "Consumption",
        "isPrimaryMeterRegion": True,
        "armSkuName": "",
    }


def page(items: list[dict], next_link: str | None) -> dict:
    return {
        "BillingCurrency": "USD",
        "CustomerEntityId": "Default",
        "CustomerEntityType": "Retail",
        "Items": items,
        "NextPageLink": next_link,
        "Count": len(items),
    }


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    copy = tmp_path / "catalog.json"
    shutil.copy(CATALOG_PATH, copy)
    return copy


def serve_two_pages(httpserver, first_extra: list[dict] | None = None) -> None:
    next_link = httpserver.url_for(PATH) + "?api-version=2023-01-01-preview&$skip=2"
    httpserver.expect_request(PATH, query_string={"api-version": "2023-01-01-preview", "$skip": "2"}).respond_with_json(
        page(
            [
                item("Grok-3 Inp glbl Tokens", 0.0031),
                item("Grok-3 Outp glbl Tokens", 0.015),
                item("Some Unknown Model Inp glbl Tokens", 0.5),
            ],
            None,
        )
    )
    httpserver.expect_request(PATH).respond_with_json(
        page(
            [
                item("gpt 4o 1120 Inp glbl Tokens", 0.0025),
                item("gpt 4o 1120 Outp glbl Tokens", 0.01),
                item("GPT 5 Mini Inpt Glbl 1M Tokens", 0.3, unit="1M"),
                *(first_extra or []),
            ],
            next_link,
        )
    )


def test_sync_follows_pages_maps_meters_and_reports_changes(httpserver, catalog):
    serve_two_pages(httpserver)
    result = sync_prices(catalog, "eastus2", httpserver.url_for(PATH), today=dt.date(2026, 11, 23))
    assert result.pages == 2
    changed = {(c.model, c.family, c.side): (c.old, c.new) for c in result.changes}
    assert changed == {("grok-3", "global", "input"): (3.0, 3.1), ("gpt-5-mini", "global", "input"): (0.25, 0.3)}
    assert result.confirmed == 3  # gpt-4o in/out and grok-3 out are unchanged
    assert result.unmapped == ["Some Unknown Model Inp glbl Tokens"]
    new = parse_catalog(json.loads(catalog.read_text()))
    price = new.models["grok-3"].prices["global"]
    assert price.input == pytest.approx(3.1) and price.as_of == dt.date(2026, 11, 23)
    assert "Azure Retail Prices API" in price.source and "eastus2" in price.source
    filt = httpserver.log[0][0].args["$filter"]
    assert filt == "serviceName eq 'Foundry Models' and armRegionName eq 'eastus2' and priceType eq 'Consumption'"


def test_throttling_is_retried_after_retry_after(httpserver, catalog):
    httpserver.expect_oneshot_request(PATH).respond_with_response(
        Response("", status=429, headers={"Retry-After": "1"})
    )
    serve_two_pages(httpserver)
    result = sync_prices(catalog, "eastus2", httpserver.url_for(PATH), retry_backoff=0.01)
    assert result.pages == 2 and len(httpserver.log) == 3


def test_server_error_leaves_the_catalog_untouched(httpserver, catalog):
    before = catalog.read_bytes()
    httpserver.expect_request(PATH).respond_with_data("boom", status=500)
    with pytest.raises(PriceSyncError, match="HTTP 500"):
        sync_prices(catalog, "eastus2", httpserver.url_for(PATH), retry_backoff=0.01)
    assert catalog.read_bytes() == before


def test_malformed_page_leaves_the_catalog_untouched(httpserver, catalog):
    before = catalog.read_bytes()
    httpserver.expect_request(PATH).respond_with_json({"Items": [{"meterName": "x"}]})
    with pytest.raises(PriceSyncError, match="lacks meterName, retailPrice or unitOfMeasure"):
        sync_prices(catalog, "eastus2", httpserver.url_for(PATH))
    assert catalog.read_bytes() == before


def test_a_next_page_link_to_another_host_is_refused(httpserver, catalog):
    httpserver.expect_request(PATH).respond_with_json(page([], "https://evil.example/api/retail/prices?x=1"))
    with pytest.raises(AzureAnswerError, match="refused to follow Azure to https://evil.example/api/retail/prices: "):
        sync_prices(catalog, "eastus2", httpserver.url_for(PATH))
    assert len(httpserver.log) == 1


def test_cli_prices_sync_end_to_end(httpserver, catalog, capsys):
    serve_two_pages(httpserver)
    assert main(["prices", "sync", "--endpoint", httpserver.url_for(PATH), "--catalog", str(catalog)]) == 0
    out = capsys.readouterr().out
    assert "grok-3 global input: 3.0000 -> 3.1000 USD per 1M tokens ('Grok-3 Inp glbl Tokens')" in out
    assert "updated 2 price(s)" in out and "1 API meter(s) map to no catalog model" in out


def test_cli_prices_sync_failure_exits_2_and_names_the_catalog(httpserver, catalog, capsys):
    httpserver.expect_request(PATH).respond_with_data("down", status=503)
    before = catalog.read_bytes()
    code = main(["prices", "sync", "--endpoint", httpserver.url_for(PATH), "--catalog", str(catalog)])
    err = capsys.readouterr().err
    assert code == 2 and "was not changed" in err and err.count("\n") == 1
    assert catalog.read_bytes() == before


def test_dry_run_writes_nothing(httpserver, catalog):
    serve_two_pages(httpserver)
    before = catalog.read_bytes()
    result = sync_prices(catalog, "eastus2", httpserver.url_for(PATH), dry_run=True)
    assert result.changes and catalog.read_bytes() == before


def test_the_shipped_catalog_is_untouched_by_these_tests():
    load_catalog.cache_clear()
    assert load_catalog().models["grok-3"].prices["global"].input == 3.0


def test_a_next_page_link_loop_is_refused_and_the_catalog_untouched(httpserver, catalog):
    before = catalog.read_bytes()
    httpserver.expect_request(PATH).respond_with_json(page([], httpserver.url_for(PATH) + "?page=1"))
    with pytest.raises(AzureAnswerError, match="returns to a page already read after 2 page"):
        sync_prices(catalog, "eastus2", httpserver.url_for(PATH))
    assert catalog.read_bytes() == before and len(httpserver.log) == 2


def test_a_silent_retail_api_meets_the_deadline(httpserver, catalog):
    release = threading.Event()

    def silent(request):
        release.wait(30)
        return Response("{}", content_type="application/json")

    httpserver.expect_request(PATH).respond_with_handler(silent)
    started = time.monotonic()
    try:
        with pytest.raises(AzureAnswerError, match="did not answer within the 1 s deadline"):
            sync_prices(catalog, "eastus2", httpserver.url_for(PATH), limits=Limits(timeout=1))
    finally:
        release.set()
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    "body,problem",
    [
        ('{"Items": [' + "[" * 5000 + "]" * 5000 + "]}", "JSON nested deeper than"),
        ('{"Items": [], "NextPageLink": 5}', "`NextPageLink` is not a URL"),
        ('{"Items": [], "x": NaN}', "NaN is not a JSON number"),
    ],
    ids=["deep", "link-not-a-url", "nan"],
)
def test_a_malformed_retail_page_is_refused_by_the_client(httpserver, catalog, body, problem):
    before = catalog.read_bytes()
    httpserver.expect_request(PATH).respond_with_data(body, content_type="application/json")
    with pytest.raises(MalformedAnswerError, match=f"^malformed answer from Azure: GET http://.*: {problem}"):
        sync_prices(catalog, "eastus2", httpserver.url_for(PATH))
    assert catalog.read_bytes() == before
