//! The phone number a caller says when the call back's number said back to them is not the
//! one to ring (#18): the digits Whisper wrote, as figures ("333 765 4321", "+44 20…") or as
//! words, EN and IT ("three three three…", "double seven", "tre tre tre…"), read as a number
//! of the country they are calling from unless they said its international prefix.

use phonenumber::Mode;

/// Digit words, EN and IT ("oh" is how English speakers say 0 in a phone number).
const DIGITS: &[(&str, char)] = &[
    ("zero", '0'),
    ("oh", '0'),
    ("one", '1'),
    ("two", '2'),
    ("three", '3'),
    ("four", '4'),
    ("five", '5'),
    ("six", '6'),
    ("seven", '7'),
    ("eight", '8'),
    ("nine", '9'),
    ("uno", '1'),
    ("due", '2'),
    ("tre", '3'),
    ("quattro", '4'),
    ("cinque", '5'),
    ("sei", '6'),
    ("sette", '7'),
    ("otto", '8'),
    ("nove", '9'),
];

/// Words that repeat the digit after them ("double seven" is 77).
const REPEATS: &[(&str, usize)] = &[("double", 2), ("triple", 3), ("doppio", 2), ("triplo", 3)];

/// The number said in `text`, E.164, read in the country of `calling_from` (E.164: the number
/// the caller is calling from) unless it starts with `+`, "plus"/"più" or the country's
/// international prefix (00 from Italy); `None` when it says no valid number.
pub fn heard(text: &str, calling_from: &str) -> Option<String> {
    let said = digits(text);
    let region = phonenumber::parse(None, calling_from).ok().and_then(|n| n.country().id());
    let number = phonenumber::parse(region, &said).ok()?;
    phonenumber::is_valid(&number).then(|| number.format().mode(Mode::E164).to_string())
}

/// The digits said in `text`, in order, with a leading `+` when it starts with one (or with
/// "plus"/"più" before the first digit); every other word is skipped.
pub fn digits(text: &str) -> String {
    let mut said = String::new();
    let mut times = 1;
    for word in text.split(|c: char| c.is_whitespace() || ",.;:!?-()/".contains(c)).filter(|w| !w.is_empty()) {
        let lower = word.to_lowercase();
        if said.is_empty() && (lower.starts_with('+') || lower == "plus" || lower == "più") {
            said.push('+');
        }
        if let Some(&(_, n)) = REPEATS.iter().find(|(w, _)| *w == lower) {
            times = n;
            continue;
        }
        let figures: String = match DIGITS.iter().find(|(w, _)| *w == lower) {
            Some(&(_, digit)) => std::iter::repeat_n(digit, times).collect(),
            None => lower.chars().filter(char::is_ascii_digit).collect(),
        };
        said.push_str(&figures);
        times = 1;
    }
    said
}

#[cfg(test)]
mod tests {
    use super::*;

    const FROM_ITALY: &str = "+393331234567";

    #[test]
    fn numbers_in_figures_or_words_are_read_in_the_callers_country() {
        for said in [
            "333 765 4321",
            "No, call me on 333-765-4321, please.",
            "Three three three, seven six five, four three two one.",
            "Triple three, seven six five, four three two one.",
            "Tre tre tre, sette sei cinque, quattro tre due uno.",
            "+39 333 765 4321",
            "Più tre nove, tre tre tre sette sei cinque quattro tre due uno",
        ] {
            assert_eq!(heard(said, FROM_ITALY).as_deref(), Some("+393337654321"), "{said:?}");
        }
        assert_eq!(heard("0044 20 7183 8750", FROM_ITALY).as_deref(), Some("+442071838750"), "Italy's international prefix");
        assert_eq!(heard("plus four four, two oh, seven one eight three, eight seven five oh", FROM_ITALY).as_deref(), Some("+442071838750"));
        assert_eq!(heard("(212) 736-5000", "+12125550199").as_deref(), Some("+12127365000"), "a US caller's national number");
    }

    #[test]
    fn what_says_no_valid_number_gives_none() {
        for said in ["No, that's not my number.", "", "one two three", "Sì, è giusto."] {
            assert_eq!(heard(said, FROM_ITALY), None, "{said:?}");
        }
    }
}
