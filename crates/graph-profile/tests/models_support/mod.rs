//! Shared by the models_* tests: JSON for any facet, built from the schema table, so
//! the tests cover every field of every facet without listing them again.

#![allow(dead_code)]

use graph_profile::FacetKind;
use graph_profile::model::AUDIENCE_MEMBERS;
use graph_profile::schema::{self, FieldSpec, FieldType};
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Map, Value, json};

/// Runs `$check::<Type>()` for the entry type of every facet.
#[macro_export]
macro_rules! for_each_facet {
    ($check:ident) => {{
        use graph_profile::model::*;
        let kinds = [
            $check::<Account>(),
            $check::<Address>(),
            $check::<Anniversary>(),
            $check::<Award>(),
            $check::<Certification>(),
            $check::<EducationalActivity>(),
            $check::<Email>(),
            $check::<Interest>(),
            $check::<Language>(),
            $check::<PersonName>(),
            $check::<Note>(),
            $check::<Patent>(),
            $check::<Phone>(),
            $check::<Position>(),
            $check::<Project>(),
            $check::<Publication>(),
            $check::<Skill>(),
            $check::<WebAccount>(),
            $check::<Website>(),
        ];
        kinds
    }};
}

/// What the JSON is for: what the service returns, a create, or an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Any field, service-set ones too; enums may hold members this version lacks.
    Read,
    /// Writable fields, required ones always present.
    Draft,
    /// Writable fields, optional ones possibly `null`.
    Patch,
}

/// A typical valid value of each field type, for "every field set" tests.
pub fn sample(spec: &FieldSpec) -> Value {
    match (spec.name, spec.ty) {
        ("inference", _) => json!({"confidenceScore": 0.75, "userHasVerifiedAccuracy": true}),
        ("createdBy" | "lastModifiedBy", _) => {
            json!({"user": {"displayName": "Admin", "id": "0c6b3a41-2d0e-4d7b-9b7e-3f1c1a2b3c4d"}})
        }
        ("sources", _) => json!([{"isDefaultSource": true, "properties": ["displayName"],
                                   "sourceId": "s1"}]),
        (_, FieldType::String) => json!("Text ÄÖ #EXT# 'quote'"),
        (_, FieldType::Url) => json!("https://learn.microsoft.com/credentials/x?a=1"),
        (_, FieldType::Email) => json!("adele.vance@contoso.com"),
        (_, FieldType::Bool) => json!(true),
        (_, FieldType::Double) => json!(0.5),
        (_, FieldType::Date) => json!("2025-04-28"),
        (_, FieldType::DateTime) => json!("2025-04-28T10:11:12.123Z"),
        (_, FieldType::Enum(members)) => json!(members[0]),
        (_, FieldType::StringList) => json!(["one", "two"]),
        (_, FieldType::EnumList(members)) => json!([members[0], members[1]]),
        (_, FieldType::Audiences) => json!("contacts,organization"),
        (_, FieldType::Object) => json!({"kind": "sample", "nested": {"n": 1}}),
        (_, FieldType::ObjectList) => json!([{"displayName": "Megan"}]),
    }
}

/// Every field of `kind` that `shape` may hold, each with its [`sample`] value; a
/// nested complex value has every documented field set ([`full_complex`]).
pub fn full_sample(kind: FacetKind, shape: Shape) -> Map<String, Value> {
    schema::fields(kind)
        .filter(|spec| shape == Shape::Read || !spec.read_only)
        .map(|spec| {
            let value = match (complex_fields(kind, spec.name), spec.ty) {
                (Some(fields), FieldType::ObjectList) => json!([full_complex(fields)]),
                (Some(fields), _) => full_complex(fields),
                (None, _) => sample(spec),
            };
            (spec.name.to_owned(), value)
        })
        .collect()
}

/// One field of a nested complex value, as the test data builds it.
#[derive(Debug, Clone, Copy)]
pub enum Part {
    Text,
    /// Edm.Date.
    Date,
    Int,
    Double,
    TextList,
    Member(&'static [&'static str]),
    Nested(&'static [(&'static str, Part)]),
}

/// `physicalAddress`, per the Graph beta documentation.
pub const PHYSICAL_ADDRESS: &[(&str, Part)] = &[
    ("city", Part::Text),
    ("countryOrRegion", Part::Text),
    ("postalCode", Part::Text),
    ("postOfficeBox", Part::Text),
    ("state", Part::Text),
    ("street", Part::Text),
    ("type", Part::Member(&["unknown", "home", "business", "other"])),
];

/// `geoCoordinates`.
pub const GEO_COORDINATES: &[(&str, Part)] =
    &[("altitude", Part::Double), ("latitude", Part::Double), ("longitude", Part::Double)];

