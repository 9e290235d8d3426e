//! PII redaction of transcript text, applied to every partial and final segment before it
//! leaves the live session (so before storage, logs, HUD, LLMs and webhooks).
//!
//! Detected kinds and their placeholders (length-independent, so the redacted text does not
//! reveal how long the secret was):
//! - `[email]` — addresses, written (`a.b@c.it`) or spoken (`a dot b at c dot com`,
//!   `chiocciola` / `punto` in Italian);
//! - `[iban]` — IBANs whose ISO 13616 mod-97 check passes;
//! - `[national_id]` — Italian codice fiscale whose check character (DM 23/12/1976) is right;
//! - `[card]` — 13–19 digit runs passing the Luhn check (ISO/IEC 7812);
//! - `[phone]` — any other run of 8–15 digits (E.164 allows at most 15);
//! - `[number]` — a run of 5–7 digits that is not an amount (grouped, `50,000`, or with its
//!   currency, `20000 euros`, `€ 20000`): a piece of an
//!   identifier — partial transcripts catch a card or account number while it is being read
//!   out (`the number is 41111…`), and postal codes and PINs are personal too.
//!
//! Digit runs may be written (`4111 1111-1111`), spoken (`four one one one`, `tre quattro
//! sette`) or mixed, with spaces, commas, dots, dashes or parentheses between groups.

mod digits;
mod patterns;

use std::ops::Range;

/// Kind of personal data found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PiiKind {
    /// E-mail address.
    Email,
    /// International bank account number.
    Iban,
    /// Italian codice fiscale.
    NationalId,
    /// Payment card number.
    PaymentCard,
    /// Phone number (or another long digit run).
    PhoneNumber,
    /// A shorter identifier-like digit run (5–7 digits), e.g. the start of a card number.
    Number,
}

impl PiiKind {
    /// The text that replaces a match.
    pub fn placeholder(self) -> &'static str {
        match self {
            PiiKind::Email => "[email]",
            PiiKind::Iban => "[iban]",
            PiiKind::NationalId => "[national_id]",
            PiiKind::PaymentCard => "[card]",
            PiiKind::PhoneNumber => "[phone]",
            PiiKind::Number => "[number]",
        }
    }
}

/// Result of [`redact`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redacted {
    /// The text with every match replaced by its placeholder.
    pub text: String,
    /// Kinds found, in order of appearance (one entry per match).
    pub found: Vec<PiiKind>,
}

/// Replaces every piece of personal data in `text` with its placeholder.
pub fn redact(text: &str) -> Redacted {
    let spans = find(text);
    let mut out = String::with_capacity(text.len());
    let mut cursor = 0;
    for (range, kind) in &spans {
        out.push_str(&text[cursor..range.start]);
        out.push_str(kind.placeholder());
        cursor = range.end;
    }
    out.push_str(&text[cursor..]);
    Redacted { text: out, found: spans.into_iter().map(|(_, kind)| kind).collect() }
}

/// Byte ranges of personal data in `text`, in order, not overlapping.
pub fn find(text: &str) -> Vec<(Range<usize>, PiiKind)> {
    let mut spans: Vec<(Range<usize>, PiiKind)> = Vec::new();
    // Order matters: the structured patterns claim their spans first so that, e.g., the digits
    // inside an IBAN are not reported again as a phone number.
    for (range, kind) in patterns::find(text).into_iter().chain(digits::find(text)) {
        if !spans.iter().any(|(taken, _)| taken.start < range.end && range.start < taken.end) {
            spans.push((range, kind));
        }
    }
    spans.sort_by_key(|(range, _)| range.start);
    spans
}

/// Redacts a sequence of timed words: words that overlap personal data (which may span
/// several words, e.g. a card number read in groups) are merged into one word whose text is
/// the placeholder and whose time covers them all. Returns `(text, start_ms, end_ms)`.
pub fn redact_words(words: &[(String, u64, u64)]) -> Vec<(String, u64, u64)> {
    let mut joined = String::new();
    let mut ranges = Vec::with_capacity(words.len());
    for (text, _, _) in words {
        if !joined.is_empty() {
            joined.push(' ');
        }
        let start = joined.len();
        joined.push_str(text);
        ranges.push(start..joined.len());
    }
    let spans = find(&joined);
    let mut out: Vec<(String, u64, u64)> = Vec::with_capacity(words.len());
    let mut merged_into: Option<usize> = None; // index of the span the previous word fell in
    for ((text, start, end), range) in words.iter().zip(&ranges) {
        let hit = spans.iter().position(|(span, _)| span.start < range.end && range.start < span.end);
        match hit {
            Some(span) if merged_into == Some(span) => {
                let last = out.last_mut().expect("merged into a previous word");
                last.2 = *end;
            }
            Some(span) => {
                out.push((spans[span].1.placeholder().to_owned(), *start, *end));
                merged_into = Some(span);
            }
            None => {
                out.push((text.clone(), *start, *end));
                merged_into = None;
            }
        }
    }
    out
}

