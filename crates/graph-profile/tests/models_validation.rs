//! Validation before any request: each rule, and errors that name facet and field.

mod models_support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use graph_profile::FacetKind::{self, *};
use graph_profile::model::Facet;
use graph_profile::schema::{self, DISPLAY_NAME_MAX, URL_MAX};
use graph_profile::validate::{
    ValidationError, parse_date, prepare_draft, prepare_patch, validate_draft, validate_patch,
};
use models_support::{Shape, full_sample};
use serde_json::{Map, Value, json};

fn object(value: Value) -> Map<String, Value> {
    value.as_object().cloned().expect("test JSON is an object")
}

fn draft_error(kind: FacetKind, value: Value) -> ValidationError {
    validate_draft(kind, &object(value)).expect_err("the draft should be refused")
}

fn patch_error(kind: FacetKind, value: Value) -> ValidationError {
    validate_patch(kind, &object(value)).expect_err("the patch should be refused")
}

fn cert(extra: Value) -> Value {
    let mut draft = json!({"displayName": "Azure Administrator"});
    draft.as_object_mut().unwrap().extend(object(extra));
    draft
}

#[test]
fn the_error_names_facet_field_and_reason() {
    let err = draft_error(
        Certifications,
        cert(json!({"issuedDate": "2025-04-28", "endDate": "2025-04-27"})),
    );
    assert_eq!(err.facet, Certifications);
    assert_eq!(err.field, "endDate");
    assert_eq!(
        err.to_string(),
        "certifications.endDate: must not be before issuedDate (2025-04-28)"
    );
    let boxed: Box<dyn std::error::Error> = Box::new(err);
    assert!(boxed.to_string().starts_with("certifications.endDate"));
}

#[test]
fn required_fields_must_be_present_and_not_null() {
    for (kind, field) in
        [(Certifications, "displayName"), (Awards, "displayName"), (Emails, "address")]
    {
        let err = draft_error(kind, json!({"description": "no name"}));
        assert_eq!((err.facet, err.field.as_str()), (kind, field));
        assert!(err.reason.contains("required"), "{err}");

        let err = draft_error(kind, json!({ field: null }));
        assert_eq!(err.field, field);
    }
    assert!(validate_draft(Emails, &object(json!({"address": "ann@fabrikam.com"}))).is_ok());
}

#[test]
fn a_patch_may_clear_a_field_but_not_a_required_one() {
    assert!(validate_patch(Certifications, &object(json!({"endDate": null}))).is_ok());
    assert!(validate_patch(Certifications, &object(json!({}))).is_ok());

    let err = patch_error(Certifications, json!({"displayName": null}));
    assert_eq!(err.field, "displayName");
    assert!(err.reason.contains("cannot be cleared"), "{err}");

    let prepared = prepare_patch(Certifications, json!({"endDate": null, "id": "x"})).unwrap();
    assert_eq!(Value::Object(prepared), json!({"endDate": null}));
}

#[test]
fn types_follow_the_schema() {
    let cases = [
        (Certifications, json!({"displayName": 42}), "displayName", "must be a string"),
        (Certifications, cert(json!({"isSearchable": "yes"})), "isSearchable", "true or false"),
        (Patents, json!({"displayName": "P", "isPending": 1}), "isPending", "true or false"),
        (Skills, json!({"displayName": "Rust", "categories": "lang"}), "categories", "array"),
        (Skills, json!({"displayName": "Rust", "categories": [1]}), "categories", "string"),
        (Addresses, json!({"detail": "Main St 1"}), "detail", "JSON object"),
        (Positions, json!({"colleagues": [1]}), "colleagues", "JSON object"),
        (Certifications, cert(json!({"inference": []})), "inference", "JSON object"),
    ];
    for (kind, draft, field, reason) in cases {
        let err = draft_error(kind, draft);
        assert_eq!(err.field, field, "{err}");
        assert!(err.reason.contains(reason), "{err}");
    }
}

#[test]
fn dates_are_strict_calendar_dates() {
    for bad in ["2025-02-30", "2025-4-28", "2025-04-28T00:00:00Z", "28/04/2025", ""] {
        let err = draft_error(Certifications, cert(json!({"issuedDate": bad})));
        assert_eq!(err.field, "issuedDate", "{bad}");
        assert!(err.reason.contains("YYYY-MM-DD"), "{err}");
    }
    let err = draft_error(Anniversaries, json!({"date": 20250428}));
    assert_eq!(err.field, "date");
    assert!(
        validate_draft(Certifications, &object(cert(json!({"issuedDate": "2024-02-29"})))).is_ok()
    );
}

