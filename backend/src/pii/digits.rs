//! Runs of digits — written, spoken in English or Italian, or mixed — classified as payment
//! cards (Luhn-valid, 13–19 digits), phone numbers (8–15 digits) or other identifier-like
//! numbers (5–7 digits).

use super::PiiKind;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// Words and number tokens.
static TOKEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\+?\d+|[\p{L}']+").expect("regex"));

/// Only these may stand between two tokens of one run.
static SEPARATOR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\s,.\-()]*$").expect("regex"));

/// Thousands-grouped amounts such as 50,000 or 1.250.000,00 are quantities, not identifiers.
static AMOUNT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{1,3}(?:[,.]\d{3})+(?:[.,]\d{1,2})?$").expect("regex"));

/// A currency after a digit run ("20000 euros", "5000 dollari") or before it ("€ 20000") makes
/// it an amount too, however it is grouped: Whisper writes spoken amounts without separators
/// as often as with them.
static CURRENCY_AFTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*(?:€|\$|£|euros?\b|dollars?\b|dollari\b|pounds?\b|sterline\b)").expect("regex"));
static CURRENCY_BEFORE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[€$£]\s*$").expect("regex"));

/// Spoken digits, EN and IT.
fn spoken_digit(word: &str) -> Option<char> {
    Some(match word.to_lowercase().as_str() {
        "zero" | "oh" => '0',
        "one" | "uno" | "una" => '1',
        "two" | "due" => '2',
        "three" | "tre" => '3',
        "four" | "quattro" => '4',
        "five" | "cinque" => '5',
        "six" | "sei" => '6',
        "seven" | "sette" => '7',
        "eight" | "otto" => '8',
        "nine" | "nove" => '9',
        _ => return None,
    })
}

/// Digits of a token, or `None` if it cannot be part of a digit run.
fn token_digits(token: &str) -> Option<String> {
    let plain = token.trim_start_matches('+');
    if !plain.is_empty() && plain.bytes().all(|b| b.is_ascii_digit()) {
        return Some(plain.to_owned());
    }
    spoken_digit(token).map(String::from)
}

/// ISO/IEC 7812 Luhn check.
fn luhn(digits: &str) -> bool {
    let mut sum = 0;
    for (i, d) in digits.bytes().rev().map(|b| u32::from(b - b'0')).enumerate() {
        sum += if i % 2 == 1 { if d * 2 > 9 { d * 2 - 9 } else { d * 2 } } else { d };
    }
    sum % 10 == 0
}

pub(super) fn find(text: &str) -> Vec<(Range<usize>, PiiKind)> {
    let mut found = Vec::new();
    let mut run: Option<(Range<usize>, String)> = None;
    let mut flush = |run: &mut Option<(Range<usize>, String)>| {
        if let Some((mut range, digits)) = run.take() {
            if AMOUNT.is_match(&text[range.clone()])
                || CURRENCY_AFTER.is_match(&text[range.end..])
                || CURRENCY_BEFORE.is_match(&text[..range.start])
            {
                return;
            }
            // "(555) 010-9999": the area code's opening parenthesis belongs to the number.
            if text[..range.start].ends_with('(') {
                range.start -= 1;
            }
            let kind = match digits.len() {
                13..=19 if luhn(&digits) => PiiKind::PaymentCard,
                8.. => PiiKind::PhoneNumber,
                5.. => PiiKind::Number,
                _ => return,
            };
            found.push((range, kind));
        }
    };
    for m in TOKEN.find_iter(text) {
        match token_digits(m.as_str()) {
            Some(digits) => match &mut run {
                Some((range, acc)) if SEPARATOR.is_match(&text[range.end..m.start()]) => {
                    range.end = m.end();
                    acc.push_str(&digits);
                }
                _ => {
                    flush(&mut run);
                    run = Some((m.range(), digits));
                }
            },
            None => flush(&mut run),
        }
    }
    flush(&mut run);
    found
}

#[cfg(test)]
mod tests {
    use super::luhn;

    #[test]
    fn luhn_reference_numbers() {
        assert!(luhn("4111111111111111"));
        assert!(luhn("5500005555555559"));
        assert!(luhn("79927398713"));
        assert!(!luhn("4111111111111112"));
    }
}
