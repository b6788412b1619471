//! An apply under injected faults: 503s, connections dropped before and after a
//! write was committed, and throttling.  The emulator's journal must show every
//! entry written exactly once, creates and then updates.

mod sync_support;

use graph_profile::sync::{ApplyOptions, NoProgress, apply};
use serde_json::json;
use sync_support::{
    Tenant, assert_each_key_once, certifications_csv, committed_writes, desired, users,
};

#[tokio::test]
async fn faults_do_not_lose_or_duplicate_writes() {
    let tenant = Tenant::start(50).await;
    let people = users(30);
    tenant.add_users(&people).await;
    tenant
        .configure(json!({
            "seed": 7,
            "throttle": {"writesPerSecond": 400, "burst": 40, "retryAfter": "fractional"},
            "errors": {"rate": 0.05, "statuses": [503], "retryAfterSeconds": 0.2,
                       "retryAfter": "fractional"},
            "drops": {"beforeWriteRate": 0.03, "afterWriteRate": 0.08}
        }))
        .await;

    // Creates.
    let state = desired(&certifications_csv(&people, 10, 2027));
    let report =
        apply(&tenant.client, &state, &ApplyOptions::default(), &NoProgress, None).await.unwrap();
    assert!(report.succeeded(), "{:#?}", report.outcomes.iter().find(|o| o.error.is_some()));
    assert_eq!(report.summary.created, 300);
    assert!(report.stats.read_backs > 0, "no fault met an item: {:?}", report.stats);

    let journal = tenant.journal().await;
    let dropped_after = journal.iter().filter(|e| e["fault"] == "dropAfterWrite").count();
    assert!(dropped_after > 0, "no connection was dropped after a write");
    let creates = committed_writes(&journal);
    assert_eq!(creates.len(), 300);
    assert!(creates.values().all(|count| *count == 1), "an entry was created twice");
    // Every Retry-After was waited for, by every request, except a request already on
    // its way when another answer gave one (4 batches are in flight at once).  Counted
    // in HTTP requests: the items of a `$batch` that came early are journaled as early
    // too, but they are one request.
    let early: Vec<&serde_json::Value> = journal
        .iter()
        .filter(|e| e["early"] == json!(true) && e.get("batchItemId").is_none())
        .collect();
    let retry_afters = journal.iter().filter(|e| e["retryAfter"].is_string()).count();
    assert!(
        early.len() <= 3 && early.len() < retry_afters.max(1),
        "{} requests came before a Retry-After ran out: {:?}",
        early.len(),
        early.first()
    );
    let seen = journal.len();

    // Updates: every end date moves.
    let state = desired(&certifications_csv(&people, 10, 2029));
    let report =
        apply(&tenant.client, &state, &ApplyOptions::default(), &NoProgress, None).await.unwrap();
    assert!(report.succeeded());
    assert_eq!(report.summary.updated, 300);

    let journal = tenant.journal().await;
    let updates = committed_writes(&journal[seen..]);
    assert_eq!(updates.len(), 300);
    assert!(updates.iter().all(|((method, _), count)| method == "PATCH" && *count == 1));
    assert_each_key_once(&tenant, &people, 10).await;

    tenant.calm().await;
    for user in &people[..3] {
        let entries = tenant.entries(user, graph_profile::FacetKind::Certifications).await;
        assert!(entries.iter().all(|e| e["endDate"] == "2029-06-30"));
    }
}
