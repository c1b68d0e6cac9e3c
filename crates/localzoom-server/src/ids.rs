//! Identifiers shaped like Zoom's: 22-character URL-safe ids, 10-digit PMIs, opaque secrets.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// Bytes from the OS random source, the only source of ids and secrets. If it fails there is no
/// safe fallback (a guessable token is worse than none): the process stops at once rather than hand
/// out a predictable value. `check_random_source` runs at start-up so a broken source stops the start.
fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    if let Err(e) = getrandom::fill(&mut buf) {
        eprintln!("localzoom: the OS random source failed ({e}); refusing to issue a guessable id or token");
        std::process::abort();
    }
    buf
}

/// Fails when the OS random source cannot be read, so `serve` refuses to start instead.
pub fn check_random_source() -> Result<(), String> {
    let mut buf = [0u8; 16];
    getrandom::fill(&mut buf).map_err(|e| format!("the OS random source is unavailable: {e}"))
}

/// SHA-256 of a token, hex: what the store keeps of access tokens, ZAKs and page tokens, so a
/// copy of the database hands out nothing that works.
pub fn digest(token: &str) -> String {
    use sha2::{Digest, Sha256};
    let hash = Sha256::digest(token.as_bytes());
    let mut out = String::with_capacity(64);
    for b in hash {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// A 22-character URL-safe id (16 random bytes), like Zoom's user and account ids.
pub fn zoom_id() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<16>())
}

/// A longer opaque secret: access tokens, client secrets, page tokens.
pub fn secret(bytes: usize) -> String {
    let mut out = String::new();
    while out.len() * 3 / 4 < bytes {
        out.push_str(&URL_SAFE_NO_PAD.encode(random_bytes::<24>()));
    }
    out.truncate(bytes * 4 / 3);
    out
}

/// An alphanumeric secret of `len` characters (client secrets look like this in Zoom).
pub fn alnum(len: usize) -> String {
    from_alphabet(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", len)
}

/// `len` characters drawn uniformly from `chars` (at most 64 of them).
fn from_alphabet(chars: &[u8], len: usize) -> String {
    let span = 256 / chars.len() * chars.len();
    let mut out = String::with_capacity(len);
    while out.len() < len {
        for b in random_bytes::<32>() {
            // Rejection sampling keeps the distribution uniform.
            if (b as usize) < span && out.len() < len {
                out.push(chars[b as usize % chars.len()] as char);
            }
        }
    }
    out
}

/// A device flow's user code, `XXXX-XXXX` in consonants only (nothing to misread or to spell a word).
pub fn user_code() -> String {
    let raw = from_alphabet(b"BCDFGHJKLMNPQRSTVWXZ", 8);
    format!("{}-{}", &raw[..4], &raw[4..])
}

/// A number with exactly `digits` digits, not starting with 0.
pub fn digits(digits: u32) -> i64 {
    let r = u64::from_le_bytes(random_bytes::<8>());
    let low = 10u64.pow(digits - 1);
    let span = 9 * low;
    (low + r % span) as i64
}

/// Whether two secrets are equal, in time independent of where they differ (over the longer input,
/// so timing does not leak a prefix). Client secrets, control tokens, CSRF and session values use it.
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        diff |= (a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0)) as usize;
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_have_zoom_shapes() {
        let id = super::zoom_id();
        assert_eq!(id.len(), 22);
        assert!(id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        let pmi = super::digits(10);
        assert!((1_000_000_000..=9_999_999_999).contains(&pmi));
        assert_eq!(super::alnum(32).len(), 32);
        assert!(super::secret(32).len() >= 40);
    }
}
