//! Sentence-level text helpers shared by the KPIs and the extractive summary (EN + IT).

/// Splits `text` into sentences at `.`, `?`, `!` or `;` followed by whitespace (or the end),
/// keeping the punctuation; empty pieces are dropped.
pub fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        current.push(c);
        if matches!(c, '.' | '?' | '!' | ';') && chars.peek().is_none_or(|n| n.is_whitespace()) {
            let sentence = current.trim().to_owned();
            if sentence.chars().any(char::is_alphanumeric) {
                out.push(sentence);
            }
            current.clear();
        }
    }
    let rest = current.trim();
    if rest.chars().any(char::is_alphanumeric) {
        out.push(rest.to_owned());
    }
    out
}

/// Words of `text`: whitespace-separated tokens containing a letter or digit.
pub fn words(text: &str) -> Vec<&str> {
    text.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).collect()
}

/// Lower-cased words without surrounding punctuation.
pub fn normalized_words(text: &str) -> Vec<String> {
    words(text)
        .into_iter()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'').to_lowercase())
        .collect()
}

/// Openers of a question without a question mark (speech recognisers often drop it).
const QUESTION_OPENERS_EN: &[&str] = &[
    "what", "how", "who", "whom", "whose", "when", "where", "why", "which", "do", "does", "did", "are", "is",
    "was", "were", "can", "could", "would", "will", "should", "shall", "have", "has", "may",
];
const QUESTION_OPENERS_IT: &[&str] = &[
    "cosa", "che", "come", "chi", "quando", "dove", "perché", "perche", "quale", "quali", "quanto", "quanta",
    "quanti", "quante", "qual", "avete", "potete", "può", "puo", "potrebbe", "vorreste", "vorrebbe", "siete",
    "è", "ha", "hai",
];

/// `true` when `sentence` is a question: it ends with `?`, or (with no final punctuation of
/// another kind) opens with an interrogative word of `language` (`en` or `it`; others rely on
/// the question mark).
pub fn is_question(sentence: &str, language: &str) -> bool {
    let trimmed = sentence.trim_end();
    if trimmed.ends_with('?') {
        return true;
    }
    if trimmed.ends_with(['.', '!', ';']) {
        return false;
    }
    let Some(first) = normalized_words(trimmed).into_iter().next() else { return false };
    let openers = match language {
        "en" => QUESTION_OPENERS_EN,
        "it" => QUESTION_OPENERS_IT,
        _ => return false,
    };
    openers.contains(&first.as_str())
}

/// How many words a recognised token stands for when spoken. Recognisers write numbers as
/// digits ("10,000"), which English says in several words ("ten thousand"): for `en`, a
/// numeral counts the words of its English reading (tens like "twenty-one" as one word);
/// other languages (Italian writes "diecimila" as one word) and every other token count 1.
pub fn spoken_words(token: &str, language: &str) -> u32 {
    let digits: String = token.chars().filter(|c| c.is_ascii_digit() || *c == ',').collect();
    let plain = token.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    let numeral = !digits.is_empty() && plain.chars().all(|c| c.is_ascii_digit() || c == ',');
    if language != "en" || !numeral {
        return 1;
    }
    match plain.replace(',', "").parse::<u64>() {
        Ok(n) => english_number_words(n),
        Err(_) => 1,
    }
}

/// Words of the English reading of `n` ("one hundred twenty-three thousand" = 4).
fn english_number_words(n: u64) -> u32 {
    fn below_thousand(n: u64) -> u32 {
        let hundreds = if n >= 100 { 2 } else { 0 };
        hundreds + u32::from(!n.is_multiple_of(100) || n == 0)
    }
    if n < 1000 {
        return below_thousand(n);
    }
    let mut words = 0;
    let mut rest = n;
    for scale in [1_000_000_000_000u64, 1_000_000_000, 1_000_000, 1000] {
        if rest >= scale {
            words += below_thousand(rest / scale) + 1;
            rest %= scale;
        }
    }
    words + if rest > 0 { below_thousand(rest) } else { 0 }
}

/// `true` for a PII placeholder word such as `[card]` or `[phone]`.
pub fn is_placeholder(word: &str) -> bool {
    let w = word.trim_matches(|c: char| c.is_ascii_punctuation() && c != '[' && c != ']');
    w.len() > 2 && w.starts_with('[') && w.ends_with(']')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_sentences_and_finds_questions() {
        assert_eq!(
            sentences("Makes sense. Have you set aside a budget? 3.5 million; ok"),
            vec!["Makes sense.", "Have you set aside a budget?", "3.5 million;", "ok"]
        );
        assert!(is_question("Who else would be involved?", "en"));
        assert!(is_question("who else would be involved", "en"));
        assert!(!is_question("Who cares.", "en"));
        assert!(is_question("Entro quando vorreste avere una soluzione operativa?", "it"));
        assert!(is_question("quale è il budget", "it"));
        assert!(!is_question("Capisco perfettamente", "it"));
        assert!(is_placeholder("[card]") && is_placeholder("[phone],") && !is_placeholder("card"));
        assert_eq!(words("Sounds good , we are - here."), vec!["Sounds", "good", "we", "are", "here."]);
        let counts: Vec<u32> = ["10,000", "20", "50,000.", "123", "1,500,000", "word", "3pm"].iter().map(|t| spoken_words(t, "en")).collect();
        assert_eq!(counts, vec![2, 1, 2, 3, 5, 1, 1]);
        assert_eq!(spoken_words("10.000", "it"), 1);
    }
}
