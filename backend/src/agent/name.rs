//! The caller's name in their answer to the agent's "May I have your name, please?" (#18), as
//! Whisper writes it: "My name is Peter Smith.", "Sure, it's Peter.", "Sì, sono Giulia
//! Bianchi.", "Giulia Bianchi."
//!
//! Whisper writes names with capitals and everything else of such an answer in lower case but
//! its first word, so a name is the capitalised words after the phrase that introduces one, or a
//! whole answer of one to [`MAX_WORDS`] capitalised words. Anything else ("I'm calling about the
//! flat", "Yes.") has no name: the agent goes on without one rather than call a caller "Calling".

/// Phrases that introduce a name, EN and IT, as word sequences (lower case).
const INTRODUCERS: &[&[&str]] = &[
    &["my", "name", "is"],
    &["my", "name's"],
    &["name's"],
    &["this", "is"],
    &["it", "is"],
    &["it's"],
    &["i", "am"],
    &["i'm"],
    &["mi", "chiamo"],
    &["il", "mio", "nome", "è"],
    &["sono"],
    &["parla"],
];

/// Words said before a name that are not part of it (greetings, assent, hesitation).
const FILLERS: &[&str] = &[
    "yes", "yeah", "sure", "hi", "hello", "hey", "ok", "okay", "well", "um", "uh", "oh", "sì", "si", "certo", "salve", "buongiorno",
    "buonasera", "ciao", "allora", "ecco", "pronto", "ehm", "eh",
];

/// Words that end a name ("Peter from Acme", "Giulia di Milano").
const AFTER: &[&str] = &["from", "of", "at", "with", "and", "here", "speaking", "da", "di", "della", "del", "e", "per"];

/// Most words a name has.
pub const MAX_WORDS: usize = 3;

/// The name in `answer`, its words as Whisper capitalised them (punctuation dropped); `None`
/// when the answer gives none.
pub fn heard(answer: &str) -> Option<String> {
    // Each word without its punctuation, and whether a sentence or clause ends after it.
    let words: Vec<(&str, bool)> = answer
        .split_whitespace()
        .map(|w| {
            let bare = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'');
            (bare, w.ends_with(['.', ',', '!', '?', ';', ':']))
        })
        .filter(|(bare, _)| !bare.is_empty())
        .collect();
    let lower: Vec<String> = words.iter().map(|(w, _)| w.to_lowercase().replace('’', "'")).collect();
    let introduced = (0..lower.len()).find_map(|at| {
        let rest = &lower[at..];
        INTRODUCERS.iter().find(|phrase| phrase.len() <= rest.len() && phrase.iter().zip(rest).all(|(p, w)| p == w)).map(|p| at + p.len())
    });
    let name: Vec<&str> = match introduced {
        Some(from) => {
            let mut name = Vec::new();
            for (i, (word, ends)) in words.iter().enumerate().skip(from) {
                if !capitalised(word) || AFTER.contains(&lower[i].as_str()) || name.len() == MAX_WORDS {
                    break;
                }
                name.push(*word);
                if *ends {
                    break;
                }
            }
            name
        }
        None => {
            let from = lower.iter().position(|w| !FILLERS.contains(&w.as_str())).unwrap_or(lower.len());
            let rest = &words[from..];
            if rest.len() > MAX_WORDS || !rest.iter().all(|(w, _)| capitalised(w)) {
                return None;
            }
            rest.iter().map(|(w, _)| *w).collect()
        }
    };
    (!name.is_empty()).then(|| name.join(" "))
}

/// A word as a name is written: a capital, then letters (an apostrophe or hyphen inside).
fn capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase) && word.chars().all(|c| c.is_alphabetic() || c == '\'' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_read_after_the_words_that_introduce_them() {
        for (said, name) in [
            ("My name is Peter Smith.", "Peter Smith"),
            ("Sure, it's Peter.", "Peter"),
            ("Hi, this is Mary O'Brien from Northwind.", "Mary O'Brien"),
            ("Yes, I'm Tom and I am calling about the offer.", "Tom"),
            ("Sì, sono Giulia Bianchi.", "Giulia Bianchi"),
            ("Buongiorno, mi chiamo Luca De Santis, di Torino.", "Luca De Santis"),
            ("Il mio nome è Anna.", "Anna"),
        ] {
            assert_eq!(heard(said).as_deref(), Some(name), "{said:?}");
        }
    }

    #[test]
    fn a_short_answer_of_capitalised_words_is_a_name() {
        assert_eq!(heard("Peter Smith.").as_deref(), Some("Peter Smith"));
        assert_eq!(heard("Ciao! Giulia.").as_deref(), Some("Giulia"));
    }

    #[test]
    fn answers_without_a_name_give_none() {
        for said in [
            "Yes.",
            "",
            "I'm calling about the apartment on Via Roma.",
            "We have about twenty thousand euros for this project.",
            "Sono interessato al vostro prodotto.",
            "Why do you need it?",
            "It is fine, go ahead.",
        ] {
            assert_eq!(heard(said), None, "{said:?}");
        }
    }
}