/// `companyDetail`.
pub const COMPANY_DETAIL: &[(&str, Part)] = &[
    ("address", Part::Nested(PHYSICAL_ADDRESS)),
    ("companyCode", Part::Text),
    ("costCenter", Part::Text),
    ("department", Part::Text),
    ("displayName", Part::Text),
    ("division", Part::Text),
    ("officeLocation", Part::Text),
    ("pronunciation", Part::Text),
    ("secondaryDepartment", Part::Text),
    ("webUrl", Part::Text),
];

/// `positionDetail`.
pub const POSITION_DETAIL: &[(&str, Part)] = &[
    ("company", Part::Nested(COMPANY_DETAIL)),
    ("description", Part::Text),
    ("employeeId", Part::Text),
    ("employeeType", Part::Text),
    ("endMonthYear", Part::Date),
    ("jobTitle", Part::Text),
    ("layer", Part::Int),
    ("level", Part::Text),
    ("role", Part::Text),
    ("secondaryJobTitle", Part::Text),
    ("secondaryRole", Part::Text),
    ("startMonthYear", Part::Date),
    ("summary", Part::Text),
];

/// `relatedPerson`.
pub const RELATED_PERSON: &[(&str, Part)] = &[
    ("displayName", Part::Text),
    ("relationship", Part::Member(&["manager", "colleague", "directReport", "sponsor"])),
    ("relationshipLabel", Part::Text),
    ("userId", Part::Text),
    ("userPrincipalName", Part::Text),
];

/// `institutionData`.
pub const INSTITUTION_DATA: &[(&str, Part)] = &[
    ("description", Part::Text),
    ("displayName", Part::Text),
    ("location", Part::Nested(PHYSICAL_ADDRESS)),
    ("webUrl", Part::Text),
];

/// `educationalActivityDetail`.
pub const EDUCATIONAL_ACTIVITY_DETAIL: &[(&str, Part)] = &[
    ("abbreviation", Part::Text),
    ("activities", Part::TextList),
    ("awards", Part::TextList),
    ("description", Part::Text),
    ("displayName", Part::Text),
    ("fieldsOfStudy", Part::TextList),
    ("grade", Part::Text),
    ("notes", Part::Text),
    ("webUrl", Part::Text),
];

/// `personNamePronunciation` (`yomiPersonName` in older docs).
pub const PERSON_NAME_PRONUNCIATION: &[(&str, Part)] = &[
    ("displayName", Part::Text),
    ("first", Part::Text),
    ("last", Part::Text),
    ("maiden", Part::Text),
    ("middle", Part::Text),
];

/// `itemBody`.
pub const ITEM_BODY: &[(&str, Part)] =
    &[("content", Part::Text), ("contentType", Part::Member(&["text", "html"]))];

/// `serviceInformation`.
pub const SERVICE_INFORMATION: &[(&str, Part)] = &[("name", Part::Text), ("webUrl", Part::Text)];

/// `localeInfo`.
pub const LOCALE_INFO: &[(&str, Part)] = &[("displayName", Part::Text), ("locale", Part::Text)];

/// `originTenantInfo`.
pub const ORIGIN_TENANT_INFO: &[(&str, Part)] =
    &[("originTenantId", Part::Text), ("originUserId", Part::Text)];

/// The documented fields of the complex value held in `kind`'s field `name`, if any.
pub fn complex_fields(kind: FacetKind, name: &str) -> Option<&'static [(&'static str, Part)]> {
    use FacetKind::*;
    Some(match (kind, name) {
        (Positions | Projects, "detail") => POSITION_DETAIL,
        (Positions, "manager") | (Positions | Projects, "colleagues") => RELATED_PERSON,
        (Projects, "sponsors") => RELATED_PERSON,
        (Projects, "client") => COMPANY_DETAIL,
        (EducationalActivities, "institution") => INSTITUTION_DATA,
        (EducationalActivities, "program") => EDUCATIONAL_ACTIVITY_DETAIL,
        (Names, "pronunciation") => PERSON_NAME_PRONUNCIATION,
        (Notes, "detail") => ITEM_BODY,
        (Addresses, "detail") => PHYSICAL_ADDRESS,
        (Addresses, "geoCoordinates") => GEO_COORDINATES,
        (WebAccounts, "service") => SERVICE_INFORMATION,
        (Account, "preferredLanguageTag") => LOCALE_INFO,
        (Account, "originTenantInfo") => ORIGIN_TENANT_INFO,
        _ => return None,
    })
}

/// A complex value with every documented field set, nested ones too.
pub fn full_complex(fields: &[(&str, Part)]) -> Value {
    let object: Map<String, Value> = fields
        .iter()
        .map(|(name, part)| {
            let value = match part {
                Part::Text => json!("Text ÄÖ #EXT# 'quote'"),
                Part::Date => json!("2025-04-28"),
                Part::Int => json!(3),
                Part::Double => json!(60.1699),
                Part::TextList => json!(["one", "two"]),
                Part::Member(members) => json!(members[0]),
                Part::Nested(inner) => full_complex(inner),
            };
            ((*name).to_owned(), value)
        })
        .collect();
    Value::Object(object)
}

