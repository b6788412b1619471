//! Drafts send what a create needs and nothing the service sets; patches send only the
//! fields set, with an explicit null to clear one.

use graph_profile::FacetKind;
use graph_profile::model::*;
use graph_profile::validate::{prepare_draft, prepare_patch};
use serde_json::{Value, json};

fn date(text: &str) -> Date {
    text.parse().unwrap()
}

#[test]
fn a_draft_needs_its_required_fields_and_sends_only_what_is_set() {
    let draft = CertificationDraft::new("Azure Administrator Associate");
    assert_eq!(
        serde_json::to_value(&draft).unwrap(),
        json!({"displayName": "Azure Administrator Associate"})
    );

    let email = EmailDraft::new("ann@fabrikam.com").kind(EmailType::Work);
    assert_eq!(
        serde_json::to_value(&email).unwrap(),
        json!({"address": "ann@fabrikam.com", "type": "work"})
    );

    // A facet without required fields starts empty.
    assert_eq!(serde_json::to_value(PhoneDraft::new()).unwrap(), json!({}));
}

#[test]
fn a_certification_draft_writes_every_field_in_service_form() {
    let draft = CertificationDraft::new("AZ-104")
        .certification_id("H123-4567")
        .description("Manages Azure identities, storage and networks")
        .issuing_authority("Microsoft")
        .issuing_company("Microsoft")
        .issued_date(date("2025-04-28"))
        .start_date(date("2025-04-28"))
        .end_date(date("2026-04-28"))
        .web_url("https://learn.microsoft.com/credentials/x")
        .allowed_audiences(Audiences::CONTACTS | Audiences::ORGANIZATION)
        .is_searchable(true);

    let json = serde_json::to_value(&draft).unwrap();
    assert_eq!(
        json,
        json!({
            "displayName": "AZ-104",
            "certificationId": "H123-4567",
            "description": "Manages Azure identities, storage and networks",
            "issuingAuthority": "Microsoft",
            "issuingCompany": "Microsoft",
            "issuedDate": "2025-04-28",
            "startDate": "2025-04-28",
            "endDate": "2026-04-28",
            "webUrl": "https://learn.microsoft.com/credentials/x",
            "allowedAudiences": "contacts,organization",
            "isSearchable": true
        })
    );
    assert!(prepare_draft(FacetKind::Certifications, json).is_ok());
}

#[test]
fn an_award_draft_and_other_facets_build_the_same_way() {
    let award = AwardDraft::new("Employee of the year").issued_date(date("2024-12-31"));
    assert_eq!(
        serde_json::to_value(&award).unwrap(),
        json!({"displayName": "Employee of the year", "issuedDate": "2024-12-31"})
    );

    let skill = SkillDraft::new("Rust")
        .proficiency(SkillProficiency::AdvancedProfessional)
        .collaboration_tags(vec![CollaborationTag::AbleToMentor.into()]);
    assert_eq!(
        serde_json::to_value(&skill).unwrap(),
        json!({"displayName": "Rust", "proficiency": "advancedProfessional",
               "collaborationTags": ["ableToMentor"]})
    );

    let language = LanguageDraft::new("Finnish").spoken(LanguageProficiency::NativeOrBilingual);
    assert_eq!(serde_json::to_value(&language).unwrap()["spoken"], "nativeOrBilingual");
}

#[test]
fn a_patch_sends_only_the_fields_set() {
    assert_eq!(serde_json::to_value(CertificationPatch::new()).unwrap(), json!({}));

    let patch = CertificationPatch::new().end_date(date("2027-04-28"));
    assert_eq!(serde_json::to_value(&patch).unwrap(), json!({"endDate": "2027-04-28"}));

    let patch = AwardPatch::new().display_name("Renamed").description("New text");
    assert_eq!(
        serde_json::to_value(&patch).unwrap(),
        json!({"displayName": "Renamed", "description": "New text"})
    );
}

#[test]
fn an_explicit_null_clears_a_field() {
    let patch = CertificationPatch {
        end_date: Patch::Null,
        description: Patch::Null,
        common: ItemFacetPatch { allowed_audiences: Patch::Null, ..Default::default() },
        ..CertificationPatch::new().issuing_authority("Microsoft")
    };
    let json = serde_json::to_value(&patch).unwrap();
    assert_eq!(
        json,
        json!({"endDate": null, "description": null, "allowedAudiences": null,
               "issuingAuthority": "Microsoft"})
    );

    let prepared = prepare_patch(FacetKind::Certifications, json.clone()).unwrap();
    assert_eq!(Value::Object(prepared), json, "prepare keeps the nulls");

    let back: CertificationPatch = serde_json::from_value(json).unwrap();
    assert_eq!(back, patch);
    assert!(back.end_date.is_null());
    assert!(back.certification_id.is_unset());
}

#[test]
fn read_modify_write_keeps_unknown_fields_and_members() {
    let read = json!({
        "id": "1f7c2d0e",
        "displayName": "Rust",
        "proficiency": "4",
        "collaborationTags": ["askMeAbout", "wantsToTeach"],
        "allowedAudiences": "organization,publicInternet",
        "createdDateTime": "2025-04-28T10:11:12.123Z",
        "createdBy": {"user": {"displayName": "Admin", "id": "u1", "upn": "admin@contoso.com"}},
        "newerField": {"nested": [1, 2]}
    });
    let mut skill: Skill = serde_json::from_value(read.clone()).unwrap();
    assert_eq!(skill.proficiency, Some(Extensible::Unknown("4".to_owned())));
    assert_eq!(skill.id(), Some("1f7c2d0e"));
    assert!(skill.item.allowed_audiences.as_ref().unwrap().contains(Audiences::ORGANIZATION));
    assert_eq!(skill.item.extra["newerField"], json!({"nested": [1, 2]}));

    skill.display_name = Some("Rust (systems)".to_owned());
    let mut expected = read;
    expected["displayName"] = json!("Rust (systems)");
    assert_eq!(serde_json::to_value(&skill).unwrap(), expected);
}

#[test]
fn every_facet_kind_has_its_type() {
    assert_eq!(Certification::KIND, FacetKind::Certifications);
    assert_eq!(Award::KIND, FacetKind::Awards);
    assert_eq!(Account::KIND, FacetKind::Account);
    assert_eq!(PersonName::KIND, FacetKind::Names);
    assert_eq!(EducationalActivity::KIND, FacetKind::EducationalActivities);
    assert_eq!(WebAccount::KIND, FacetKind::WebAccounts);
}
