//! Splitting an utterance into the units that are matched against playbook phrasings.

/// The utterance's sentences without their punctuation (split at `. ? ! ;`, keeping those of
/// two words or more) followed by the whole text. A turn often carries several ideas ("That is
/// fair. When would you…?"): matching sentence by sentence keeps one idea from diluting
/// another, and the whole text still catches an idea spread over two short sentences.
/// Punctuation is dropped from the sentences because the playbook phrasings have none and the
/// encoder is sensitive to it (a trailing "?" moves a question's similarity by ~0.07). The
/// last element is always the whole (trimmed) text.
pub(super) fn split(text: &str) -> Vec<String> {
    let whole = text.trim().to_owned();
    let mut parts: Vec<String> = whole
        .split(['.', '?', '!', ';'])
        .map(str::trim)
        .filter(|s| s.split_whitespace().count() >= 2)
        .map(str::to_owned)
        .collect();
    if parts.len() == 1 && parts[0] == whole {
        parts.clear(); // nothing to strip: the whole text says the same
    }
    parts.push(whole);
    parts
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn sentences_then_whole() {
        assert_eq!(
            split("That is fair. When would you start? Ok."),
            ["That is fair", "When would you start", "That is fair. When would you start? Ok."]
        );
        assert_eq!(split("Just one sentence here."), ["Just one sentence here", "Just one sentence here."]);
        assert_eq!(split("no punctuation at all"), ["no punctuation at all"]);
        assert_eq!(split(""), [""]);
    }
}