#[test]
fn an_end_date_before_the_issue_or_start_date_is_refused() {
    let err = draft_error(
        Certifications,
        cert(json!({"startDate": "2025-05-01", "endDate": "2025-04-30"})),
    );
    assert_eq!(
        err.to_string(),
        "certifications.endDate: must not be before startDate (2025-05-01)"
    );

    let same_day = cert(json!({"issuedDate": "2025-04-28", "endDate": "2025-04-28"}));
    assert!(validate_draft(Certifications, &object(same_day)).is_ok());

    let err = patch_error(
        EducationalActivities,
        json!({"startMonthYear": "2020-09-01", "completionMonthYear": "2019-06-01"}),
    );
    assert_eq!(err.field, "completionMonthYear");

    // A patch that moves only one date cannot be compared here: the other is stored.
    assert!(validate_patch(Certifications, &object(json!({"endDate": "2000-01-01"}))).is_ok());
}

#[test]
fn urls_must_be_absolute_http_or_https() {
    for bad in
        ["/relative", "learn.microsoft.com/x", "ftp://example.com/x", "https://", "mailto:a@b.c"]
    {
        let err = draft_error(Certifications, cert(json!({"webUrl": bad})));
        assert_eq!(err.field, "webUrl", "{bad}");
        assert!(err.reason.contains("absolute http or https URL"), "{err}");
    }
    for good in ["https://learn.microsoft.com/x?y=1#z", "http://127.0.0.1:5000/"] {
        assert!(validate_draft(Certifications, &object(cert(json!({"webUrl": good})))).is_ok());
    }

    let long = format!("https://example.com/{}", "a".repeat(URL_MAX));
    let err = draft_error(Awards, json!({"displayName": "A", "webUrl": long}));
    assert!(err.reason.contains("at most 2048 characters"), "{err}");
}

#[test]
fn email_addresses_must_be_plausible() {
    for bad in [
        "ann",
        "ann@",
        "@fabrikam.com",
        "ann@fabrikam",
        "ann @fabrikam.com",
        "a@b@fabrikam.com",
        "ann..x@fabrikam.com",
        "ann@fabrikam..com",
    ] {
        let err = draft_error(Emails, json!({"address": bad}));
        assert_eq!((err.facet, err.field.as_str()), (Emails, "address"), "{bad}");
    }
    for good in [
        "ann@fabrikam.com",
        "ann_fabrikam.com#EXT#@contoso.onmicrosoft.com",
        "o'brien+tag@contoso.com",
        "jürgen@müller.de",
    ] {
        assert!(validate_draft(Emails, &object(json!({"address": good}))).is_ok(), "{good}");
    }
}

#[test]
fn enum_members_must_be_known_on_write() {
    let err = draft_error(Skills, json!({"displayName": "Rust", "proficiency": "guru"}));
    assert_eq!(err.field, "proficiency");
    assert!(err.reason.contains("'guru' is not one of"), "{err}");
    assert!(err.reason.contains("advancedProfessional"), "the members are listed: {err}");

    // The service has returned "4" for a proficiency; writing a number is still refused.
    let err = draft_error(Skills, json!({"displayName": "Rust", "proficiency": "4"}));
    assert_eq!(err.field, "proficiency");

    let err = draft_error(
        Skills,
        json!({"displayName": "Rust",
                                         "collaborationTags": ["askMeAbout", "teachMe"]}),
    );
    assert_eq!(err.field, "collaborationTags");
    assert!(err.reason.contains("teachMe"), "{err}");

    let ok = json!({"displayName": "Rust", "proficiency": "expert",
                    "collaborationTags": ["askMeAbout", "ableToMentor"]});
    assert!(validate_draft(Skills, &object(ok)).is_ok());
    assert!(validate_draft(Phones, &object(json!({"type": "businessFax"}))).is_ok());
}

#[test]
fn audiences_are_member_names_in_the_service_spelling() {
    for good in ["me", "organization", "contacts,organization", "contacts, organization"] {
        let draft = cert(json!({"allowedAudiences": good}));
        assert!(validate_draft(Certifications, &object(draft)).is_ok(), "{good}");
    }
    for bad in ["Organization", "8", "", "contacts,", "organization,world", "[\"contacts\"]"] {
        let err = draft_error(Certifications, cert(json!({"allowedAudiences": bad})));
        assert_eq!(err.field, "allowedAudiences", "{bad}");
        assert!(err.reason.contains("federatedOrganizations"), "the members are listed: {err}");
    }
    let err = draft_error(Certifications, cert(json!({"allowedAudiences": 8})));
    assert!(err.reason.contains("must be a string"), "{err}");
}

#[test]
fn lengths_are_counted_in_characters() {
    let at_limit: String = "é".repeat(DISPLAY_NAME_MAX);
    assert!(validate_draft(Awards, &object(json!({"displayName": at_limit}))).is_ok());

    let over: String = "a".repeat(DISPLAY_NAME_MAX + 1);
    let err = draft_error(Awards, json!({"displayName": over}));
    assert_eq!(err.field, "displayName");
    assert!(err.reason.contains("at most 256 characters"), "{err}");

    let err = draft_error(Certifications, cert(json!({"description": "x".repeat(4001)})));
    assert_eq!(err.field, "description");
    let err = draft_error(Names, json!({"first": "x".repeat(1025)}));
    assert_eq!(err.field, "first");
}

