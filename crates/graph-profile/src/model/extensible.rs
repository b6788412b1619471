//! Enums that may grow: a known member, or a name this version does not know.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A string enum this version knows the members of.
pub trait Member: Copy + Eq + fmt::Debug + Send + Sync + 'static {
    /// Every member, in the service's order.
    const ALL: &'static [Self];

    /// The member's name on the wire.
    fn name(self) -> &'static str;

    /// The member named exactly `name`, if this version knows it.
    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|member| member.name() == name)
    }
}

/// A value of an enum that may grow: a member this version knows, or the text the
/// service sent (a newer member, or a number such as `"4"`, which the service has been
/// seen to return), kept so that it is written back unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Extensible<E> {
    /// A member this version knows.
    Known(E),
    /// Anything else, exactly as received.
    Unknown(String),
}

impl<E: Member> Extensible<E> {
    /// The value for `name`: known when it names a member, else kept as text.
    pub fn from_name(name: &str) -> Self {
        E::from_name(name).map_or_else(|| Extensible::Unknown(name.to_owned()), Extensible::Known)
    }

    /// The name on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Extensible::Known(member) => member.name(),
            Extensible::Unknown(name) => name,
        }
    }

    /// The known member, if it is one.
    pub fn known(&self) -> Option<E> {
        match self {
            Extensible::Known(member) => Some(*member),
            Extensible::Unknown(_) => None,
        }
    }
}

impl<E: Member> From<E> for Extensible<E> {
    fn from(member: E) -> Self {
        Extensible::Known(member)
    }
}

impl<E: Member> FromStr for Extensible<E> {
    type Err = std::convert::Infallible;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Ok(Extensible::from_name(name))
    }
}

impl<E: Member> fmt::Display for Extensible<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<E: Member> Serialize for Extensible<E> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de, E: Member> Deserialize<'de> for Extensible<E> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NameVisitor<E>(std::marker::PhantomData<E>);

        impl<E: Member> Visitor<'_> for NameVisitor<E> {
            type Value = Extensible<E>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an enum member name")
            }

            fn visit_str<Er: de::Error>(self, name: &str) -> Result<Extensible<E>, Er> {
                Ok(Extensible::from_name(name))
            }
        }

        deserializer.deserialize_str(NameVisitor(std::marker::PhantomData))
    }
}

/// Declares a [`Member`] enum: `Variant = "wireName"` per member.
macro_rules! member_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $wire:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $crate::model::Member for $name {
            const ALL: &'static [Self] = &[ $( $name::$variant, )+ ];

            fn name(self) -> &'static str {
                match self {
                    $( $name::$variant => $wire, )+
                }
            }
        }
    };
}

pub(crate) use member_enum;
