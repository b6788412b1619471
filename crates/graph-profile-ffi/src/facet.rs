//! Facet operations: list, get, create, update, delete, and batch.  JSON in, JSON out.
//!
//! Each export checks its arguments, looks up the client and the cancellation token,
//! and hands the call to the core; results come back as JSON strings the host frees
//! with `gp_string_free`.

use std::ffi::c_char;

use serde_json::Value;

use crate::cancel::{gp_cancel_token, optional_token};
use crate::client::{CLIENTS, gp_client};
use crate::guard::{
    Out, facet_arg, forbid_in_callback, guard, json_arg, json_text_arg, name_arg, opt_json_arg,
};
use crate::result::gp_result;
use crate::strings::hand_out_json;

/// Lists the entries of one facet of a user, following every page.
///
/// `user`: `"me"`, an object id or a user principal name.  `facet`: a collection name
/// (`"certifications"`).  `query_json`: NULL for none, or
/// `{"select": [..], "filter": "..", "orderby": "..", "top": n, "skip": n}`.
/// `cancel`: NULL, or a token that cancels the call.  On success `*out_json` is a JSON
/// array of entries, to free with `gp_string_free`.
///
/// # Safety
/// String arguments are NULL or NUL-terminated; `out_json` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gp_list(
    client: *const gp_client,
    user: *const c_char,
    facet: *const c_char,
    query_json: *const c_char,
    cancel: *const gp_cancel_token,
    out_json: *mut *mut c_char,
) -> gp_result {
    guard("gp_list", || {
        forbid_in_callback("gp_list")?;
        let out = Out::new(out_json, "out_json")?;
        let client = CLIENTS.get(client, "client")?;
        // SAFETY (all three): the caller promises NULL or NUL-terminated strings.
        let user = unsafe { name_arg(user, "user") }?;
        let facet = unsafe { facet_arg(facet, "facet") }?;
        let query = unsafe { opt_json_arg::<Value>(query_json, "query_json") }?;
        let cancel = optional_token(cancel, "cancel")?;

        let entries = client.list(user, facet, query, cancel)?;
        let text = hand_out_json(&entries)?;
        // SAFETY: checked non-NULL; the caller promises it is writable.
        unsafe { out.write(text) };
        Ok(())
    })
}

/// Reads one entry by id.
///
/// `select_json`: NULL for every field, or a JSON array of field names.  On success
/// `*out_json` is the entry as a JSON object, to free with `gp_string_free`.  Other
/// arguments as for `gp_list`.
///
/// # Safety
/// String arguments are NULL or NUL-terminated; `out_json` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gp_get(
    client: *const gp_client,
    user: *const c_char,
    facet: *const c_char,
    id: *const c_char,
    select_json: *const c_char,
    cancel: *const gp_cancel_token,
    out_json: *mut *mut c_char,
) -> gp_result {
    guard("gp_get", || {
        forbid_in_callback("gp_get")?;
        let out = Out::new(out_json, "out_json")?;
        let client = CLIENTS.get(client, "client")?;
        // SAFETY (all four): the caller promises NULL or NUL-terminated strings.
        let user = unsafe { name_arg(user, "user") }?;
        let facet = unsafe { facet_arg(facet, "facet") }?;
        let id = unsafe { name_arg(id, "id") }?;
        let select = unsafe { opt_json_arg::<Vec<String>>(select_json, "select_json") }?;
        let cancel = optional_token(cancel, "cancel")?;

        let entry = client.get(user, facet, id, select.unwrap_or_default(), cancel)?;
        let text = hand_out_json(&entry)?;
        // SAFETY: checked non-NULL; the caller promises it is writable.
        unsafe { out.write(text) };
        Ok(())
    })
}

/// Creates an entry from a draft (a JSON object of the facet's fields).  The core
/// validates it first (`GP_ERR_VALIDATION` names the field) and never creates it twice
/// when retrying.  On success `*out_json` is the created entry with its `id`.
///
/// # Safety
/// String arguments are NULL or NUL-terminated; `out_json` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gp_create(
    client: *const gp_client,
    user: *const c_char,
    facet: *const c_char,
    draft_json: *const c_char,
    cancel: *const gp_cancel_token,
    out_json: *mut *mut c_char,
) -> gp_result {
    guard("gp_create", || {
        forbid_in_callback("gp_create")?;
        let out = Out::new(out_json, "out_json")?;
        let client = CLIENTS.get(client, "client")?;
        // SAFETY (all three): the caller promises NULL or NUL-terminated strings.
        let user = unsafe { name_arg(user, "user") }?;
        let facet = unsafe { facet_arg(facet, "facet") }?;
        let draft = unsafe { json_arg::<Value>(draft_json, "draft_json") }?;
        let cancel = optional_token(cancel, "cancel")?;

        let entry = client.create(user, facet, draft, cancel)?;
        let text = hand_out_json(&entry)?;
        // SAFETY: checked non-NULL; the caller promises it is writable.
        unsafe { out.write(text) };
        Ok(())
    })
}

