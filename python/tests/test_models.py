"""The model classes: construction, equality, JSON names, and round trips of every
entry, draft and patch class (hypothesis)."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graph_profile as gp
from graph_profile import models

ALL_CLASSES: list[type[Any]] = [
    *models.ENTRY_CLASSES.values(),
    *models.DRAFT_CLASSES.values(),
    *models.PATCH_CLASSES.values(),
]

json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
json_value = json_leaf | st.lists(json_leaf, max_size=2)
json_object = st.dictionaries(st.text(max_size=6), json_value, max_size=3)


def value_strategy(field: Any) -> st.SearchStrategy[Any]:
    kind = field.kind
    if kind in ("string", "url", "email"):
        return st.text(max_size=20)
    if kind == "enum":
        return st.sampled_from(field.members) | st.text(max_size=10)
    if kind in ("string_list", "enum_list"):
        return st.lists(st.text(max_size=8), max_size=4)
    if kind == "bool":
        return st.booleans()
    if kind == "double":
        return st.floats(allow_nan=False, allow_infinity=False)
    if kind == "date":
        return st.dates()
    if kind == "datetime":
        return st.datetimes(timezones=st.just(datetime.timezone.utc))
    if kind == "audiences":
        return st.integers(0, 127).map(gp.AllowedAudiences)
    if kind == "object":
        return json_object
    if kind == "object_list":
        return st.lists(json_object, max_size=3)
    raise AssertionError(f"no strategy for field type {kind}")


def record_strategy(cls: type[Any]) -> st.SearchStrategy[Any]:
    absent = st.just(gp.UNSET) if issubclass(cls, gp.Patch) else st.none()
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for field in cls._fields:
        choices = absent | value_strategy(field)
        if issubclass(cls, gp.Patch):
            choices = choices | st.none()  # None clears the field
        fields[field.attr] = choices
    names = set(cls._by_json)
    extra = st.dictionaries(
        st.text(min_size=1, max_size=10).filter(lambda k: k not in names), json_value, max_size=3
    )
    return st.builds(lambda values, more: cls(**values, extra=more), st.fixed_dictionaries(fields), extra)


@pytest.mark.parametrize("cls", ALL_CLASSES, ids=lambda cls: cls.__name__)
@settings(max_examples=20, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_model_round_trips_through_graph_json(cls: type[Any], data: st.DataObject) -> None:
    record = data.draw(record_strategy(cls))

    as_dict = record.to_dict()
    again = cls.from_dict(json.loads(json.dumps(as_dict)))

    assert again == record
    assert again.to_dict() == as_dict


def test_there_are_three_classes_for_each_of_the_19_facets() -> None:
    assert len(gp.FACETS) == 19
    assert len(ALL_CLASSES) == 57
    assert models.ENTRY_CLASSES["certifications"] is gp.Certification
    assert models.DRAFT_CLASSES["awards"] is gp.AwardDraft
    assert models.PATCH_CLASSES["names"] is gp.PersonNamePatch


def test_graph_names_and_dates() -> None:
    draft = gp.CertificationDraft(
        display_name="Microsoft Certified: Information Security Administrator Associate",
        certification_id="exam.ms-401",
        issued_date=datetime.date(2025, 4, 28),
        end_date=datetime.date(2027, 4, 29),
        allowed_audiences=gp.AllowedAudiences.ORGANIZATION,
    )

    assert draft.to_dict() == {
        "allowedAudiences": "organization",
        "displayName": "Microsoft Certified: Information Security Administrator Associate",
        "certificationId": "exam.ms-401",
        "issuedDate": "2025-04-28",
        "endDate": "2027-04-29",
    }
    read = gp.Certification.from_dict({"issuedDate": "2025-04-28", "displayName": "x"})
    assert read.issued_date == datetime.date(2025, 4, 28)
    assert isinstance(read.issued_date, datetime.date)


def test_equality_is_by_class_and_value() -> None:
    one = gp.AwardDraft(display_name="Introducing Topedia Blog")
    assert one == gp.AwardDraft(display_name="Introducing Topedia Blog")
    assert one != gp.AwardDraft(display_name="Other")
    assert one != gp.AwardPatch(display_name="Introducing Topedia Blog")
    assert "Topedia" in repr(one)


def test_unknown_members_and_unreadable_values_are_kept() -> None:
    sent = {
        "id": "1",
        "displayName": "x",
        "@odata.type": "#microsoft.graph.personCertification",
        "futureField": {"a": [1, 2]},
        "issuedDate": "2025-04-28T10:00:00Z",
        "allowedAudiences": "organization,galaxy",
    }

    entry = gp.Certification.from_dict(sent)

    assert entry.issued_date is None
    assert entry.allowed_audiences is None
    assert entry.extra["futureField"] == {"a": [1, 2]}
    assert entry.to_dict() == sent


def test_allowed_audiences_is_a_flag_with_graph_spelling() -> None:
    both = gp.AllowedAudiences.CONTACTS | gp.AllowedAudiences.ORGANIZATION
    assert both.to_graph() == "contacts,organization"
    assert gp.AllowedAudiences.from_graph("contacts, organization") == both
    assert gp.AllowedAudiences.ME.to_graph() == "me"
    assert gp.AllowedAudiences.from_graph("federatedOrganizations").to_graph() == (
        "federatedOrganizations"
    )
    for bits in range(128):
        flags = gp.AllowedAudiences(bits)
        assert gp.AllowedAudiences.from_graph(flags.to_graph()) == flags
    with pytest.raises(ValueError, match="galaxy"):
        gp.AllowedAudiences.from_graph("galaxy")


def test_a_patch_sends_only_what_it_sets_and_none_clears() -> None:
    patch = gp.CertificationPatch(end_date=datetime.date(2028, 4, 29), description=None)
    assert patch.to_dict() == {"description": None, "endDate": "2028-04-29"}
    assert patch.display_name is gp.UNSET
    assert not gp.UNSET


def test_drafts_have_no_read_only_fields() -> None:
    assert "id" not in gp.CertificationDraft._by_json
    assert "createdDateTime" not in gp.AwardPatch._by_json
    with pytest.raises(TypeError, match="id"):
        gp.CertificationDraft(display_name="x", id="1")  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("draft", "field", "wording"),
    [
        (gp.CertificationDraft(display_name="x", issued_date="2025-02-30"), "issuedDate", "date"),
        (
            gp.CertificationDraft(
                display_name="x",
                issued_date=datetime.date(2025, 4, 28),
                end_date=datetime.date(2024, 1, 1),
            ),
            "endDate",
            "before",
        ),
        (gp.AwardDraft(display_name=42), "displayName", "must be a string"),  # type: ignore[arg-type]
        (gp.AwardDraft(display_name="x", allowed_audiences="galaxy"), "allowedAudiences", "galaxy"),  # type: ignore[arg-type]
        (gp.CertificationDraft(display_name="x", web_url="not a url"), "webUrl", "absolute"),
        (gp.AwardDraft(display_name="x", description={1, 2}), "description", "JSON"),  # type: ignore[arg-type]
        ({"issuedDate": "2025-04-28"}, "displayName", "is required"),
    ],
)
def test_bad_input_is_a_validation_error_naming_the_field(
    draft: Any, field: str, wording: str
) -> None:
    facet = draft.facet if isinstance(draft, gp.Draft) else "certifications"
    from graph_profile import _encode, _native

    with pytest.raises(gp.ValidationError) as raised:
        _native.check_draft(facet, _encode.body(facet, "draft", draft))

    assert raised.value.field == field
    assert raised.value.facet == facet
    assert isinstance(raised.value, ValueError)
    assert wording in str(raised.value)


def test_the_generated_stubs_match_the_core_table() -> None:
    script = Path(__file__).resolve().parents[1] / "tools" / "gen_stubs.py"
    done = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
