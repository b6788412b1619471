//! `allowedAudiences`: who may see an entry.

/// The members of the `allowedAudiences` flags enum and their values, as the service
/// names them.  `me` is 0: no flag set means only the user.
pub const AUDIENCE_MEMBERS: &[(&str, u32)] = &[
    ("me", 0),
    ("family", 1),
    ("contacts", 2),
    ("groupMembers", 4),
    ("organization", 8),
    ("federatedOrganizations", 16),
    ("everyone", 32),
    ("unknownFutureValue", 64),
];
