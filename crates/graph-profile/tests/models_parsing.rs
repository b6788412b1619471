//! Calendar dates and audiences: what parses, what is refused, and that what is written
//! reads back the same.

use graph_profile::model::{
    AUDIENCE_MEMBERS, AllowedAudiences, Audiences, Date, Extensible, SkillProficiency,
};
use proptest::prelude::*;

proptest! {
    #[test]
    fn every_real_date_round_trips(year in 1u16..=9999, month in 1u8..=12, day in 1u8..=31) {
        if let Some(date) = Date::new(year, month, day) {
            let text = date.to_string();
            prop_assert_eq!(text.len(), 10);
            prop_assert_eq!(text.parse::<Date>().unwrap(), date);
            let json = serde_json::to_value(date).unwrap();
            prop_assert_eq!(serde_json::from_value::<Date>(json).unwrap(), date);
        }
    }

    #[test]
    fn parsing_agrees_with_the_calendar(year in 1u16..=9999, month in 0u8..=13, day in 0u8..=32) {
        let text = format!("{year:04}-{month:02}-{day:02}");
        prop_assert_eq!(text.parse::<Date>().ok(), Date::new(year, month, day));
    }

    #[test]
    fn arbitrary_text_never_panics_and_only_canonical_text_parses(text in "\\PC{0,14}") {
        if let Ok(date) = text.parse::<Date>() {
            prop_assert_eq!(date.to_string(), text);
        }
    }

    #[test]
    fn audiences_round_trip(bits in 0u32..128,
                            unknown in proptest::collection::btree_set("[a-z]{1,6}X", 0..3)) {
        let mut names: Vec<String> = AUDIENCE_MEMBERS
            .iter()
            .filter(|(_, value)| *value != 0 && bits & value == *value)
            .map(|(name, _)| (*name).to_owned())
            .collect();
        names.extend(unknown.iter().cloned());
        let text = if names.is_empty() { "me".to_owned() } else { names.join(",") };

        let audiences: AllowedAudiences = serde_json::from_value(text.clone().into()).unwrap();
        prop_assert_eq!(audiences.flags().bits(), bits);
        prop_assert_eq!(audiences.unknown().len(), unknown.len());
        prop_assert_eq!(serde_json::to_value(&audiences).unwrap(), serde_json::json!(text));
    }

    #[test]
    fn any_enum_text_round_trips(text in "\\PC{0,20}") {
        let value: Extensible<SkillProficiency> =
            serde_json::from_value(text.clone().into()).unwrap();
        prop_assert_eq!(serde_json::to_value(&value).unwrap(), serde_json::json!(text));
    }
}

#[test]
fn dates_must_be_calendar_dates_not_timestamps() {
    for bad in ["2025-02-30", "2025-04-28T00:00:00Z", "2025-04-28Z", "28.04.2025", "20250428"] {
        assert!(bad.parse::<Date>().is_err(), "{bad}");
        assert!(serde_json::from_str::<Date>(&format!("\"{bad}\"")).is_err(), "{bad}");
    }
    assert!(serde_json::from_str::<Date>("20250428").is_err(), "a number is not a date");
    assert!(serde_json::from_str::<Date>("\"2024-02-29\"").is_ok());
}

#[test]
fn audiences_accept_the_forms_the_service_writes() {
    let read = |text: &str| serde_json::from_value::<AllowedAudiences>(text.into()).unwrap();
    assert_eq!(read("organization").flags(), Audiences::ORGANIZATION);
    assert_eq!(
        read("contacts,organization").flags(),
        Audiences::CONTACTS | Audiences::ORGANIZATION
    );
    assert!(read("me").is_me());
    assert_eq!(read("me").flags(), Audiences::ME);
    assert_eq!(read("everyone").to_string(), "everyone");

    let written = AllowedAudiences::new(Audiences::CONTACTS | Audiences::ORGANIZATION);
    assert_eq!(serde_json::to_value(&written).unwrap(), "contacts,organization");
    assert!(serde_json::from_str::<AllowedAudiences>("8").is_err(), "a JSON number is refused");
}
