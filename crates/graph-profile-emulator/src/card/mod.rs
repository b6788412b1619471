//! The profile card preview at `GET /cards/{upn}` (a UPN or an object id).
//!
//! A local preview for people and tests: it needs no token, and shows what the
//! Outlook profile card would show of the user's skills, awards and
//! certifications (see [`render`] for the page itself).

mod render;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use graph_profile::FacetKind;
use rand::RngCore;
use serde_json::{Value, json};

use crate::state::AppState;

pub use render::{
    Achievement, AchievementKind, CardData, content_security_policy, escape_html, render_card,
};

/// `GET /cards/{upn}`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/cards/{user}", get(card))
}

async fn card(State(state): State<AppState>, Path(user): Path<String>) -> Response {
    let Some(user) = state.store.find_user(&user) else {
        return html_page(
            StatusCode::NOT_FOUND,
            "<!DOCTYPE html><title>No such user</title>\
             <p>No user has this principal name or id.</p>"
                .to_owned(),
            None,
        );
    };

    let store = state.store.clone();
    let user_id = user.id.clone();
    let facets = tokio::task::spawn_blocking(move || {
        let facet = |kind| -> Result<Vec<Value>, crate::store::StoreError> {
            Ok(store.list_entries(&user_id, kind)?.into_iter().map(Value::Object).collect())
        };
        Ok::<_, crate::store::StoreError>((
            facet(FacetKind::Positions)?,
            facet(FacetKind::Skills)?,
            facet(FacetKind::Awards)?,
            facet(FacetKind::Certifications)?,
        ))
    })
    .await;
    let (positions, skills, awards, certifications) = match facets {
        Ok(Ok(facets)) => facets,
        Ok(Err(error)) => {
            tracing::warn!(%error, "the card could not read the user's entries");
            return (StatusCode::INTERNAL_SERVER_ERROR, "the store failed").into_response();
        }
        Err(_) => return (StatusCode::INTERNAL_SERVER_ERROR, "the store failed").into_response(),
    };

    let directory_user = json!({
        "displayName": user.display_name,
        "userPrincipalName": user.user_principal_name,
        "mail": user.mail,
    });
    let card =
        CardData::from_facets(&directory_user, &positions, &skills, &awards, &certifications);
    let nonce = new_nonce();
    let today = time::OffsetDateTime::now_utc().date();
    html_page(StatusCode::OK, render_card(&card, today, &nonce), Some(&nonce))
}

fn new_nonce() -> String {
    let mut raw = [0u8; 16];
    rand::rng().fill_bytes(&mut raw);
    raw.iter().map(|b| format!("{b:02x}")).collect()
}

/// An HTML answer that may run only its own script (`nonce`), and none without.
fn html_page(status: StatusCode, html: String, nonce: Option<&str>) -> Response {
    let policy = match nonce {
        Some(nonce) => content_security_policy(nonce),
        None => "default-src 'none'; style-src 'unsafe-inline'".to_owned(),
    };
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let Ok(policy) = HeaderValue::from_str(&policy) {
        headers.insert("content-security-policy", policy);
    }
    response
}
