//! The demo tenant `--demo` seeds: fixed ids, so tests and docs can name them.

/// The demo tenant's id.
pub const DEMO_TENANT_ID: &str = "8f5c2d3e-0b1a-4c6d-9e7f-123456789abc";
/// The demo tenant's name.
pub const DEMO_TENANT_NAME: &str = "Contoso";

/// One seeded user.
#[derive(Debug, Clone, Copy)]
pub struct DemoUser {
    pub id: &'static str,
    pub user_principal_name: &'static str,
    pub display_name: &'static str,
    pub mail: &'static str,
}

/// The administrator: tests take their tokens for this user.
pub const DEMO_ADMIN_UPN: &str = "admin@contoso.com";

/// The demo tenant's people: an administrator, two members, a guest whose UPN holds
/// `#EXT#`, and an account whose UPN starts with `$` (reachable only as `users('$…')`).
pub const DEMO_USERS: [DemoUser; 5] = [
    DemoUser {
        id: "5d6f1e2a-3b4c-4d5e-8f60-71829304a5b6",
        user_principal_name: DEMO_ADMIN_UPN,
        display_name: "Admin",
        mail: "admin@contoso.com",
    },
    DemoUser {
        id: "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
        user_principal_name: "adele.vance@contoso.com",
        display_name: "Adele Vance",
        mail: "adele.vance@contoso.com",
    },
    DemoUser {
        id: "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e",
        user_principal_name: "megan.bowen@contoso.com",
        display_name: "Megan Bowen",
        mail: "megan.bowen@contoso.com",
    },
    DemoUser {
        id: "c3d4e5f6-a7b8-4c9d-8e1f-2a3b4c5d6e7f",
        user_principal_name: "ann_fabrikam.com#EXT#@contoso.com",
        display_name: "Ann (Fabrikam)",
        mail: "ann@fabrikam.com",
    },
    DemoUser {
        id: "d4e5f6a7-b8c9-4d0e-9f2a-3b4c5d6e7f80",
        user_principal_name: "$svc.account@contoso.com",
        display_name: "Service Account",
        mail: "svc.account@contoso.com",
    },
];
