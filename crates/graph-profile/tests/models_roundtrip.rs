//! JSON round trips of every facet's entry, draft and patch: what is read is written
//! back unchanged, unknown fields and unknown enum members included.

mod models_support;

use std::collections::BTreeSet;

use graph_profile::FacetKind;
use graph_profile::model::Facet;
use graph_profile::schema;
use graph_profile::validate::{prepare_draft, prepare_patch};
use models_support::{Shape, facet_json, full_sample};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

const CASES: u32 = 96;

/// Parses `json` as `T`, writes it back, and checks the JSON and the value both survive.
fn round_trip<T>(json: &Map<String, Value>) -> Result<(), TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let input = Value::Object(json.clone());
    let parsed: T = serde_json::from_value(input.clone())
        .map_err(|err| TestCaseError::fail(format!("parse failed: {err}")))?;
    let written = serde_json::to_value(&parsed).unwrap();
    prop_assert_eq!(&written, &input);

    let reparsed: T = serde_json::from_value(written).unwrap();
    prop_assert_eq!(reparsed, parsed);
    Ok(())
}

fn run(kind: FacetKind, shape: Shape, check: fn(&Map<String, Value>) -> Result<(), TestCaseError>) {
    let mut runner = TestRunner::new(Config { cases: CASES, ..Config::default() });
    if let Err(err) = runner.run(&facet_json(kind, shape), |json| check(&json)) {
        panic!("{kind} ({shape:?}): {err}");
    }
}

fn entries_drafts_and_patches_round_trip<F>() -> FacetKind
where
    F: Facet + PartialEq,
    F::Draft: PartialEq,
    F::Patch: PartialEq,
{
    run(F::KIND, Shape::Read, round_trip::<F>);
    run(F::KIND, Shape::Draft, round_trip::<F::Draft>);
    run(F::KIND, Shape::Patch, round_trip::<F::Patch>);
    F::KIND
}

#[test]
fn every_facet_round_trips_as_entry_draft_and_patch() {
    let kinds = for_each_facet!(entries_drafts_and_patches_round_trip);
    let distinct: BTreeSet<FacetKind> = kinds.into_iter().collect();
    assert_eq!(distinct.len(), FacetKind::ALL.len(), "every facet has its own type");
}

/// With every schema field set, nothing lands in the unknown-field bag: the structs
/// name every field of the schema, with the right JSON names.
fn structs_cover_the_schema<F: Facet>() -> FacetKind {
    let kind = F::KIND;

    let entry: F = serde_json::from_value(Value::Object(full_sample(kind, Shape::Read))).unwrap();
    assert!(entry.item().extra.is_empty(), "{kind}: not modelled: {:?}", entry.item().extra);
    let written = serde_json::to_value(&entry).unwrap();
    assert_eq!(written, Value::Object(full_sample(kind, Shape::Read)), "{kind}");

    for shape in [Shape::Draft, Shape::Patch] {
        let sample = Value::Object(full_sample(kind, shape));
        let written = match shape {
            Shape::Draft => {
                serde_json::to_value(serde_json::from_value::<F::Draft>(sample.clone()).unwrap())
            }
            _ => serde_json::to_value(serde_json::from_value::<F::Patch>(sample.clone()).unwrap()),
        };
        assert_eq!(written.unwrap(), sample, "{kind} {shape:?}");
    }
    kind
}

#[test]
fn the_structs_name_every_schema_field() {
    for_each_facet!(structs_cover_the_schema);
}

/// An entry read back and sent as a draft or patch (read-modify-write) loses its
/// service-set fields on the way out, and keeps everything else.
fn service_set_fields_are_never_sent<F: Facet>() -> FacetKind {
    let kind = F::KIND;
    let read = Value::Object(full_sample(kind, Shape::Read));
    let read_only: Vec<&str> =
        schema::fields(kind).filter(|spec| spec.read_only).map(|spec| spec.name).collect();
    assert!(!read_only.is_empty());

    let draft: F::Draft = serde_json::from_value(read.clone()).unwrap();
    let prepared = prepare_draft(kind, serde_json::to_value(&draft).unwrap()).unwrap();
    for name in &read_only {
        assert!(!prepared.contains_key(*name), "{kind}: a draft sends {name}");
    }
    assert_eq!(prepared, full_sample(kind, Shape::Draft), "{kind}: draft");

    let patch: F::Patch = serde_json::from_value(read).unwrap();
    let prepared = prepare_patch(kind, serde_json::to_value(&patch).unwrap()).unwrap();
    assert_eq!(prepared, full_sample(kind, Shape::Patch), "{kind}: patch");

    let empty_patch = serde_json::to_value(F::Patch::default()).unwrap();
    assert_eq!(empty_patch, serde_json::json!({}), "{kind}: an empty patch sends nothing");
    kind
}

#[test]
fn drafts_and_patches_send_no_service_set_fields() {
    for_each_facet!(service_set_fields_are_never_sent);
}

#[test]
fn a_null_field_reads_as_absent() {
    let cert: graph_profile::model::Certification = serde_json::from_value(serde_json::json!({
        "displayName": "AZ-104", "description": null, "endDate": null, "inference": null
    }))
    .unwrap();
    assert_eq!(cert.description, None);
    assert_eq!(cert.end_date, None);
    assert!(cert.item.extra.is_empty());
}