/// A complex value: a random choice of its documented fields, plus unknown fields (which
/// must survive a round trip), nested values built the same way.
pub fn complex_value(
    fields: &'static [(&'static str, Part)],
    shape: Shape,
) -> BoxedStrategy<Value> {
    let parts: Vec<BoxedStrategy<Option<(String, Value)>>> = fields
        .iter()
        .map(|(name, part)| {
            let value = match *part {
                Part::Text => text().prop_map(Value::from).boxed(),
                Part::Date => date().prop_map(Value::from).boxed(),
                Part::Int => any::<i32>().prop_map(Value::from).boxed(),
                Part::Double => {
                    (-180_000i32..180_000).prop_map(|n| Value::from(f64::from(n) / 1000.0)).boxed()
                }
                Part::TextList => {
                    proptest::collection::vec(text(), 0..3).prop_map(Value::from).boxed()
                }
                Part::Member(members) => member(members, shape).prop_map(Value::from).boxed(),
                Part::Nested(inner) => complex_value(inner, shape),
            };
            let name = (*name).to_owned();
            proptest::option::of(value.prop_map(move |value| (name.clone(), value))).boxed()
        })
        .collect();

    (parts, unknown_fields())
        .prop_map(|(parts, extra)| {
            let mut object: Map<String, Value> = parts.into_iter().flatten().collect();
            object.extend(extra);
            Value::Object(object)
        })
        .boxed()
}

fn text() -> BoxedStrategy<String> {
    // Hostile characters on purpose: quotes, '#', '%', non-ASCII, escapes.
    "[a-zA-Z0-9 éüß日本'\"#%+/\\\\-]{0,16}".boxed()
}

fn unknown_member() -> BoxedStrategy<String> {
    prop_oneof![
        "[a-z]{2,8}Future[A-Z][a-z]{0,4}",
        // The service has returned enum members as numbers in strings ("4").
        "[0-9]{1,2}",
    ]
    .boxed()
}

fn member(members: &'static [&'static str], shape: Shape) -> BoxedStrategy<String> {
    let known = select(members).prop_map(str::to_owned);
    match shape {
        Shape::Read => prop_oneof![3 => known, 1 => unknown_member()].boxed(),
        _ => known.boxed(),
    }
}

fn date() -> BoxedStrategy<String> {
    (1u16..=9999, 1u8..=12, 1u8..=31)
        .prop_filter_map("no such day", |(y, m, d)| {
            graph_profile::model::Date::new(y, m, d).map(|date| date.to_string())
        })
        .boxed()
}

fn date_time() -> BoxedStrategy<String> {
    (date(), 0u8..24, 0u8..60, 0u8..60, 0u16..1000)
        .prop_map(|(d, h, m, s, ms)| format!("{d}T{h:02}:{m:02}:{s:02}.{ms:03}Z"))
        .boxed()
}

fn audiences(shape: Shape) -> BoxedStrategy<String> {
    let unknown = match shape {
        Shape::Read => proptest::collection::btree_set("[a-z]{2,6}Future", 0..3).boxed(),
        _ => Just(Default::default()).boxed(),
    };
    (0u32..128, unknown)
        .prop_map(|(bits, unknown)| {
            // Written the way the model writes: known members by value, then the rest.
            let names: Vec<String> = AUDIENCE_MEMBERS
                .iter()
                .filter(|(_, value)| *value != 0 && bits & value == *value)
                .map(|(name, _)| (*name).to_owned())
                .chain(unknown)
                .collect();
            if names.is_empty() { "me".to_owned() } else { names.join(",") }
        })
        .boxed()
}

/// Any JSON, two levels deep, without floats (whose text need not survive exactly).
pub fn any_json() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(2, 8, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Value::from),
            proptest::collection::btree_map("[a-zA-Z]{1,6}", inner, 0..3)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
    .boxed()
}

fn any_object() -> BoxedStrategy<Value> {
    proptest::collection::btree_map("[a-zA-Z]{1,8}", any_json(), 0..3)
        .prop_map(|map| Value::Object(map.into_iter().collect()))
        .boxed()
}

/// Fields a newer service might send: names no facet uses, any JSON value.
fn unknown_fields() -> BoxedStrategy<Map<String, Value>> {
    let name = prop_oneof!["[a-z]{2,8}Future[A-Z][a-z]{0,6}", Just("@odata.etag".to_owned())];
    proptest::collection::btree_map(name, any_json(), 0..3)
        .prop_map(|map| map.into_iter().collect())
        .boxed()
}