#[test]
fn service_set_fields_are_refused_by_validation_and_dropped_by_prepare() {
    let err = draft_error(Certifications, cert(json!({"id": "abc"})));
    assert_eq!(err.field, "id");
    assert!(err.reason.contains("set by the service"), "{err}");
    let err = patch_error(Awards, json!({"createdDateTime": "2025-04-28T10:11:12Z"}));
    assert_eq!(err.field, "createdDateTime");

    let read_back = cert(json!({
        "@odata.context":
            "https://graph.microsoft.com/beta/$metadata#users('x')/profile/certifications/$entity",
        "id": "abc", "createdDateTime": "2025-04-28T10:11:12.123Z",
        "lastModifiedDateTime": "2025-04-28T10:11:12.123Z",
        "createdBy": {"user": {"displayName": "Admin"}}, "lastModifiedBy": null,
        "futureField": {"kept": true}
    }));
    let prepared = prepare_draft(Certifications, read_back).unwrap();
    assert_eq!(
        Value::Object(prepared),
        json!({"displayName": "Azure Administrator", "futureField": {"kept": true}})
    );
}

#[test]
fn unknown_fields_are_kept() {
    let draft = cert(json!({
        "futureField": [1, {"a": null}],
        "@odata.type": "#microsoft.graph.personCertification"
    }));
    let prepared = prepare_draft(Certifications, draft.clone()).unwrap();
    assert_eq!(Value::Object(prepared), draft);
}

#[test]
fn only_a_json_object_is_a_draft_or_patch() {
    for not_object in [json!(null), json!("text"), json!([{"displayName": "x"}]), json!(3)] {
        let err = prepare_draft(Certifications, not_object.clone()).unwrap_err();
        assert_eq!((err.facet, err.field.as_str()), (Certifications, ""));
        assert!(err.to_string().starts_with("certifications: a draft must be a JSON object"));
        let err = prepare_patch(Awards, not_object).unwrap_err();
        assert!(err.to_string().starts_with("awards: a patch must be a JSON object"), "{err}");
    }
}

#[test]
fn parse_date_names_facet_and_field() {
    let date = parse_date(Certifications, "endDate", "2026-01-31").unwrap();
    assert_eq!(date.to_string(), "2026-01-31");

    let err = parse_date(Certifications, "endDate", "2026-02-31").unwrap_err();
    assert_eq!((err.facet, err.field.as_str()), (Certifications, "endDate"));
    assert!(err.reason.contains("no such day"), "{err}");
}

/// Captures what `tracing` writes while `run` runs.
fn captured_logs(run: impl FnOnce()) -> String {
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber =
        tracing_subscriber::fmt().with_writer(move || writer.clone()).with_ansi(false).finish();
    tracing::subscriber::with_default(subscriber, run);
    let bytes = buffer.0.lock().unwrap().clone();
    String::from_utf8(bytes).unwrap()
}

#[test]
fn a_thumbnail_url_is_accepted_with_a_warning() {
    let logs = captured_logs(|| {
        let draft = cert(json!({"thumbnailUrl": "https://contoso.com/badge.png"}));
        assert!(prepare_draft(Certifications, draft).is_ok());
    });
    assert!(logs.contains("WARN"), "{logs}");
    assert!(logs.contains("thumbnailUrl") && logs.contains("placeholder"), "{logs}");

    let logs = captured_logs(|| {
        assert!(prepare_patch(Certifications, json!({"description": "x"})).is_ok());
    });
    assert!(!logs.contains("thumbnailUrl"), "no warning without a thumbnail: {logs}");
}

/// Every facet's full sample of valid values passes, as a draft and as a patch, and
/// a draft made from the typed constructor passes too.
fn samples_validate<F: Facet>() -> FacetKind {
    let kind = F::KIND;
    validate_draft(kind, &full_sample(kind, Shape::Draft)).unwrap();
    validate_patch(kind, &full_sample(kind, Shape::Patch)).unwrap();

    let required: Map<String, Value> = schema::fields(kind)
        .filter(|spec| spec.required)
        .map(|spec| (spec.name.to_owned(), models_support::sample(spec)))
        .collect();
    let draft: F::Draft = serde_json::from_value(Value::Object(required.clone())).unwrap();
    let prepared = prepare_draft(kind, serde_json::to_value(draft).unwrap()).unwrap();
    assert_eq!(prepared, required, "{kind}");
    kind
}

#[test]
fn valid_samples_of_every_facet_pass() {
    for_each_facet!(samples_validate);
}
