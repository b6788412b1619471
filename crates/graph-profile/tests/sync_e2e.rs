//! Plan and apply against the emulator over real HTTP: creates, updates with the
//! fields that change, prune, bad rows, `--strict`, and the expiry report.

mod sync_support;

use graph_profile::FacetKind;
use graph_profile::sync::{
    Action, ApplyOptions, ExpiryOptions, NoProgress, Outcome, PlanOptions, apply, expiry_report,
    plan, tenant_users,
};
use serde_json::json;
use sync_support::{Tenant, desired, users};

const HEADER: &str = "user,facet,displayName,issuingAuthority,certificationId,endDate\n";

#[tokio::test]
async fn plan_apply_and_plan_again() {
    let tenant = Tenant::start(2).await;
    let people = users(3);
    tenant.add_users(&people).await;

    let mut csv = String::from(HEADER);
    for user in &people {
        csv.push_str(&format!(
            "{user},certifications,Azure Administrator,Microsoft,AZ-104,2027-01-31\n"
        ));
        csv.push_str(&format!("{user},certifications,CKA,CNCF,,2026-12-20\n"));
        csv.push_str(&format!("{user},awards,Innovator of the Year,Contoso,,\n"));
    }
    let state = desired(&csv);
    assert!(state.errors.is_empty(), "{:?}", state.errors);

    let first = plan(&tenant.client, &state, &PlanOptions::default(), &NoProgress).await.unwrap();
    assert_eq!(first.summary.creates, 9);
    assert_eq!(first.summary.unchanged, 0);
    // A plan changes nothing.
    assert!(tenant.entries(&people[0], FacetKind::Certifications).await.is_empty());

    let report =
        apply(&tenant.client, &state, &ApplyOptions::default(), &NoProgress, None).await.unwrap();
    assert!(report.succeeded(), "{:#?}", report.outcomes);
    assert_eq!(report.summary.created, 9);
    assert!(report.outcomes.iter().all(|o| o.entry_id.is_some()));

    let again = plan(&tenant.client, &state, &PlanOptions::default(), &NoProgress).await.unwrap();
    assert_eq!((again.summary.creates, again.summary.unchanged), (0, 9));

    // A new end date, one row gone, and a prune.
    let changed = csv
        .replace(
            &format!(
                "{},certifications,Azure Administrator,Microsoft,AZ-104,2027-01-31",
                people[0]
            ),
            &format!(
                "{},certifications,Azure Administrator,Microsoft,AZ-104,2028-01-31",
                people[0]
            ),
        )
        .replace(&format!("{},certifications,CKA,CNCF,,2026-12-20\n", people[1]), "");
    let state = desired(&changed);
    let options = PlanOptions { prune: true };
    let third = plan(&tenant.client, &state, &options, &NoProgress).await.unwrap();
    assert_eq!(
        (third.summary.updates, third.summary.deletes, third.summary.unchanged),
        (1, 1, 7),
        "{}",
        third.to_table(false)
    );
    let update = third.items.iter().find(|i| i.action == Action::Update).unwrap();
    assert_eq!(update.changes.len(), 1);
    assert_eq!(update.changes[0].field, "endDate");
    assert_eq!(
        (&update.changes[0].old, &update.changes[0].new),
        (&json!("2027-01-31"), &json!("2028-01-31"))
    );
    let table = third.to_table(false);
    assert!(table.contains("endDate: 2027-01-31 → 2028-01-31"), "{table}");

    let options = ApplyOptions { prune: true, ..ApplyOptions::default() };
    let report = apply(&tenant.client, &state, &options, &NoProgress, None).await.unwrap();
    assert!(report.succeeded());
    assert_eq!((report.summary.updated, report.summary.deleted), (1, 1));
    assert_eq!(tenant.entries(&people[1], FacetKind::Certifications).await.len(), 1);
    let first_user = tenant.entries(&people[0], FacetKind::Certifications).await;
    assert!(first_user.iter().any(|e| e["endDate"] == "2028-01-31"));
}

