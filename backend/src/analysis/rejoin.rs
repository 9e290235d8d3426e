//! Second reading of a transcribed sentence with the playbook's words Whisper split in two put
//! back together.
//!
//! When the audio glitches inside a word (a concealed packet, a starved audio thread), Whisper
//! often hears two short words instead of one: "mi mandi pure una ma il con la documentazione"
//! for "…una mail…". The split removes the one word that carries the idea, and the sentence no
//! longer reads as the objection (0.22 against "Mandami una mail" instead of 0.41 with "mail";
//! the objection threshold is 0.355). Both halves are often real words ("ma", "il"), so the
//! text itself is never rewritten: the analyzer scores this second reading alongside the
//! original and keeps, per target, the better of the two. Only joins that make a word the
//! playbook itself uses are made, so the second reading can only move a sentence towards the
//! playbook's own vocabulary.

use std::collections::HashSet;

/// Shortest playbook word (characters) a join may produce: shorter joins ("a"+"l" → "al")
/// are ordinary words in both languages, not the topic words a split hides.
pub const MIN_JOINED_CHARS: usize = 4;

/// The words (lower case, letters only) of a playbook's phrasings that are at least
/// [`MIN_JOINED_CHARS`] long.
pub(super) struct Vocabulary(HashSet<String>);

impl Vocabulary {
    /// Collects the words of `phrasings` (titles and example phrasings), split at every
    /// character that is not a letter (so "l'invito" gives "invito").
    pub(super) fn new<'a>(phrasings: impl IntoIterator<Item = &'a str>) -> Self {
        let words = phrasings
            .into_iter()
            .flat_map(|p| p.split(|c: char| !c.is_alphabetic()))
            .filter(|w| w.chars().count() >= MIN_JOINED_CHARS)
            .map(str::to_lowercase)
            .collect();
        Self(words)
    }

    /// `text` with every pair of neighbouring words whose concatenation is a vocabulary word
    /// joined into it — two words separated by a space ("ma il" → "mail") or by a hyphen
    /// inside one token ("ma-il" → "mail") — or `None` when nothing joins. A pair is joined
    /// only when both halves are all letters (punctuation after the second half is kept), so
    /// words across a sentence break are never joined. Joins do not chain: "a b c" can give
    /// "ab c" or "a bc", not "abc".
    pub(super) fn rejoin(&self, text: &str) -> Option<String> {
        let mut tokens: Vec<String> = Vec::new();
        let mut joined = false;
        for token in text.split_whitespace() {
            let token = self.join_hyphenated(token, &mut joined);
            if let Some(previous) = tokens.last_mut()
                && let Some(word) = self.join(previous, &token)
            {
                *previous = word;
                joined = true;
                continue;
            }
            tokens.push(token);
        }
        joined.then(|| tokens.join(" "))
    }

    /// `token` with its hyphen removed when the two sides make a vocabulary word.
    fn join_hyphenated(&self, token: &str, joined: &mut bool) -> String {
        if let Some((left, right)) = token.split_once('-')
            && let Some(word) = self.join(left, right)
        {
            *joined = true;
            return word;
        }
        token.to_owned()
    }

    /// `left` + `right` as one word, when that is a vocabulary word: `left` all letters,
    /// `right` letters followed by any punctuation (kept).
    fn join(&self, left: &str, right: &str) -> Option<String> {
        let letters = right.trim_end_matches(|c: char| !c.is_alphabetic());
        let all_letters = |s: &str| !s.is_empty() && s.chars().all(char::is_alphabetic);
        if !all_letters(left) || !all_letters(letters) {
            return None;
        }
        let word = format!("{left}{letters}").to_lowercase();
        self.0.contains(&word).then(|| format!("{left}{right}"))
    }
}

#[cfg(test)]
mod tests {
    use super::Vocabulary;

    fn vocabulary() -> Vocabulary {
        Vocabulary::new(["Mandami una mail", "mi scriva i dettagli per email", "Fissare l'appuntamento"])
    }

    #[test]
    fn a_playbook_word_split_in_two_is_joined() {
        let v = vocabulary();
        assert_eq!(
            v.rejoin("Mimandi pure una ma il con la documentazione").as_deref(),
            Some("Mimandi pure una mail con la documentazione")
        );
        assert_eq!(v.rejoin("una ma il, poi vediamo").as_deref(), Some("una mail, poi vediamo"));
        assert_eq!(v.rejoin("una ma-il").as_deref(), Some("una mail"));
        assert_eq!(v.rejoin("l' appunta mento").as_deref(), Some("l' appuntamento"));
        assert_eq!(v.rejoin("Man dami una E mail").as_deref(), Some("Mandami una Email"));
    }

    #[test]
    fn nothing_else_is_joined() {
        let v = vocabulary();
        // Already whole, not a playbook word, across a sentence break, too short.
        assert_eq!(v.rejoin("mandami una mail"), None);
        assert_eq!(v.rejoin("con la documentazione"), None);
        assert_eq!(v.rejoin("va bene ma. il resto"), None);
        assert_eq!(v.rejoin("un a"), None);
        assert_eq!(v.rejoin(""), None);
    }
}
