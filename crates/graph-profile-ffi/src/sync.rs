//! Bulk work: sync a desired state into users' profiles, and report expiring
//! certifications.  JSON request in, JSON out, over the core's `graph_profile::sync`
//! JSON entry points (`plan_from_json`, `apply_from_json`, `expiry_from_json`).
//!
//! The request and answer shapes are the core's, in camelCase (see the README); this
//! layer only checks the arguments and the request's keys.

use std::ffi::c_char;

use crate::cancel::{gp_cancel_token, optional_token};
use crate::client::{CLIENTS, gp_client};
use crate::guard::{Out, forbid_in_callback, guard, json_text_arg};
use crate::result::gp_result;
use crate::strings::hand_out;

/// Plans a sync: reads the current entries of every user and facet the request names and
/// compares them with the desired state.  Changes nothing.
///
/// `request_json`: `{"input": "user,facet,displayName\n...", "format": "csv" | "json"}`
/// or `{"entries": [{"user", "facet", ...fields}]}`, plus optional `"facet"` (for rows
/// that name none) and `"prune"` (plan deletes of entries the input does not hold); the
/// apply-only keys of `gp_sync_apply` are accepted and ignored.  An unknown key is
/// `GP_ERR_INVALID_JSON`; a header without a `user` column is `GP_ERR_VALIDATION`.  Bad
/// rows do not fail the call: they are listed in the plan's `errors`.
///
/// On success `*out_json` is the plan: `{"items": [{"action": "create" | "update" |
/// "delete" | "unchanged", "user", "facet", "key", "line", "entryId", "changes"}],
/// "errors": [...], "summary": {...}}`, to free with `gp_string_free`.  `cancel`: NULL,
/// or a token that cancels the call (`GP_ERR_CANCELLED`).
///
/// # Safety
/// `request_json` is NULL or NUL-terminated; `out_json` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gp_sync_plan(
    client: *const gp_client,
    request_json: *const c_char,
    cancel: *const gp_cancel_token,
    out_json: *mut *mut c_char,
) -> gp_result {
    guard("gp_sync_plan", || {
        forbid_in_callback("gp_sync_plan")?;
        let out = Out::new(out_json, "out_json")?;
        let client = CLIENTS.get(client, "client")?;
        // SAFETY: the caller promises NULL or a NUL-terminated string.
        let request = unsafe { json_text_arg(request_json, "request_json") }?;
        let cancel = optional_token(cancel, "cancel")?;

        let plan = client.sync_plan(request, cancel)?;
        // SAFETY: checked non-NULL; the caller promises it is writable.
        unsafe { out.write(hand_out(&plan)) };
        Ok(())
    })
}

/// Applies a sync: plans again against the live entries, then writes the creates,
/// updates and (with `"prune": true`) deletes through `$batch`, at a pace that follows
/// the service's throttling.
///
/// `request_json`: as for `gp_sync_plan`, plus optional `"strict"` (write nothing when any
/// row is bad), `"journal"` (a file path: the resume journal; a rerun of the same input
/// with it does not repeat earlier writes), `"maxConcurrency"`, `"initialRate"` and
/// `"maxRate"` (writes per second).  A failed entry does not fail the call: it is an
/// outcome `"failed"` with its `error`.
///
/// On success `*out_json` is the report: `{"summary", "outcomes": [{"outcome": "created"
/// | "updated" | "deleted" | "unchanged" | "failed" | "notDone", "user", "facet", "key",
/// "line", "entryId", "error", "earlierRun", "attempts"}], "errors", "interrupted",
/// "stats"}`, to free with `gp_string_free`.  Cancelling `cancel` makes the call return
/// `GP_ERR_CANCELLED` promptly; writes already done stay done and are in the journal.
///
/// # Safety
/// `request_json` is NULL or NUL-terminated; `out_json` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gp_sync_apply(
    client: *const gp_client,
    request_json: *const c_char,
    cancel: *const gp_cancel_token,
    out_json: *mut *mut c_char,
) -> gp_result {
    guard("gp_sync_apply", || {
        forbid_in_callback("gp_sync_apply")?;
        let out = Out::new(out_json, "out_json")?;
        let client = CLIENTS.get(client, "client")?;
        // SAFETY: the caller promises NULL or a NUL-terminated string.
        let request = unsafe { json_text_arg(request_json, "request_json") }?;
        let cancel = optional_token(cancel, "cancel")?;

        let report = client.sync_apply(request, cancel)?;
        // SAFETY: checked non-NULL; the caller promises it is writable.
        unsafe { out.write(hand_out(&report)) };
        Ok(())
    })
}

/// Reports certifications expired or expiring soon, for given users or every user of the
/// tenant.
///
/// `request_json`: `{"users": ["adele.vance@contoso.com"] | null, "withinDays": 30,
/// "includeExpired": true, "asOf": "2026-12-03"}`, every key optional (`users` null or
/// left out: the whole tenant; `asOf` left out: today, UTC).  An unknown key is
/// `GP_ERR_INVALID_JSON`.  A user that cannot be read is listed in the report's `errors`.
///
/// On success `*out_json` is the report: `{"asOf", "withinDays", "usersRead",
/// "certifications": [{"user", "status": "expired" | "expiring", "daysLeft", "endDate",
/// "displayName", "issuingAuthority", "certificationId", "entryId"}], "errors"}`, soonest
/// expiry first, to free with `gp_string_free`.  `cancel` as for `gp_sync_plan`.
///
/// # Safety
/// `request_json` is NULL or NUL-terminated; `out_json` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gp_expiry_report(
    client: *const gp_client,
    request_json: *const c_char,
    cancel: *const gp_cancel_token,
    out_json: *mut *mut c_char,
) -> gp_result {
    guard("gp_expiry_report", || {
        forbid_in_callback("gp_expiry_report")?;
        let out = Out::new(out_json, "out_json")?;
        let client = CLIENTS.get(client, "client")?;
        // SAFETY: the caller promises NULL or a NUL-terminated string.
        let request = unsafe { json_text_arg(request_json, "request_json") }?;
        let cancel = optional_token(cancel, "cancel")?;

        let report = client.expiry_report(request, cancel)?;
        // SAFETY: checked non-NULL; the caller promises it is writable.
        unsafe { out.write(hand_out(&report)) };
        Ok(())
    })
}