#[tokio::test]
async fn bad_rows_are_reported_by_line_and_good_rows_still_apply() {
    let tenant = Tenant::start(100).await;
    let people = users(2);
    tenant.add_users(&people).await;

    let csv = format!(
        "{HEADER}{a},certifications,Good One,Microsoft,,2027-01-31\n\
         {a},certifications,Bad Date,Microsoft,,2027-02-30\n\
         ghost@contoso.com,certifications,Haunted,Nobody,,\n\
         {b},certifications,Twice,X,T-1,\n\
         {b},certifications,Twice again,X,t-1,\n\
         {b},awards,Hero,ACME,,\n\
         {b},certifications,Missing cells\n",
        a = people[0],
        b = people[1]
    );
    let state = desired(&csv);

    // --strict: nothing at all is written.
    let strict = ApplyOptions { strict: true, ..ApplyOptions::default() };
    let report = apply(&tenant.client, &state, &strict, &NoProgress, None).await.unwrap();
    assert!(!report.succeeded());
    assert!(report.outcomes.iter().all(|o| o.outcome == Outcome::NotDone));
    assert!(tenant.entries(&people[0], FacetKind::Certifications).await.is_empty());

    let report =
        apply(&tenant.client, &state, &ApplyOptions::default(), &NoProgress, None).await.unwrap();
    let bad: Vec<(usize, Option<&str>)> =
        report.errors.iter().map(|e| (e.line, e.field.as_deref())).collect();
    assert_eq!(
        bad,
        [(3, Some("endDate")), (4, Some("user")), (5, None), (6, None), (8, None)],
        "{:#?}",
        report.errors
    );
    assert!(report.errors[1].reason.contains("does not know this user"), "{}", report.errors[1]);
    assert!(report.errors[2].reason.contains("duplicate key"), "{}", report.errors[2]);
    assert_eq!(report.summary.created, 2, "{:#?}", report.outcomes);
    assert_eq!(report.summary.bad_rows, 5);
    assert_eq!(tenant.entries(&people[0], FacetKind::Certifications).await.len(), 1);
    assert_eq!(tenant.entries(&people[1], FacetKind::Awards).await.len(), 1);
}

#[tokio::test]
async fn the_expiry_report_covers_given_users_and_the_tenant() {
    let tenant = Tenant::start(100).await;
    let people = users(2);
    tenant.add_users(&people).await;
    let csv = format!(
        "{HEADER}{a},certifications,Expired,X,,2026-11-01\n\
         {a},certifications,Soon,X,,2026-12-20\n\
         {b},certifications,Later,X,,2027-06-01\n\
         {b},certifications,No end,X,,\n",
        a = people[0],
        b = people[1]
    );
    let report = apply(&tenant.client, &desired(&csv), &ApplyOptions::default(), &NoProgress, None)
        .await
        .unwrap();
    assert!(report.succeeded());

    let options = ExpiryOptions {
        within_days: 30,
        as_of: Some("2026-12-03".parse().unwrap()),
        ..Default::default()
    };
    let report = expiry_report(&tenant.client, &people, &options, &NoProgress).await.unwrap();
    let names: Vec<(&str, i64)> =
        report.certifications.iter().map(|c| (c.display_name.as_str(), c.days_left)).collect();
    assert_eq!(names, [("Expired", -32), ("Soon", 17)]);

    let everyone = tenant_users(&tenant.client).await.unwrap();
    assert!(everyone.contains(&people[1]) && everyone.contains(&"admin@contoso.com".to_owned()));
    let whole = expiry_report(&tenant.client, &everyone, &options, &NoProgress).await.unwrap();
    assert_eq!(whole.certifications.len(), 2);
    assert!(whole.errors.is_empty(), "{:?}", whole.errors);
}
