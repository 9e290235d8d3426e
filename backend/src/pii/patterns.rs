//! Structured identifiers: e-mail addresses, IBANs, Italian codice fiscale.

use super::PiiKind;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)[\w.+-]+@[\w-]+(?:\.[\w-]+)+").expect("regex"));

/// "mario dot rossi at example dot com", "mario punto rossi chiocciola azienda punto it".
static SPOKEN_EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b[\w-]+(?:\s+(?:dot|punto)\s+[\w-]+)*\s+(?:at|chiocciola)\s+[\w-]+(?:\s+(?:dot|punto)\s+[\w-]+)+",
    )
    .expect("regex")
});

/// Country code, check digits, then 11–30 alphanumerics, optionally grouped by spaces.
static IBAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]){11,30}\b").expect("regex")
});

/// Surname (3) + name (3) + year (2) + month letter + day (2) + municipality (4) + check;
/// digits may be replaced by the omocodia letters LMNPQRSTUV.
static CODICE_FISCALE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]\b",
    )
    .expect("regex")
});

/// Spans of e-mails, valid IBANs and valid codici fiscali in `text`.
pub(super) fn find(text: &str) -> Vec<(Range<usize>, PiiKind)> {
    let mut found = Vec::new();
    for m in EMAIL.find_iter(text).chain(SPOKEN_EMAIL.find_iter(text)) {
        found.push((m.range(), PiiKind::Email));
    }
    for m in IBAN.find_iter(text) {
        // The pattern is greedy and may swallow a following word ("… 456 grazie"): take the
        // longest prefix that passes the check.
        let ends = m.as_str().char_indices().filter(|(_, c)| c.is_alphanumeric());
        let ends = ends.map(|(i, c)| i + c.len_utf8()).rev();
        if let Some(end) = ends.filter(|&end| end >= 15).find(|&end| iban_is_valid(&m.as_str()[..end])) {
            found.push((m.start()..m.start() + end, PiiKind::Iban));
        }
    }
    for m in CODICE_FISCALE.find_iter(text) {
        if codice_fiscale_is_valid(m.as_str()) {
            found.push((m.range(), PiiKind::NationalId));
        }
    }
    found
}

/// ISO 13616: move the first four characters to the end, letters → 10..35, value mod 97 == 1.
fn iban_is_valid(candidate: &str) -> bool {
    let compact: Vec<char> =
        candidate.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_uppercase()).collect();
    if !(15..=34).contains(&compact.len()) {
        return false;
    }
    let rotated = compact[4..].iter().chain(&compact[..4]);
    let mut remainder: u32 = 0;
    for c in rotated {
        let value = match c.to_digit(36) {
            Some(v) => v,
            None => return false,
        };
        remainder = if value < 10 { (remainder * 10 + value) % 97 } else { (remainder * 100 + value) % 97 };
    }
    remainder == 1
}

/// Check character of the codice fiscale (DM 23/12/1976, art. 7): odd positions (1-based) map
/// through a fixed table, even positions to their ordinal; the sum mod 26 is the letter.
fn codice_fiscale_is_valid(candidate: &str) -> bool {
    const ODD: [u32; 26] = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
    ];
    let chars: Vec<char> = candidate.chars().map(|c| c.to_ascii_uppercase()).collect();
    if chars.len() != 16 {
        return false;
    }
    // Digits count as the letter with the same ordinal (0 → A, 9 → J) in both tables.
    let ordinal = |c: char| -> Option<usize> {
        match c {
            '0'..='9' => Some(c as usize - '0' as usize),
            'A'..='Z' => Some(c as usize - 'A' as usize),
            _ => None,
        }
    };
    let mut sum = 0;
    for (i, c) in chars[..15].iter().enumerate() {
        let Some(n) = ordinal(*c) else { return false };
        sum += if i % 2 == 0 { ODD[n] } else { n as u32 };
    }
    chars[15] == (b'A' + (sum % 26) as u8) as char
}
