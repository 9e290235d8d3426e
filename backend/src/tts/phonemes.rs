//! Text → the phoneme ids a Piper voice reads, built as Piper's own phonemizer
//! (rhasspy/piper-phonemize) builds them: the text is cut into sentences and clauses, each
//! clause is phonemized by eSpeak NG into IPA, the clause's punctuation follows its phonemes
//! (the voice was trained to pause and intone on it), clauses of one sentence are joined by a
//! space, and the ids are `^`, then each phoneme's id followed by the pad `_`'s, then `$`.
//! eSpeak NG runs as the `espeak-ng` program, one process per clause (about 10 ms each).

use super::TtsError;
use std::collections::HashMap;
use std::io::Write;
use std::process::{Command, Stdio};

/// Punctuation that ends a clause; the first three also end a sentence.
const SENTENCE_END: [char; 3] = ['.', '!', '?'];
const CLAUSE_END: [char; 3] = [',', ';', ':'];

/// One clause: its words and the punctuation that ended it, if any.
pub(super) type Clause = (String, Option<char>);

/// `text` cut into sentences of clauses. Empty clauses (runs of punctuation) are dropped, and a
/// sentence without words with them.
pub(super) fn sentences(text: &str) -> Vec<Vec<Clause>> {
    let mut sentences = Vec::new();
    let mut sentence: Vec<Clause> = Vec::new();
    let mut words = String::new();
    for c in text.chars() {
        let end = SENTENCE_END.contains(&c);
        if end || CLAUSE_END.contains(&c) {
            let clause = words.split_whitespace().collect::<Vec<_>>().join(" ");
            if clause.chars().any(char::is_alphanumeric) {
                sentence.push((clause, Some(c)));
            }
            words.clear();
            if end && !sentence.is_empty() {
                sentences.push(std::mem::take(&mut sentence));
            }
        } else {
            words.push(c);
        }
    }
    let clause = words.split_whitespace().collect::<Vec<_>>().join(" ");
    if clause.chars().any(char::is_alphanumeric) {
        sentence.push((clause, None));
    }
    if !sentence.is_empty() {
        sentences.push(sentence);
    }
    sentences
}

/// The IPA of one clause in eSpeak NG `voice` (e.g. `en-us`), words separated by spaces.
/// eSpeak's language-switch marks (`(fr)…(en)`, around a word it reads as foreign) are dropped.
///
/// Errors: [`TtsError::Program`] when `espeak-ng` is missing or fails.
pub(super) fn ipa(voice: &str, clause: &str) -> Result<String, TtsError> {
    let failed = |message: String| TtsError::Program { program: "espeak-ng", message };
    let mut child = Command::new("espeak-ng")
        .args(["-q", "--ipa", "-v", voice])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| failed(format!("cannot run it ({e}); install Debian's espeak-ng")))?;
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(clause.as_bytes())
        .map_err(|e| failed(e.to_string()))?;
    let output = child.wait_with_output().map_err(|e| failed(e.to_string()))?;
    if !output.status.success() {
        return Err(failed(format!("{}: {}", output.status, String::from_utf8_lossy(&output.stderr).trim())));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let mut ipa = String::new();
    let mut in_mark = false;
    for c in text.chars() {
        match c {
            '(' => in_mark = true,
            ')' => in_mark = false,
            _ if in_mark => {}
            c if c.is_whitespace() => {
                if !ipa.is_empty() && !ipa.ends_with(' ') {
                    ipa.push(' ');
                }
            }
            c => ipa.push(c),
        }
    }
    Ok(ipa.trim_end().to_owned())
}

/// The phoneme string of one sentence: each clause's IPA, its punctuation, a space between
/// clauses. `phonemize` turns a clause into IPA (see [`ipa`]).
pub(super) fn sentence_phonemes(
    sentence: &[Clause],
    mut phonemize: impl FnMut(&str) -> Result<String, TtsError>,
) -> Result<String, TtsError> {
    let mut phonemes = String::new();
    for (words, punctuation) in sentence {
        if !phonemes.is_empty() {
            phonemes.push(' ');
        }
        phonemes.push_str(&phonemize(words)?);
        phonemes.extend(*punctuation);
    }
    Ok(phonemes)
}

/// The voice's ids for `phonemes`: `^`, `_`, then each phoneme's ids and `_`, then `$`.
/// Phonemes the voice has no id for are skipped, as Piper skips them.
///
/// Errors: [`TtsError::Config`] when the map lacks `^`, `_` or `$`.
pub(super) fn ids(phonemes: &str, map: &HashMap<char, Vec<i64>>) -> Result<Vec<i64>, TtsError> {
    let special = |c: char| map.get(&c).ok_or_else(|| TtsError::Config(format!("phoneme_id_map has no {c:?}")));
    let (bos, pad, eos) = (special('^')?, special('_')?, special('$')?);
    let mut ids = bos.clone();
    ids.extend(pad);
    for c in phonemes.chars() {
        if let Some(id) = map.get(&c) {
            ids.extend(id);
            ids.extend(pad);
        }
    }
    ids.extend(eos);
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_cut_into_sentences_of_clauses_with_their_punctuation() {
        let cut = sentences("Hello Anna, thanks for joining!  What budget do you have... in mind");
        assert_eq!(
            cut,
            vec![
                vec![("Hello Anna".to_owned(), Some(',')), ("thanks for joining".to_owned(), Some('!'))],
                vec![("What budget do you have".to_owned(), Some('.'))],
                vec![("in mind".to_owned(), None)],
            ]
        );
        assert!(sentences(" ... ?! ").is_empty());
    }

    #[test]
    fn clauses_join_with_their_punctuation_and_a_space() {
        let sentence = vec![("a b".to_owned(), Some(',')), ("c".to_owned(), Some('?'))];
        let phonemes = sentence_phonemes(&sentence, |w| Ok(w.to_uppercase())).unwrap();
        assert_eq!(phonemes, "A B, C?");
    }

    #[test]
    fn ids_are_framed_and_padded_as_piper_builds_them() {
        let map: HashMap<char, Vec<i64>> =
            [('_', vec![0]), ('^', vec![1]), ('$', vec![2]), (' ', vec![3]), ('a', vec![14]), ('ˈ', vec![120])]
                .into_iter()
                .collect();
        assert_eq!(ids("ˈa a§", &map).unwrap(), vec![1, 0, 120, 0, 14, 0, 3, 0, 14, 0, 2]);
        let no_pad: HashMap<char, Vec<i64>> = [('^', vec![1]), ('$', vec![2])].into_iter().collect();
        assert!(matches!(ids("a", &no_pad), Err(TtsError::Config(_))));
    }
}
