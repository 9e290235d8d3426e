//! Next-best-action tips in the call's language (the playbook's: Italian or English; any other
//! language gets English): answer the objection just raised with its battle card, or cover the
//! next open item of the script, saying why it is the one now.

use closer_wire::{ChecklistItem, Objection};

/// What the seller should do next.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Tip<'a> {
    /// A prospect just raised this objection.
    Answer(&'a Objection),
    /// Cover this item, for this reason.
    Cover(&'a ChecklistItem, Why<'a>),
}

/// Why an item is the one to cover now.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Why<'a> {
    /// This utterance just covered that item; this one follows it in the script.
    After(&'a ChecklistItem),
    /// The first open item in the script's order.
    NextInScript,
    /// The only item still open.
    LastOpen,
}

/// The tip for the call's current state: the objection among `raised_now` (latest first), else
/// the first open item of `checklist` (in script order) given the items `ticked_now` by this
/// utterance and whether it is `open`. `None` when nothing is left to suggest.
pub(super) fn choose<'a>(
    checklist: &'a [ChecklistItem],
    raised_now: Option<&'a Objection>,
    ticked_now: Option<&'a ChecklistItem>,
    open: impl Fn(&str) -> bool,
) -> Option<Tip<'a>> {
    if let Some(objection) = raised_now {
        return Some(Tip::Answer(objection));
    }
    let mut remaining = checklist.iter().filter(|i| open(&i.key));
    let next = remaining.next()?;
    let why = match (ticked_now, remaining.next()) {
        (Some(done), _) => Why::After(done),
        (None, None) => Why::LastOpen,
        (None, Some(_)) => Why::NextInScript,
    };
    Some(Tip::Cover(next, why))
}

/// The tip's text in `language` (ISO 639-1).
pub(super) fn text(tip: Tip<'_>, language: &str) -> String {
    let italian = language == "it";
    match tip {
        Tip::Answer(objection) => {
            let card = &objection.battle_card;
            let point = card.points.first().map(|p| format!(" — {p}")).unwrap_or_default();
            if italian {
                format!("Obiezione «{}»: {}{point}", objection.title, card.title)
            } else {
                format!("Objection “{}”: {}{point}", objection.title, card.title)
            }
        }
        Tip::Cover(item, Why::After(done)) => {
            if italian {
                format!("«{}» fatto. Ora: {}", done.title, item.title)
            } else {
                format!("“{}” is covered. Next: {}", done.title, item.title)
            }
        }
        Tip::Cover(item, Why::NextInScript) => {
            if italian {
                format!("Ora: {} — è il prossimo punto del copione", item.title)
            } else {
                format!("Next: {} — next in your script", item.title)
            }
        }
        Tip::Cover(item, Why::LastOpen) => {
            if italian {
                format!("Ora: {} — è l'ultimo punto ancora aperto", item.title)
            } else {
                format!("Next: {} — the last item still open", item.title)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use closer_wire::{BattleCard, Credit};

    fn item(key: &str, title: &str) -> ChecklistItem {
        ChecklistItem { key: key.into(), title: title.into(), credit: Credit::Any, examples: vec![], threshold: None }
    }

    #[test]
    fn tips_name_the_moment_in_the_calls_language() {
        let items = [item("agenda", "Presentare l'agenda"), item("budget", "Qualificare il budget"), item("next", "Prossimi passi")];
        let objection = Objection {
            key: "prezzo".into(),
            title: "Troppo caro".into(),
            examples: vec![],
            battle_card: BattleCard { title: "Costo totale".into(), points: vec!["Assistenza inclusa".into()], image_url: None },
            threshold: None,
        };
        let all_open = |_: &str| true;
        let first = choose(&items, None, None, all_open).unwrap();
        assert_eq!(text(first, "it"), "Ora: Presentare l'agenda — è il prossimo punto del copione");
        assert_eq!(text(first, "en"), "Next: Presentare l'agenda — next in your script");

        let after_agenda = choose(&items, None, Some(&items[0]), |k: &str| k != "agenda").unwrap();
        assert_eq!(text(after_agenda, "it"), "«Presentare l'agenda» fatto. Ora: Qualificare il budget");

        let last = choose(&items, None, None, |k: &str| k == "next").unwrap();
        assert_eq!(text(last, "en"), "Next: Prossimi passi — the last item still open");

        let answer = choose(&items, Some(&objection), None, all_open).unwrap();
        assert_eq!(text(answer, "it"), "Obiezione «Troppo caro»: Costo totale — Assistenza inclusa");
        assert_eq!(text(answer, "de"), "Objection “Troppo caro”: Costo totale — Assistenza inclusa");

        assert_eq!(choose(&items, None, None, |_: &str| false), None, "nothing left to suggest");
    }
}
