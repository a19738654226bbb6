"""Malformed input for every Open311 endpoint (hypothesis): no response is a 500, every error is a
well-formed GeoReport error document in the requested format, and a refused POST writes nothing."""

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civicdesk.cases.models import Case
from civicdesk.catalogue.models import Category

from .conftest import BASE, errors_of, read

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))

PARAMETERS = [
    "api_key",
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "email",
    "device_id",
    "account_id",
    "first_name",
    "last_name",
    "phone",
    "description",
    "media_url",
    "jurisdiction_id",
    "client_request_id",
    "attribute[kind]",
    "attribute[subcategory]",
    "attribute[contact_time][]",
    "attribute[people_affected]",
    "attribute[since]",
    "attribute[",
    "attribute[]",
    "service_request_id",
    "start_date",
    "end_date",
    "status",
    "page",
    "page_size",
    "bbox",
    "updated_after",
    "updated_before",
    "extensions",
]
# Text that breaks naive code: control characters, surrogates' neighbours, huge numbers, SQL and XML.
nasty = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "1e309",
            "NaN",
            "99999999999999999999",
            "2026-02-30T25:61:00Z",
            "\x00\x01\x0b",
            "<![CDATA[x]]>",
            "' OR 1=1 --",
            "1,2,3,4",
            "-180,-90,180,90",
            "open,closed",
            "morning",
            "\ud7ff\ue000\uffff",
        ]
    ),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)
form = st.dictionaries(st.one_of(st.sampled_from(PARAMETERS), st.text(max_size=12)), nasty, max_size=10)
# A path segment: anything but what would end the path (? #), split it (/) or be taken as an escape (%).
segment = st.text(
    alphabet=st.characters(blacklist_characters="/?#%", blacklist_categories=("Cs",)), max_size=20
)
paths = st.one_of(
    st.sampled_from(
        ["discovery", "services", "requests", "servicerequestupdates", "tokens/x", "services/1", "requests/1"]
    ),
    st.builds(
        lambda resource, tail: f"{resource}/{tail}",
        st.sampled_from(["requests", "services", "tokens"]),
        segment,
    ),
    segment,
)


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    """Hundreds of requests from one address in one test: the limits are tested in civicdesk/ratelimit."""
    settings.CIVICDESK_RATE_LIMITS = {scope: "off" for scope in ("open311_get", "open311_post")}


def check(response, fmt):
    assert response.status_code < 500, response.content[:500]
    if response.status_code >= 400:
        errors_of(response, fmt if fmt in ("json", "xml") else "json")
    else:
        read(response, fmt)


@pytest.fixture
def real_service(db):
    return str(Category.objects.get(full_name="城乡建设/城市建设和市政管理/城市公共设施").pk)


@pytest.mark.parametrize("fmt", ["json", "xml", "csv"])
def test_malformed_posts(client, city, api_key, real_service, fmt):
    raw = api_key[1]

    @given(data=form, keyed=st.booleans(), real=st.booleans())
    @FUZZ
    def fuzz(data, keyed, real):
        data = dict(data)
        if keyed:
            data["api_key"] = raw
        if real:
            data["service_code"] = real_service
        for endpoint in ("requests", "servicerequestupdates"):
            before = Case.objects.count()
            response = client.post(f"{BASE}{endpoint}.{fmt}", data)
            check(response, fmt)
            if response.status_code >= 400:
                assert Case.objects.count() == before

    fuzz()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_malformed_queries_and_paths(client, city, submit, fmt):
    submit()

    @given(path=paths, params=form)
    @FUZZ
    def fuzz(path, params):
        check(client.get(f"{BASE}{path}.{fmt}", params), fmt)

    fuzz()