fn identity() -> BoxedStrategy<Value> {
    (text(), "[0-9a-f]{8}", unknown_fields())
        .prop_map(|(name, id, extra)| {
            let mut object = json!({"displayName": name, "id": id});
            object.as_object_mut().unwrap().extend(extra);
            object
        })
        .boxed()
}

/// A valid value for one field of `kind`, in the given shape.
pub fn value_for(kind: FacetKind, spec: &FieldSpec, shape: Shape) -> BoxedStrategy<Value> {
    let strategy = match (spec.name, spec.ty, complex_fields(kind, spec.name)) {
        (_, FieldType::ObjectList, Some(fields)) => {
            proptest::collection::vec(complex_value(fields, shape), 0..3)
                .prop_map(Value::from)
                .boxed()
        }
        (_, _, Some(fields)) => complex_value(fields, shape),
        ("inference", _, _) => (1u32..1000, any::<bool>(), unknown_fields())
            .prop_map(|(score, verified, extra)| {
                let mut object = json!({"confidenceScore": f64::from(score) / 1000.0,
                                        "userHasVerifiedAccuracy": verified});
                object.as_object_mut().unwrap().extend(extra);
                object
            })
            .boxed(),
        ("createdBy" | "lastModifiedBy", _, _) => (identity(), proptest::option::of(identity()))
            .prop_map(|(user, application)| match application {
                Some(application) => json!({"user": user, "application": application}),
                None => json!({"user": user}),
            })
            .boxed(),
        ("sources", _, _) => proptest::collection::vec(
            (any::<bool>(), proptest::collection::vec(text(), 0..2), text(), unknown_fields())
                .prop_map(|(default, properties, id, extra)| {
                    let mut object = json!({"isDefaultSource": default,
                                            "properties": properties, "sourceId": id});
                    object.as_object_mut().unwrap().extend(extra);
                    object
                }),
            0..2,
        )
        .prop_map(Value::from)
        .boxed(),
        (_, FieldType::String, _) => text().prop_map(Value::from).boxed(),
        (_, FieldType::Url, _) => {
            "https?://[a-z]{1,10}\\.example\\.com/[a-z0-9]{0,8}".prop_map(Value::from).boxed()
        }
        (_, FieldType::Email, _) => {
            "[a-z]{1,8}\\.?[a-z]{1,4}@[a-z]{1,8}\\.(com|org|fi)".prop_map(Value::from).boxed()
        }
        (_, FieldType::Bool, _) => any::<bool>().prop_map(Value::from).boxed(),
        (_, FieldType::Double, _) => {
            (1u32..1000).prop_map(|n| Value::from(f64::from(n) / 1000.0)).boxed()
        }
        (_, FieldType::Date, _) => date().prop_map(Value::from).boxed(),
        (_, FieldType::DateTime, _) => date_time().prop_map(Value::from).boxed(),
        (_, FieldType::Enum(members), _) => member(members, shape).prop_map(Value::from).boxed(),
        (_, FieldType::StringList, _) => {
            proptest::collection::vec(text(), 0..3).prop_map(Value::from).boxed()
        }
        (_, FieldType::EnumList(members), _) => {
            proptest::collection::vec(member(members, shape), 0..3).prop_map(Value::from).boxed()
        }
        (_, FieldType::Audiences, _) => audiences(shape).prop_map(Value::from).boxed(),
        (_, FieldType::Object, _) => any_object(),
        (_, FieldType::ObjectList, _) => {
            proptest::collection::vec(any_object(), 0..3).prop_map(Value::from).boxed()
        }
    };

    // A patch may clear any field the service does not require.
    if shape == Shape::Patch && !spec.required {
        prop_oneof![4 => strategy, 1 => Just(Value::Null)].boxed()
    } else {
        strategy
    }
}

/// JSON for one entry of `kind` in the given shape: a random choice of its fields with
/// valid values (required ones always, for a draft), plus unknown fields.
pub fn facet_json(kind: FacetKind, shape: Shape) -> BoxedStrategy<Map<String, Value>> {
    let fields: Vec<BoxedStrategy<Option<(String, Value)>>> = schema::fields(kind)
        .filter(|spec| shape == Shape::Read || !spec.read_only)
        .map(|spec| {
            let name = spec.name.to_owned();
            let value = value_for(kind, spec, shape).prop_map(move |value| (name.clone(), value));
            if shape == Shape::Draft && spec.required {
                value.prop_map(Some).boxed()
            } else {
                proptest::option::of(value).boxed()
            }
        })
        .collect();

    (fields, unknown_fields())
        .prop_map(|(fields, extra)| {
            let mut object: Map<String, Value> = fields.into_iter().flatten().collect();
            object.extend(extra);
            object
        })
        .boxed()
}
