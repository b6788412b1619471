//! `Patch<T>`: one field of an update, which may be left alone, cleared or set.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One field of an update.
///
/// In a patch struct, `Unset` fields are left out of the JSON (the service keeps their
/// values), `Null` is sent as `null` (the service clears the field) and `Value` is sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Patch<T> {
    /// Not sent: the stored value stays.
    #[default]
    Unset,
    /// Sent as `null`: the stored value is cleared.
    Null,
    /// Sent: the stored value is replaced.
    Value(T),
}

impl<T> Patch<T> {
    /// Whether the field is left out; used by `skip_serializing_if`.
    pub const fn is_unset(&self) -> bool {
        matches!(self, Patch::Unset)
    }

    /// Whether the field is sent as `null`.
    pub const fn is_null(&self) -> bool {
        matches!(self, Patch::Null)
    }

    /// The value sent, if one is.
    pub const fn value(&self) -> Option<&T> {
        match self {
            Patch::Value(value) => Some(value),
            _ => None,
        }
    }
}

impl<T> From<T> for Patch<T> {
    fn from(value: T) -> Self {
        Patch::Value(value)
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            // Unset is normally skipped by the containing struct; if not, null is the
            // closest meaning JSON has.
            Patch::Unset | Patch::Null => serializer.serialize_none(),
            Patch::Value(value) => value.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    /// `null` reads as `Null`; an absent field, with `#[serde(default)]`, as `Unset`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(deserializer)?.map_or(Patch::Null, Patch::Value))
    }
}
