//! Receiving Zoom's webhooks (works for Zoom and localzoom alike): check a delivery's signature
//! and answer URL validation.
//!
//! ```
//! use localzoom_client::webhooks;
//! let secret = "4fv1RkqGQUq5sWbEz6hA5A";
//! let body = r#"{"payload":{"plainToken":"xys8n8PGS7mAU0m5-YJjRA"},"event_ts":1720705455858,"event":"endpoint.url_validation"}"#;
//! let signature = "v0=93a1a675965ceb9c5a50c5dfb31f20e50f763be37a54ef74cd2d16a1a8e5c0d6";
//! let event = webhooks::verify(secret, "1720705455", signature, body.as_bytes(), None).unwrap();
//! assert_eq!(event.event, "endpoint.url_validation");
//! let answer = webhooks::url_validation_response(secret, "xys8n8PGS7mAU0m5-YJjRA");
//! assert_eq!(answer.encrypted_token, "2fffc6a967dde4f68024025a5bd991c5ae1e5313b4e6365be4883e3e81d479b3");
//! ```

use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use zoom_types::webhooks::{Event, UrlValidationResponse};

/// Why a delivery was not accepted.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VerifyError {
    /// The `x-zm-request-timestamp` header is not a number of seconds.
    #[error("the timestamp is not a number")]
    BadTimestamp,
    /// The delivery is older (or further in the future) than the maximum age allows.
    #[error("the timestamp is outside the accepted age")]
    TooOld,
    /// `x-zm-signature` does not match the body and timestamp.
    #[error("the signature does not match")]
    BadSignature,
    /// The body is not an event.
    #[error("the body is not an event: {0}")]
    BadBody(String),
}

fn mac(secret: &str) -> Hmac<Sha256> {
    // HMAC accepts keys of any length.
    match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks a delivery: `signature` (`x-zm-signature`, `v0=…`) against HMAC-SHA256(secret,
/// `v0:{timestamp}:{raw_body}`) in constant time, and with `max_age` the timestamp
/// (`x-zm-request-timestamp`) against the system clock; then parses the event.
pub fn verify(
    secret: &str,
    timestamp: &str,
    signature: &str,
    raw_body: &[u8],
    max_age: Option<Duration>,
) -> Result<Event, VerifyError> {
    let ts: i64 = timestamp.trim().parse().map_err(|_| VerifyError::BadTimestamp)?;
    if let Some(age) = max_age {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        if (now - ts).unsigned_abs() > age.as_secs() {
            return Err(VerifyError::TooOld);
        }
    }
    let given = signature.trim().strip_prefix("v0=").ok_or(VerifyError::BadSignature)?;
    let given: Vec<u8> = (0..given.len() / 2)
        .map(|i| u8::from_str_radix(given.get(2 * i..2 * i + 2).unwrap_or("zz"), 16))
        .collect::<Result<_, _>>()
        .map_err(|_| VerifyError::BadSignature)?;
    let mut m = mac(secret);
    m.update(format!("v0:{ts}:").as_bytes());
    m.update(raw_body);
    m.verify_slice(&given).map_err(|_| VerifyError::BadSignature)?;
    serde_json::from_slice(raw_body).map_err(|e| VerifyError::BadBody(e.to_string()))
}

/// The answer to `endpoint.url_validation`: the plain token and its HMAC-SHA256 under the secret.
pub fn url_validation_response(secret: &str, plain_token: &str) -> UrlValidationResponse {
    let mut m = mac(secret);
    m.update(plain_token.as_bytes());
    UrlValidationResponse {
        plain_token: plain_token.to_string(),
        encrypted_token: hex(&m.finalize().into_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "4fv1RkqGQUq5sWbEz6hA5A";
    const BODY: &str = r#"{"payload":{"plainToken":"xys8n8PGS7mAU0m5-YJjRA"},"event_ts":1720705455858,"event":"endpoint.url_validation"}"#;
    const SIGNATURE: &str = "v0=93a1a675965ceb9c5a50c5dfb31f20e50f763be37a54ef74cd2d16a1a8e5c0d6";

    #[test]
    fn the_checklist_vector_verifies_and_tampering_does_not() {
        let event = verify(SECRET, "1720705455", SIGNATURE, BODY.as_bytes(), None).unwrap();
        assert_eq!(event.payload.plain_token.as_deref(), Some("xys8n8PGS7mAU0m5-YJjRA"));
        assert_eq!(
            url_validation_response(SECRET, "xys8n8PGS7mAU0m5-YJjRA").encrypted_token,
            "2fffc6a967dde4f68024025a5bd991c5ae1e5313b4e6365be4883e3e81d479b3"
        );
        let tampered = BODY.replace("1720705455858", "1720705455859");
        assert_eq!(
            verify(SECRET, "1720705455", SIGNATURE, tampered.as_bytes(), None),
            Err(VerifyError::BadSignature)
        );
        assert_eq!(
            verify(SECRET, "1720705456", SIGNATURE, BODY.as_bytes(), None),
            Err(VerifyError::BadSignature)
        );
        assert_eq!(
            verify("other", "1720705455", SIGNATURE, BODY.as_bytes(), None),
            Err(VerifyError::BadSignature)
        );
        assert_eq!(
            verify(SECRET, "x", SIGNATURE, BODY.as_bytes(), None),
            Err(VerifyError::BadTimestamp)
        );
        assert_eq!(
            verify(
                SECRET,
                "1720705455",
                SIGNATURE,
                BODY.as_bytes(),
                Some(Duration::from_secs(300))
            ),
            Err(VerifyError::TooOld)
        );
    }
}
