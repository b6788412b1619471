//! The emulator's access tokens: JWTs signed HS256 with a key made at start.
//!
//! The key lives only in the process, so tokens from an earlier run are refused
//! (401) after a restart, as tokens from another authority would be.

use jsonwebtoken::errors::ErrorKind as JwtErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};

/// The audience of Graph tokens, as the emulator writes it.
pub const GRAPH_AUDIENCE: &str = "https://graph.microsoft.com";

/// Graph's application id, the other audience Entra ID writes in Graph tokens.
pub const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

/// What an access token says.  Names as in Entra ID's Graph tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Audience: [`GRAPH_AUDIENCE`].
    pub aud: String,
    /// Issuer: `{emulator}/{tid}/v2.0`.
    pub iss: String,
    /// Issued at, Unix seconds.
    pub iat: i64,
    /// Not before, Unix seconds.
    pub nbf: i64,
    /// Expires at, Unix seconds.
    pub exp: i64,
    /// Tenant id.
    pub tid: String,
    /// Object id of the user, or of the application for app-only tokens.
    pub oid: String,
    /// Subject: the same as `oid` here.
    pub sub: String,
    /// The client application's id.
    pub appid: String,
    /// The user's principal name (delegated tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upn: Option<String>,
    /// Delegated permissions, space-separated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scp: Option<String>,
    /// Application permissions (app-only tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
    /// `user` or `app`.
    pub idtyp: String,
    /// A unique id for this token.
    pub uti: String,
}

impl Claims {
    /// True for an app-only token (no user).
    pub fn is_app_only(&self) -> bool {
        self.idtyp == "app"
    }

    /// The permissions granted: `scp` split on spaces, or `roles`.
    pub fn permissions(&self) -> Vec<&str> {
        match (&self.scp, &self.roles) {
            (Some(scp), _) => scp.split_whitespace().collect(),
            (None, Some(roles)) => roles.iter().map(String::as_str).collect(),
            (None, None) => Vec::new(),
        }
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    /// Not a JWT, or claims missing.
    Malformed,
    /// Not signed by this emulator.
    BadSignature,
    /// Past its `exp`.
    Expired,
    /// Before its `nbf`.
    NotYetValid,
    /// Meant for another resource.
    WrongAudience,
}

impl TokenProblem {
    /// The message Graph gives for such a token.
    pub fn message(self) -> &'static str {
        match self {
            TokenProblem::Malformed => "IDX14100: JWT is not well formed.",
            TokenProblem::BadSignature => "Access token validation failure. Invalid signature.",
            TokenProblem::Expired => "Lifetime validation failed, the token is expired.",
            TokenProblem::NotYetValid => "Lifetime validation failed, the token is not yet valid.",
            TokenProblem::WrongAudience => "Access token validation failure. Invalid audience.",
        }
    }
}

/// Signs and checks tokens with one secret key.
pub struct Signer {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer { key: *** }")
    }
}

impl Signer {
    /// A signer with a fresh random 256-bit key.
    pub fn random() -> Signer {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        Signer::with_key(&key)
    }

    /// A signer with the given key.
    pub fn with_key(key: &[u8]) -> Signer {
        let mut validation = Validation::new(Algorithm::HS256);
        // Expiry is exact: tests of expiry use lifetimes of a second or two.
        validation.leeway = 0;
        validation.validate_nbf = true;
        validation.set_audience(&[GRAPH_AUDIENCE, GRAPH_APP_ID]);
        validation.set_required_spec_claims(&["exp", "nbf", "aud"]);
        Signer {
            encoding: EncodingKey::from_secret(key),
            decoding: DecodingKey::from_secret(key),
            validation,
        }
    }

    /// The signed token for `claims`.
    pub fn sign(&self, claims: &Claims) -> String {
        let mut header = Header::new(Algorithm::HS256);
        header.typ = Some("JWT".to_owned());
        // Serialising these claims cannot fail: strings, integers, a list.
        jsonwebtoken::encode(&header, claims, &self.encoding).unwrap_or_default()
    }

    /// The claims of a token this signer made and that is valid now.
    pub fn verify(&self, token: &str) -> Result<Claims, TokenProblem> {
        match jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation) {
            Ok(data) => Ok(data.claims),
            Err(error) => Err(match error.kind() {
                JwtErrorKind::ExpiredSignature => TokenProblem::Expired,
                JwtErrorKind::ImmatureSignature => TokenProblem::NotYetValid,
                JwtErrorKind::InvalidAudience => TokenProblem::WrongAudience,
                JwtErrorKind::InvalidSignature | JwtErrorKind::InvalidAlgorithm => {
                    TokenProblem::BadSignature
                }
                _ => TokenProblem::Malformed,
            }),
        }
    }
}

/// Reads the claims of a token without checking it: only to count a request
/// against its client for throttling and the journal, never to grant access.
pub fn peek_claims(token: &str) -> Option<Claims> {
    use base64::Engine as _;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).ok()?;
    serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp_in: i64) -> Claims {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        Claims {
            aud: GRAPH_AUDIENCE.to_owned(),
            iss: "http://127.0.0.1:1/t/v2.0".to_owned(),
            iat: now,
            nbf: now,
            exp: now + exp_in,
            tid: "t".to_owned(),
            oid: "u".to_owned(),
            sub: "u".to_owned(),
            appid: "a".to_owned(),
            upn: Some("u@contoso.com".to_owned()),
            scp: Some("User.Read User.ReadWrite".to_owned()),
            roles: None,
            idtyp: "user".to_owned(),
            uti: "x".to_owned(),
        }
    }

    #[test]
    fn round_trip_and_refusals() {
        let signer = Signer::random();
        let token = signer.sign(&claims(60));
        let back = signer.verify(&token).unwrap();
        assert_eq!(back.permissions(), ["User.Read", "User.ReadWrite"]);
        assert_eq!(peek_claims(&token).unwrap(), back);

        assert_eq!(signer.verify(&signer.sign(&claims(-1))), Err(TokenProblem::Expired));
        assert_eq!(Signer::random().verify(&token), Err(TokenProblem::BadSignature));
        assert_eq!(signer.verify("not a token"), Err(TokenProblem::Malformed));
        let mut other = claims(60);
        other.aud = "api://other".to_owned();
        assert_eq!(signer.verify(&signer.sign(&other)), Err(TokenProblem::WrongAudience));
    }

    #[test]
    fn debug_hides_the_key() {
        assert_eq!(format!("{:?}", Signer::with_key(b"secret")), "Signer { key: *** }");
    }
}