/// `text` with the placeholders of [`redact`] removed (for models that would read meaning into
/// the brackets, e.g. sentiment).
pub fn strip_placeholders(text: &str) -> std::borrow::Cow<'_, str> {
    const ALL: [PiiKind; 6] = [
        PiiKind::Email,
        PiiKind::Iban,
        PiiKind::NationalId,
        PiiKind::PaymentCard,
        PiiKind::PhoneNumber,
        PiiKind::Number,
    ];
    if !text.contains('[') {
        return text.into();
    }
    let mut out = text.to_owned();
    for kind in ALL {
        out = out.replace(kind.placeholder(), "");
    }
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        assert_eq!(redact(input).text, expected, "input: {input}");
    }

    #[test]
    fn payment_cards_written_and_spoken() {
        check("card 4111 1111 1111 1111 thanks", "card [card] thanks");
        check("the number is 4111, 1111, 1111, 1111.", "the number is [card].");
        check(
            "the number is four one one one, one one one one, one one one one, one one one one.",
            "the number is [card].",
        );
        check("4111-1111-1111-1111", "[card]");
        check("è quattro uno uno uno uno uno uno uno uno uno uno uno uno uno uno uno", "è [card]");
    }

    #[test]
    fn luhn_failures_are_not_cards_but_still_hidden() {
        assert_eq!(redact("4111 1111 1111 1112").found, [PiiKind::PhoneNumber]);
    }

    #[test]
    fn phone_numbers_it_and_international() {
        check("call me at +39 347 123 4567", "call me at [phone]");
        check("al numero tre quattro sette, uno due tre, quattro cinque sei sette.", "al numero [phone].");
        check("il 347, 123, 4567 va bene", "il [phone] va bene");
        check("dial (555) 010-9999 now", "dial [phone] now");
        check("zero zero quattro quattro due zero sette nove quattro sei", "[phone]");
    }

    #[test]
    fn the_start_of_a_number_being_read_out_is_hidden() {
        check("If we go ahead we can pay by card. The number is 41111.", "If we go ahead we can pay by card. The number is [number].");
        check("the number is four one one one one", "the number is [number]");
        check("il codice è 20121", "il codice è [number]");
    }

    #[test]
    fn amounts_with_their_currency_are_quantities_not_identifiers() {
        check("We have about 20000 euros, or $ 25000 at most.", "We have about 20000 euros, or $ 25000 at most.");
        check("Abbiamo circa 20000 euro.", "Abbiamo circa 20000 euro.");
        check("the code is 20000, euros later", "the code is [number], euros later");
    }

    #[test]
    fn amounts_dates_and_short_numbers_are_kept() {
        check("we have roughly 50,000 for the year", "we have roughly 50,000 for the year");
        check("it costs 1,250,000.00 euro", "it costs 1,250,000.00 euro");
        check("twenty hours a week, 3 tools, 10 people", "twenty hours a week, 3 tools, 10 people");
        check("on 12/05/2025 at 10:30", "on 12/05/2025 at 10:30");
        check("one or two people", "one or two people");
    }

    #[test]
    fn emails_written_and_spoken() {
        check("write to mario.rossi@example.it please", "write to [email] please");
        check("it's john dot doe at example dot com", "it's [email]");
        check("scrivimi a mario punto rossi chiocciola azienda punto it", "scrivimi a [email]");
    }

    #[test]
    fn iban_with_valid_check_digits() {
        check("IBAN IT60 X054 2811 1010 0000 0123 456 grazie", "IBAN [iban] grazie");
        check("GB82WEST12345698765432", "[iban]");
        assert_ne!(redact("IT61 X054 2811 1010 0000 0123 456").found.first(), Some(&PiiKind::Iban));
    }

    #[test]
    fn codice_fiscale() {
        check("il mio codice è RSSMRA85T10A562S ok", "il mio codice è [national_id] ok");
        check("rssmra85t10a562s", "[national_id]");
        // Wrong check character: not a codice fiscale.
        check("RSSMRA85T10A562T", "RSSMRA85T10A562T");
    }

    #[test]
    fn timed_words_are_merged_over_a_match() {
        let words: Vec<(String, u64, u64)> = ["card", "4111,", "1111,", "1111,", "1111.", "thanks"]
            .iter()
            .enumerate()
            .map(|(i, w)| (w.to_string(), i as u64 * 100, i as u64 * 100 + 90))
            .collect();
        assert_eq!(
            redact_words(&words),
            [("card".into(), 0, 90), ("[card]".into(), 100, 490), ("thanks".into(), 500, 590)]
        );
    }

    #[test]
    fn placeholders_can_be_stripped() {
        assert_eq!(strip_placeholders("call [phone] or [email] now"), "call  or  now");
        assert_eq!(strip_placeholders("no brackets"), "no brackets");
    }

    #[test]
    fn several_kinds_in_one_text() {
        let r = redact("mail a@b.co, card 4111111111111111, phone 3471234567");
        assert_eq!(r.text, "mail [email], card [card], phone [phone]");
        assert_eq!(r.found, [PiiKind::Email, PiiKind::PaymentCard, PiiKind::PhoneNumber]);
    }
}
