"""Reading ARM ids for preflight's generic resource reads: the type decides the API version."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foundry_iac.azure.live_arm import RESOURCE_API_VERSIONS, resource_type

SEGMENT = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9-]{0,20}", fullmatch=True)


@given(
    sub=SEGMENT,
    group=SEGMENT,
    namespace=st.from_regex(r"Microsoft\.[A-Za-z]{1,12}", fullmatch=True),
    pairs=st.lists(st.tuples(SEGMENT, SEGMENT), min_size=1, max_size=3),
)
def test_the_type_is_the_namespace_and_every_other_segment_lower_case(sub, group, namespace, pairs):
    path = "/".join(f"{kind}/{name}" for kind, name in pairs)
    resource_id = f"/subscriptions/{sub}/resourceGroups/{group}/providers/{namespace}/{path}"
    expected = "/".join([namespace, *(kind for kind, _ in pairs)]).lower()
    assert resource_type(resource_id) == expected
    assert resource_type(resource_id.upper()) == expected
    assert resource_type(resource_id + "/") == expected


@pytest.mark.parametrize(
    "resource_id,version",
    [
        ("/subscriptions/s/resourceGroups/r/providers/Microsoft.DocumentDB/databaseAccounts/c", "2024-11-15"),
        ("/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/st", "2023-05-01"),
        ("/subscriptions/s/resourceGroups/r/providers/Microsoft.Search/searchServices/s", "2023-11-01"),
        ("/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v/subnets/a", "2024-05-01"),
    ],
)
def test_each_agent_resource_type_has_the_api_version_microsofts_templates_use(resource_id, version):
    assert RESOURCE_API_VERSIONS[resource_type(resource_id)] == version


def test_a_credential_that_cannot_sign_in_is_named_as_such_never_as_an_http_none_denial(arm, tls):
    from azure.core.exceptions import ClientAuthenticationError

    from foundry_iac.azure.live_arm import LiveArm, LiveReadError

    class NoSignIn:
        def get_token(self, *scopes: str, **kwargs: object) -> object:
            raise ClientAuthenticationError("DefaultAzureCredential failed to retrieve a token.\nAttempted: az login")

    live = LiveArm(
        NoSignIn(),
        "00000000-0000-0000-0000-000000000001",
        f"https://127.0.0.1:{arm.port}",
        verify=str(tls[1]),
        retry_backoff=0.01,
    )
    with pytest.raises(LiveReadError) as failed:
        live.provider_state()
    live.close()
    message = failed.value.message
    assert failed.value.denied and "HTTP None" not in message and "\n" not in message
    assert message.startswith("no Azure credential could sign in to read ")
    assert "(DefaultAzureCredential failed to retrieve a token. Attempted: az login): sign in (az login" in message
    assert len(arm.log) == 0  # nothing was sent to the ARM endpoint
