"""The exception tree, and the attributes errors carry from the service."""

from __future__ import annotations

import builtins
import datetime

import pytest

import graph_profile as gp

from conftest import ADMIN, Emulator


def test_the_tree() -> None:
    kinds = [
        gp.ValidationError,
        gp.ConfigError,
        gp.NotFoundError,
        gp.UnauthorizedError,
        gp.ForbiddenError,
        gp.ConflictError,
        gp.ThrottledError,
        gp.ServiceError,
        gp.TransportError,
        gp.TimeoutError,
        gp.CancelledError,
        gp.FailedDependencyError,
    ]
    assert all(issubclass(kind, gp.GraphProfileError) for kind in kinds)
    assert issubclass(gp.ValidationError, ValueError)
    assert issubclass(gp.NotFoundError, LookupError)
    assert issubclass(gp.TimeoutError, builtins.TimeoutError)
    error = gp.NotFoundError("gone", status=404, code="x", request_id="r-1")
    assert (error.status, error.code, error.request_id) == (404, "x", "r-1")
    assert "r-1" in str(error)


def test_not_found_carries_status_code_and_request_id(client: gp.Client) -> None:
    with pytest.raises(gp.NotFoundError) as raised:
        client.certifications(ADMIN).get("no-such-id")
    error = raised.value
    assert isinstance(error, LookupError)
    assert error.status == 404
    assert error.code
    assert error.request_id
    assert error.client_request_id
    assert error.facet == "certifications"
    assert isinstance(error.graph_error, dict) and error.graph_error["code"] == error.code


def test_an_unknown_user_is_not_found(client: gp.Client) -> None:
    with pytest.raises(gp.NotFoundError):
        client.awards("nobody@contoso.com").list()


def test_a_bad_token_is_unauthorized(emulator: Emulator) -> None:
    with gp.Client("not-a-token", graph_url=emulator.graph_url, max_retries=0) as client:
        with pytest.raises(gp.UnauthorizedError) as raised:
            client.awards(ADMIN).list()
    assert raised.value.status == 401


def test_a_read_only_token_is_forbidden_to_write(emulator: Emulator) -> None:
    token = emulator.token(ADMIN, "User.Read.All")
    with gp.Client(token, graph_url=emulator.graph_url, max_retries=0) as client:
        with pytest.raises(gp.ForbiddenError) as raised:
            client.awards(ADMIN).create(gp.AwardDraft(display_name="x"))
    assert raised.value.status == 403


def test_throttling_that_outlasts_the_retries(emulator: Emulator, token: str) -> None:
    emulator.configure(
        {"inject": [{"fault": "throttle", "retryAfterSeconds": 0.05, "count": 3}]}
    )
    emulator.clear_journal()
    with gp.Client(token, graph_url=emulator.graph_url, max_retries=1) as client:
        with pytest.raises(gp.ThrottledError) as raised:
            client.awards(ADMIN).list()
    assert raised.value.status == 429
    # The first try and one retry, both throttled, then the error.
    assert [entry["status"] for entry in emulator.journal()] == [429, 429]


def test_a_server_error_is_reported_at_once_with_its_status(
    emulator: Emulator, token: str
) -> None:
    # 500 is not one of the statuses worth retrying (429, 503, 504): it comes back as it is.
    emulator.configure({"inject": [{"fault": "error", "status": 500, "count": 2}]})
    emulator.clear_journal()
    with gp.Client(token, graph_url=emulator.graph_url, max_retries=3) as client:
        with pytest.raises(gp.ServiceError) as raised:
            client.awards(ADMIN).list()
    assert raised.value.status == 500
    assert [entry["status"] for entry in emulator.journal()] == [500]


def test_no_service_is_a_transport_error() -> None:
    with gp.Client("t", graph_url="http://127.0.0.1:9/beta", max_retries=0) as client:
        with pytest.raises(gp.TransportError):
            client.awards(ADMIN).list()


def test_a_slow_service_is_a_timeout(emulator: Emulator, token: str) -> None:
    emulator.configure({"latency": {"ms": 2000, "jitterMs": 0}})
    with gp.Client(token, graph_url=emulator.graph_url, max_retries=0, timeout=0.2) as client:
        with pytest.raises(gp.TimeoutError):
            client.awards(ADMIN).list()


def test_bad_settings_are_config_errors() -> None:
    with pytest.raises(gp.ConfigError, match="plain http"):
        gp.Client("t", graph_url="http://example.com/beta")
    with pytest.raises(gp.ConfigError):
        gp.Client("t", token_provider=lambda: "t")
    with pytest.raises(gp.ConfigError):
        gp.Client("t", cloud="mars")  # type: ignore[arg-type]


def test_validation_happens_before_any_request(client: gp.Client, emulator: Emulator) -> None:
    emulator.clear_journal()
    certifications = client.certifications(ADMIN)
    cases = [
        (lambda: certifications.create(gp.CertificationDraft(display_name="x", issued_date="28/04/2025")), "issuedDate"),  # type: ignore[arg-type]
        (lambda: certifications.create(gp.CertificationDraft(display_name="x", allowed_audiences="friends")), "allowedAudiences"),  # type: ignore[arg-type]
        (lambda: certifications.create({"displayName": 5}), "displayName"),
        (lambda: certifications.update("1", gp.CertificationPatch(end_date=datetime.datetime(2028, 4, 29, 10))), "endDate"),  # type: ignore[arg-type]
        (lambda: certifications.update("1", gp.CertificationPatch(web_url="ftp://x")), "webUrl"),
        (lambda: client.facet("badges", ADMIN), "facet"),
        (lambda: certifications.create(gp.AwardDraft(display_name="x")), "draft"),
    ]
    for call, field in cases:
        with pytest.raises(gp.ValidationError) as raised:
            call()
        assert raised.value.field == field, raised.value
    assert emulator.journal() == []
