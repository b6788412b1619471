//! An apply interrupted at arbitrary points (its future dropped mid-flight, as a
//! killed process would leave it) and run again with its journal: every entry ends
//! up written exactly once.

mod sync_support;

use std::collections::HashSet;
use std::time::Duration;

use graph_profile::sync::{ApplyOptions, NoProgress, apply};
use serde_json::json;
use sync_support::{
    Tenant, assert_each_key_once, certifications_csv, committed_writes, desired, users,
};

#[tokio::test]
async fn an_interrupted_apply_resumes_without_redoing_anything() {
    let tenant = Tenant::start(7).await;
    let people = users(20);
    tenant.add_users(&people).await;
    // A slow service, so the interruptions land in the middle.
    tenant
        .configure(json!({
            "throttle": {"writesPerSecond": 120, "burst": 20, "retryAfter": "fractional"}
        }))
        .await;

    let dir = tempfile::tempdir().unwrap();
    let state = desired(&certifications_csv(&people, 10, 2027));
    let options =
        ApplyOptions { journal: Some(dir.path().join("state.jsonl")), ..ApplyOptions::default() };

    // Two interruptions at different points, then a run to the end.
    let mut written_before = 0;
    for cut in [Duration::from_millis(700), Duration::from_millis(450)] {
        let run = apply(&tenant.client, &state, &options, &NoProgress, None);
        assert!(tokio::time::timeout(cut, run).await.is_err(), "the run ended before the cut");
        let journal = tenant.journal().await;
        let written: usize = committed_writes(&journal).values().sum();
        assert!(written > written_before && written < 200, "{written} written after the cut");
        written_before = written;
    }

    let report = apply(&tenant.client, &state, &options, &NoProgress, None).await.unwrap();
    assert!(report.succeeded(), "{:#?}", report.outcomes.iter().find(|o| o.error.is_some()));
    assert_eq!(report.summary.created, 200);
    assert!(report.summary.earlier_run > 0 && report.summary.earlier_run < 200);
    assert!(report.outcomes.iter().filter(|o| !o.earlier_run).all(|o| o.attempts >= 1));

    let journal = tenant.journal().await;
    let writes = committed_writes(&journal);
    assert_eq!(writes.len(), 200, "entries written");
    assert!(writes.values().all(|count| *count == 1), "an entry was written twice");
    assert!(writes.keys().all(|(method, _)| method == "POST"));
    assert_each_key_once(&tenant, &people, 10).await;

    // Nothing arrived before a Retry-After had run out.
    assert!(journal.iter().all(|entry| entry["early"] != json!(true)));

    // Every created entry's id is in the report, once.
    let ids: HashSet<&str> = report.outcomes.iter().filter_map(|o| o.entry_id.as_deref()).collect();
    assert_eq!(ids.len(), 200);
}
