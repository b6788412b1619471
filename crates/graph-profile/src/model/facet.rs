//! The `Facet` trait and the macro that declares a facet's entry, draft and patch types.

use std::fmt::Debug;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::ItemFacet;
use crate::FacetKind;

/// A profile facet's entry type, tied to its collection and its create and update types.
pub trait Facet: Serialize + DeserializeOwned + Clone + Debug + Send + Sync + 'static {
    /// The collection this entry type lives in.
    const KIND: FacetKind;

    /// What a create sends: the fields the service requires are not optional.
    type Draft: Serialize + DeserializeOwned + Clone + Debug + Send + Sync + 'static;

    /// What an update sends: only the fields set, `null` for those cleared.
    type Patch: Serialize + DeserializeOwned + Clone + Debug + Default + Send + Sync + 'static;

    /// The shared fields (id, audiences, service-set fields, unknown fields).
    fn item(&self) -> &ItemFacet;

    /// The shared fields, to change.
    fn item_mut(&mut self) -> &mut ItemFacet;

    /// The entry's id, once the service has given it one.
    fn id(&self) -> Option<&str> {
        self.item().id.as_deref()
    }
}

/// Declares one facet: its entry struct (everything optional, as the service may leave
/// any field out under `$select`), its draft (required fields are constructor arguments)
/// and its patch (`Patch<T>` per field; required fields can be replaced, never cleared).
///
/// Field names are the JSON names in snake case; `rename_all = "camelCase"` maps them.
macro_rules! facet_types {
    (
        $(#[$meta:meta])*
        $name:ident for $kind:ident, draft $draft:ident, patch $patch:ident {
            required {
                $( $(#[$rmeta:meta])* $rfield:ident : $rty:ty ),* $(,)?
            }
            optional {
                $( $(#[$ometa:meta])* $ofield:ident : $oty:ty ),* $(,)?
            }
        }
    ) => {
        $(#[$meta])*
        ///
        /// `item` holds the shared fields and any field this version does not know.
        #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            $(
                $(#[$rmeta])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $rfield: Option<$rty>,
            )*
            $(
                $(#[$ometa])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $ofield: Option<$oty>,
            )*
            /// The fields every facet shares, and unknown fields.
            #[serde(flatten)]
            pub item: $crate::model::ItemFacet,
        }

        impl $crate::model::Facet for $name {
            const KIND: $crate::FacetKind = $crate::FacetKind::$kind;
            type Draft = $draft;
            type Patch = $patch;

            fn item(&self) -> &$crate::model::ItemFacet {
                &self.item
            }

            fn item_mut(&mut self) -> &mut $crate::model::ItemFacet {
                &mut self.item
            }
        }

        #[doc = concat!(
            "A new `", stringify!($name), "` to create; service-set fields are not part of it."
        )]
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $draft {
            $(
                $(#[$rmeta])*
                pub $rfield: $rty,
            )*
            $(
                $(#[$ometa])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $ofield: Option<$oty>,
            )*
            /// The writable shared fields, and fields this version does not know.
            #[serde(flatten)]
            pub common: $crate::model::ItemFacetDraft,
        }

        impl $draft {
            /// A draft with the fields the service requires; set the others with the
            /// methods of the same name.
            #[allow(clippy::new_without_default)]
            pub fn new($( $rfield: impl Into<$rty> ),*) -> Self {
                $draft {
                    $( $rfield: $rfield.into(), )*
                    $( $ofield: None, )*
                    common: Default::default(),
                }
            }

            $(
                #[doc = concat!("Sets `", stringify!($ofield), "`.")]
                pub fn $ofield(mut self, value: impl Into<$oty>) -> Self {
                    self.$ofield = Some(value.into());
                    self
                }
            )*

            /// Sets who may see the entry.
            pub fn allowed_audiences(
                mut self,
                audiences: impl Into<$crate::model::AllowedAudiences>,
            ) -> Self {
                self.common.allowed_audiences = Some(audiences.into());
                self
            }

            /// Sets whether the entry shows up in searches.
            pub fn is_searchable(mut self, searchable: bool) -> Self {
                self.common.is_searchable = Some(searchable);
                self
            }
        }

        #[doc = concat!("An update of a `", stringify!($name), "`: only the fields set are sent.")]
        ///
        /// Set a field with the method of its name; clear it with `Patch::Null`.
        #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $patch {
            $(
                $(#[$rmeta])*
                ///
                /// Required by the service: it can be replaced, never cleared.
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $rfield: Option<$rty>,
            )*
            $(
                $(#[$ometa])*
                #[serde(default, skip_serializing_if = "crate::model::Patch::is_unset")]
                pub $ofield: $crate::model::Patch<$oty>,
            )*
            /// The writable shared fields, and fields this version does not know.
            #[serde(flatten)]
            pub common: $crate::model::ItemFacetPatch,
        }

        impl $patch {
            /// An update that changes nothing yet.
            pub fn new() -> Self {
                Self::default()
            }

            $(
                #[doc = concat!("Replaces `", stringify!($rfield), "`.")]
                pub fn $rfield(mut self, value: impl Into<$rty>) -> Self {
                    self.$rfield = Some(value.into());
                    self
                }
            )*

            $(
                #[doc = concat!("Replaces `", stringify!($ofield), "`.")]
                pub fn $ofield(mut self, value: impl Into<$oty>) -> Self {
                    self.$ofield = $crate::model::Patch::Value(value.into());
                    self
                }
            )*

            /// Replaces who may see the entry.
            pub fn allowed_audiences(
                mut self,
                audiences: impl Into<$crate::model::AllowedAudiences>,
            ) -> Self {
                self.common.allowed_audiences = $crate::model::Patch::Value(audiences.into());
                self
            }

            /// Replaces whether the entry shows up in searches.
            pub fn is_searchable(mut self, searchable: bool) -> Self {
                self.common.is_searchable = $crate::model::Patch::Value(searchable);
                self
            }
        }
    };
}

pub(crate) use facet_types;
