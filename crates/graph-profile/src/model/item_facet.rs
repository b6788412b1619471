//! The fields every facet shares (`itemFacet`) and the small types they use.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{AllowedAudiences, Patch};

/// The shared part of every profile entry, as the service returns it.
///
/// `extra` holds every JSON field this version does not know, so a read-modify-write
/// sends a newer service's fields back unchanged.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemFacet {
    /// The entry's id, set by the service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Who may see the entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_audiences: Option<AllowedAudiences>,
    /// Whether the entry shows up in searches; present in current metadata, undocumented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_searchable: Option<bool>,
    /// How sure the service is about an entry it inferred; usually absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inference: Option<Inference>,
    /// Where the entry came from.  Kept as JSON: older documents describe
    /// `{"type": "…"}`, newer ones `{"type": ["…"]}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Value>,
    /// The sources of the entry's values (newer services).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sources: Option<Vec<ProfileSourceAnnotation>>,
    /// When the entry was created, RFC 3339 as the service wrote it; set by the service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_date_time: Option<String>,
    /// When the entry last changed, RFC 3339 as the service wrote it; set by the service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_date_time: Option<String>,
    /// Who created the entry; set by the service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<IdentitySet>,
    /// Who last changed the entry; set by the service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_by: Option<IdentitySet>,
    /// JSON fields this version does not know, kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The writable shared fields of a create, plus fields this version does not know.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemFacetDraft {
    /// Who may see the entry; the service's default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_audiences: Option<AllowedAudiences>,
    /// Whether the entry shows up in searches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_searchable: Option<bool>,
    /// Inference data; rarely written by a client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inference: Option<Inference>,
    /// Where the entry came from, as JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Value>,
    /// The sources of the entry's values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sources: Option<Vec<ProfileSourceAnnotation>>,
    /// Fields a newer service knows and this version does not; sent as they are.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The writable shared fields of an update, plus fields this version does not know.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemFacetPatch {
    /// Who may see the entry.
    #[serde(default, skip_serializing_if = "Patch::is_unset")]
    pub allowed_audiences: Patch<AllowedAudiences>,
    /// Whether the entry shows up in searches.
    #[serde(default, skip_serializing_if = "Patch::is_unset")]
    pub is_searchable: Patch<bool>,
    /// Inference data.
    #[serde(default, skip_serializing_if = "Patch::is_unset")]
    pub inference: Patch<Inference>,
    /// Where the entry came from, as JSON.
    #[serde(default, skip_serializing_if = "Patch::is_unset")]
    pub source: Patch<Value>,
    /// The sources of the entry's values.
    #[serde(default, skip_serializing_if = "Patch::is_unset")]
    pub sources: Patch<Vec<ProfileSourceAnnotation>>,
    /// Fields a newer service knows and this version does not; sent as they are (a
    /// JSON null clears one).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `inferenceData`: how sure the service is about an entry it inferred.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Inference {
    /// Confidence from 0 to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence_score: Option<f64>,
    /// Whether the user confirmed the entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_has_verified_accuracy: Option<bool>,
    /// JSON fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `profileSourceAnnotation`: one source of an entry's values.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileSourceAnnotation {
    /// Whether this source is the one shown by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_default_source: Option<bool>,
    /// The fields this source supplied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<Vec<String>>,
    /// The source's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    /// JSON fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `identitySet`: who did something, as an application, a device and/or a user.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentitySet {
    /// The application, when one acted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<Identity>,
    /// The device, when one acted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<Identity>,
    /// The user, when one acted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<Identity>,
    /// JSON fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `identity`: one actor's name and id.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    /// The name shown for the actor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The actor's object id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// JSON fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
