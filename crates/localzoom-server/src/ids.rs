//! Identifiers shaped like Zoom's: 22-character URL-safe ids, 10-digit PMIs, opaque secrets.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    // The OS random source failing is unrecoverable; fall back to a time-seeded value rather than panic.
    if getrandom::fill(&mut buf).is_err() {
        let seed = time::OffsetDateTime::now_utc().unix_timestamp_nanos().to_le_bytes();
        for (i, b) in buf.iter_mut().enumerate() {
            *b = seed[i % seed.len()] ^ (i as u8).wrapping_mul(31);
        }
    }
    buf
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
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(len);
    while out.len() < len {
        for b in random_bytes::<32>() {
            // Rejection sampling keeps the distribution uniform.
            if (b as usize) < CHARS.len() * 4 && out.len() < len {
                out.push(CHARS[b as usize % CHARS.len()] as char);
            }
        }
    }
    out
}

/// A number with exactly `digits` digits, not starting with 0.
pub fn digits(digits: u32) -> i64 {
    let r = u64::from_le_bytes(random_bytes::<8>());
    let low = 10u64.pow(digits - 1);
    let span = 9 * low;
    (low + r % span) as i64
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