/// Updates an entry with a patch (a JSON object of the fields to change; `null` clears
/// a field).  On success `*out_json` is the entry as it is now.
///
/// # Safety
/// String arguments are NULL or NUL-terminated; `out_json` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gp_update(
    client: *const gp_client,
    user: *const c_char,
    facet: *const c_char,
    id: *const c_char,
    patch_json: *const c_char,
    cancel: *const gp_cancel_token,
    out_json: *mut *mut c_char,
) -> gp_result {
    guard("gp_update", || {
        forbid_in_callback("gp_update")?;
        let out = Out::new(out_json, "out_json")?;
        let client = CLIENTS.get(client, "client")?;
        // SAFETY (all four): the caller promises NULL or NUL-terminated strings.
        let user = unsafe { name_arg(user, "user") }?;
        let facet = unsafe { facet_arg(facet, "facet") }?;
        let id = unsafe { name_arg(id, "id") }?;
        let patch = unsafe { json_arg::<Value>(patch_json, "patch_json") }?;
        let cancel = optional_token(cancel, "cancel")?;

        let entry = client.update(user, facet, id, patch, cancel)?;
        let text = hand_out_json(&entry)?;
        // SAFETY: checked non-NULL; the caller promises it is writable.
        unsafe { out.write(text) };
        Ok(())
    })
}

/// Deletes an entry.  Deleting one that does not exist gives `GP_ERR_NOT_FOUND`.
///
/// # Safety
/// String arguments are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gp_delete(
    client: *const gp_client,
    user: *const c_char,
    facet: *const c_char,
    id: *const c_char,
    cancel: *const gp_cancel_token,
) -> gp_result {
    guard("gp_delete", || {
        forbid_in_callback("gp_delete")?;
        let client = CLIENTS.get(client, "client")?;
        // SAFETY (all three): the caller promises NULL or NUL-terminated strings.
        let user = unsafe { name_arg(user, "user") }?;
        let facet = unsafe { facet_arg(facet, "facet") }?;
        let id = unsafe { name_arg(id, "id") }?;
        let cancel = optional_token(cancel, "cancel")?;

        client.delete(user, facet, id, cancel)
    })
}

/// Sends many requests through Graph's JSON batching, 20 per `$batch` call, with the
/// configured concurrency.  `requests_json` is a JSON array of batch requests (see the
/// README); on success `*out_json` is a JSON array of responses in the same order.  A
/// failed request is reported in its response, not as the call's result.
///
/// # Safety
/// String arguments are NULL or NUL-terminated; `out_json` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gp_batch(
    client: *const gp_client,
    requests_json: *const c_char,
    cancel: *const gp_cancel_token,
    out_json: *mut *mut c_char,
) -> gp_result {
    guard("gp_batch", || {
        forbid_in_callback("gp_batch")?;
        let out = Out::new(out_json, "out_json")?;
        let client = CLIENTS.get(client, "client")?;
        // SAFETY: the caller promises NULL or a NUL-terminated string.
        let requests = unsafe { json_text_arg(requests_json, "requests_json") }?;
        let cancel = optional_token(cancel, "cancel")?;

        let responses = client.batch(requests, cancel)?;
        let text = hand_out_json(&responses)?;
        // SAFETY: checked non-NULL; the caller promises it is writable.
        unsafe { out.write(text) };
        Ok(())
    })
}

/// Writes the 19 facet names (collection names, as every function takes them) as a
/// JSON array to `*out_json`, to free with `gp_string_free`.
///
/// # Safety
/// `out_json` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gp_facet_names(out_json: *mut *mut c_char) -> gp_result {
    guard("gp_facet_names", || {
        let out = Out::new(out_json, "out_json")?;
        let text = hand_out_json(&profile::FacetKind::names())?;
        // SAFETY: checked non-NULL; the caller promises it is writable.
        unsafe { out.write(text) };
        Ok(())
    })
}

/// Validates a draft as `gp_create` would, without a client and without a request:
/// the fields Graph requires, formats, date ranges, enum members, lengths.  On
/// success `*out_json` is the draft as `gp_create` would send it (fields the service
/// sets are dropped), to free with `gp_string_free`; an invalid draft gives
/// `GP_ERR_VALIDATION`, with the facet and the field in the last error's detail.
///
/// # Safety
/// String arguments are NULL or NUL-terminated; `out_json` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gp_check_draft(
    facet: *const c_char,
    draft_json: *const c_char,
    out_json: *mut *mut c_char,
) -> gp_result {
    guard("gp_check_draft", || {
        let out = Out::new(out_json, "out_json")?;
        // SAFETY (both): the caller promises NULL or NUL-terminated strings.
        let facet = unsafe { facet_arg(facet, "facet") }?;
        let draft = unsafe { json_arg::<Value>(draft_json, "draft_json") }?;

        let checked =
            profile::validate::prepare_draft(facet, draft).map_err(profile::Error::from)?;
        let text = hand_out_json(&checked)?;
        // SAFETY: checked non-NULL; the caller promises it is writable.
        unsafe { out.write(text) };
        Ok(())
    })
}

/// Validates a patch as `gp_update` would, without a client and without a request.
/// Dates are checked against each other only as far as the patch holds them: an
/// `endDate` alone cannot be compared with a stored `issuedDate` (merge the stored
/// dates in first to check that).  Out-parameter and errors as `gp_check_draft`.
///
/// # Safety
/// String arguments are NULL or NUL-terminated; `out_json` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gp_check_patch(
    facet: *const c_char,
    patch_json: *const c_char,
    out_json: *mut *mut c_char,
) -> gp_result {
    guard("gp_check_patch", || {
        let out = Out::new(out_json, "out_json")?;
        // SAFETY (both): the caller promises NULL or NUL-terminated strings.
        let facet = unsafe { facet_arg(facet, "facet") }?;
        let patch = unsafe { json_arg::<Value>(patch_json, "patch_json") }?;

        let checked =
            profile::validate::prepare_patch(facet, patch).map_err(profile::Error::from)?;
        let text = hand_out_json(&checked)?;
        // SAFETY: checked non-NULL; the caller promises it is writable.
        unsafe { out.write(text) };
        Ok(())
    })
}
