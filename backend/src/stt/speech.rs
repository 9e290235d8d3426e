//! What a speech-to-text stream is told about the call before it hears anything: the language
//! and the words the meeting's playbook makes likely.

use closer_wire::Playbook;

/// Longest vocabulary prompt, characters: room for about ten short titles (the fixture
/// playbooks' ten take 215 and 233). Whisper reads at most 224 prompt tokens and runs its
/// decoder over every one of them in each transcription, so the prompt is kept short.
pub const PROMPT_MAX_CHARS: usize = 320;

/// The speech of one call.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpeechContext {
    /// ISO 639-1 language code (`"en"`, `"it"`).
    pub language: String,
    /// Text Whisper is primed with, as if it had just been said (empty: none). Whisper base
    /// mishears words it has no context for ("una ma il" for "una mail" in Italian); a prompt
    /// holding the playbook's vocabulary makes those words likelier without forcing them.
    pub prompt: String,
}

impl SpeechContext {
    /// The context of a call in `language` run with `playbook`: the prompt is the titles of
    /// its checklist items then of its objections, one sentence each, as many as fit in
    /// [`PROMPT_MAX_CHARS`]. Titles rather than example phrasings: they name each topic in
    /// its key words, and on the fixture calls they corrected Whisper's misheard playbook
    /// words (`mail`, `concorrente`) where the longer example sentences did not.
    pub fn for_playbook(language: &str, playbook: &Playbook) -> Self {
        let titles = playbook.checklist.iter().map(|i| &i.title).chain(playbook.objections.iter().map(|o| &o.title));
        let mut prompt = String::new();
        for title in titles {
            let title = title.trim().trim_end_matches(['.', '!', '?']);
            if title.is_empty() {
                continue;
            }
            let sentence = format!("{}{title}.", if prompt.is_empty() { "" } else { " " });
            if prompt.len() + sentence.len() > PROMPT_MAX_CHARS {
                break;
            }
            prompt.push_str(&sentence);
        }
        Self { language: language.to_owned(), prompt }
    }

    /// A context with only a language (no prompt).
    pub fn language(language: &str) -> Self {
        Self { language: language.to_owned(), prompt: String::new() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn playbook(checklist: &[&str], objections: &[&str]) -> Playbook {
        serde_json::from_value(serde_json::json!({
            "name": "p",
            "language": "en",
            "checklist": checklist.iter().enumerate().map(|(n, t)| serde_json::json!({
                "key": format!("c{n}"), "title": t, "credit": "any", "examples": ["x y"]
            })).collect::<Vec<_>>(),
            "objections": objections.iter().enumerate().map(|(n, t)| serde_json::json!({
                "key": format!("o{n}"), "title": t, "examples": ["x y"],
                "battle_card": {"title": "b", "points": []}
            })).collect::<Vec<_>>(),
        }))
        .unwrap()
    }

    #[test]
    fn prompt_is_the_titles_as_sentences() {
        let speech = SpeechContext::for_playbook("en", &playbook(&["Set the agenda", "Qualify the budget."], &["Just send me an email!"]));
        assert_eq!(speech.language, "en");
        assert_eq!(speech.prompt, "Set the agenda. Qualify the budget. Just send me an email.");
    }

    #[test]
    fn prompt_stops_at_the_cap() {
        let long = "w".repeat(200);
        let speech = SpeechContext::for_playbook("it", &playbook(&[&long, &long], &["Mandami una mail"]));
        assert_eq!(speech.prompt, format!("{long}."));
        assert!(SpeechContext::for_playbook("it", &playbook(&[], &[])).prompt.is_empty());
    }
}
