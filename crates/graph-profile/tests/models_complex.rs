//! The complex values nested in facets (`positionDetail`, `physicalAddress`, …): typed
//! fields per the Graph beta docs, unknown fields kept at every level, Edm.Date strict.

mod models_support;

use graph_profile::model::{
    CompanyDetail, Date, EducationalActivityDetail, Extensible, GeoCoordinates, InstitutionData,
    ItemBody, LocaleInfo, OriginTenantInfo, PersonNamePronunciation, PersonRelationship,
    PhysicalAddress, PhysicalAddressType, Position, PositionDetail, PositionPatch, RelatedPerson,
    ServiceInformation,
};
use models_support::{
    COMPANY_DETAIL, EDUCATIONAL_ACTIVITY_DETAIL, GEO_COORDINATES, INSTITUTION_DATA, ITEM_BODY,
    LOCALE_INFO, ORIGIN_TENANT_INFO, PERSON_NAME_PRONUNCIATION, PHYSICAL_ADDRESS, POSITION_DETAIL,
    RELATED_PERSON, SERVICE_INFORMATION, full_complex,
};
use serde_json::{Value, json};

/// A position as the service returns it, with the nested values filled in.
fn position_json() -> Value {
    json!({
        "id": "0a1b2c3d",
        "allowedAudiences": "organization",
        "isCurrent": true,
        "categories": ["engineering"],
        "detail": {
            "jobTitle": "Senior Engineer",
            "role": "Platform lead",
            "layer": 3,
            "level": "L63",
            "startMonthYear": "2021-09-01",
            "endMonthYear": "2025-04-30",
            "company": {
                "displayName": "Contoso Ltd",
                "department": "Cloud Platform",
                "officeLocation": "Building 4, 2nd floor",
                "webUrl": "https://contoso.com",
                "address": {
                    "street": "Mannerheimintie 12",
                    "city": "Helsinki",
                    "postalCode": "00100",
                    "countryOrRegion": "Finland",
                    "type": "business"
                }
            }
        },
        "manager": {
            "displayName": "Megan Bowen",
            "relationship": "manager",
            "userPrincipalName": "megan@contoso.com"
        },
        "colleagues": [{"displayName": "Adele Vance", "relationship": "colleague"}]
    })
}

#[test]
fn a_position_with_company_address_round_trips_typed() {
    let input = position_json();
    let position: Position = serde_json::from_value(input.clone()).unwrap();

    let detail = position.detail.as_ref().unwrap();
    assert_eq!(detail.layer, Some(3));
    assert_eq!(detail.end_month_year, Date::new(2025, 4, 30));
    let address = detail.company.as_ref().unwrap().address.as_ref().unwrap();
    assert_eq!(address.city.as_deref(), Some("Helsinki"));
    assert_eq!(address.kind, Some(Extensible::Known(PhysicalAddressType::Business)));
    let manager = position.manager.as_ref().unwrap();
    assert_eq!(manager.relationship, Some(Extensible::Known(PersonRelationship::Manager)));
    assert!(detail.extra.is_empty() && address.extra.is_empty(), "every field is modelled");

    assert_eq!(serde_json::to_value(&position).unwrap(), input);
}

#[test]
fn unknown_nested_fields_survive_a_read_modify_write() {
    let mut input = position_json();
    input["detail"]["company"]["address"]["geoFutureHint"] = json!({"plusCode": "9GG65WCH+2V"});
    input["detail"]["company"]["legalFutureName"] = json!("Contoso Oy");
    input["colleagues"][0]["relationship"] = json!("mentorFutureValue");
    input["colleagues"][0]["teamFuture"] = json!([1, null, "x"]);

    let position: Position = serde_json::from_value(input.clone()).unwrap();
    let company = position.detail.as_ref().unwrap().company.as_ref().unwrap();
    assert_eq!(company.extra["legalFutureName"], json!("Contoso Oy"));
    assert_eq!(serde_json::to_value(&position).unwrap(), input);

    // An update built from what was read sends the nested unknowns back unchanged.
    let mut detail = position.detail.clone().unwrap();
    detail.job_title = Some("Principal Engineer".into());
    let patch = PositionPatch::new().detail(detail);
    let mut expected = input["detail"].clone();
    expected["jobTitle"] = json!("Principal Engineer");
    assert_eq!(serde_json::to_value(&patch).unwrap(), json!({"detail": expected}));
}

#[test]
fn a_nested_edm_date_refuses_a_timestamp() {
    let mut input = position_json();
    input["detail"]["endMonthYear"] = json!("2025-04-30T00:00:00Z");
    let err = serde_json::from_value::<Position>(input).unwrap_err();
    assert!(err.to_string().contains("2025-04-30T00:00:00Z"), "{err}");

    let detail = json!({"startMonthYear": "2021-09"});
    assert!(serde_json::from_value::<PositionDetail>(detail).is_err(), "a month is not a date");
}

#[test]
fn a_nested_null_reads_as_absent() {
    let detail: PositionDetail =
        serde_json::from_value(json!({"jobTitle": "Engineer", "company": null})).unwrap();
    assert_eq!(detail.company, None);
    assert_eq!(serde_json::to_value(&detail).unwrap(), json!({"jobTitle": "Engineer"}));
}

/// With every documented field set, nothing lands in `extra` and the JSON comes back
/// the same: the struct names each field of the docs, with the right JSON name.
macro_rules! covers_the_docs {
    ($($ty:ty => $fields:expr),* $(,)?) => {$({
        let input = full_complex($fields);
        let parsed: $ty = serde_json::from_value(input.clone()).unwrap();
        assert!(parsed.extra.is_empty(), "{}: {:?}", stringify!($ty), parsed.extra);
        assert_eq!(serde_json::to_value(&parsed).unwrap(), input, "{}", stringify!($ty));
    })*};
}

#[test]
fn every_complex_type_names_each_documented_field() {
    covers_the_docs! {
        PhysicalAddress => PHYSICAL_ADDRESS,
        GeoCoordinates => GEO_COORDINATES,
        CompanyDetail => COMPANY_DETAIL,
        PositionDetail => POSITION_DETAIL,
        RelatedPerson => RELATED_PERSON,
        InstitutionData => INSTITUTION_DATA,
        EducationalActivityDetail => EDUCATIONAL_ACTIVITY_DETAIL,
        PersonNamePronunciation => PERSON_NAME_PRONUNCIATION,
        ItemBody => ITEM_BODY,
        ServiceInformation => SERVICE_INFORMATION,
        LocaleInfo => LOCALE_INFO,
        OriginTenantInfo => ORIGIN_TENANT_INFO,
    }
}
