//! The printable recap page (`GET /api/meetings/{id}/recap?format=html`): one self-contained
//! HTML document (inline CSS and SVG, no scripts, no external assets) laid out for A4 printing.
//! Every piece of text is HTML-escaped.

use closer_wire::{Recap, Side};
use std::fmt::Write;

/// Escapes `&`, `<`, `>`, `"` and `'`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn clock(ms: u64) -> String {
    format!("{:02}:{:02}", ms / 60_000, ms / 1000 % 60)
}

fn card(out: &mut String, label: &str, value: &str, band: &str, ok: bool) {
    let _ = write!(
        out,
        r#"<div class="card {}"><div class="v">{}</div><div class="l">{}</div><div class="b">{}</div></div>"#,
        if ok { "ok" } else { "off" },
        escape(value),
        escape(label),
        escape(band)
    );
}

/// Sentiment of every participant as one polyline per speaker over the call's duration.
fn sentiment_svg(recap: &Recap) -> String {
    let (w, h) = (700.0, 120.0);
    let duration = recap.kpis.duration_ms.max(1) as f64;
    let colours = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2"];
    let mut svg = format!(r##"<svg viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="sentiment timeline"><line x1="0" y1="{mid}" x2="{w}" y2="{mid}" stroke="#ccc"/>"##, mid = h / 2.0);
    for (i, speaker) in recap.speakers.iter().enumerate() {
        let points: Vec<String> = recap
            .sentiment
            .iter()
            .filter(|p| p.speaker == speaker.speaker)
            .map(|p| format!("{:.1},{:.1}", p.start_ms as f64 / duration * w, h / 2.0 - p.score * (h / 2.0 - 6.0)))
            .collect();
        if points.is_empty() {
            continue;
        }
        let colour = colours[i % colours.len()];
        let _ = write!(svg, r#"<polyline fill="none" stroke="{colour}" stroke-width="2" points="{}"/>"#, points.join(" "));
        let _ = write!(svg, r#"<text x="4" y="{}" fill="{colour}" font-size="11">{}</text>"#, 12 + 13 * i, escape(&speaker.name));
    }
    svg.push_str("</svg>");
    svg
}

/// The whole page.
pub fn page(recap: &Recap) -> String {
    let k = &recap.kpis;
    let b = &k.benchmarks;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title} — recap</title><style>
body{{font:13px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:52rem;color:#111}}h1{{margin:0}}h2{{margin:1.6rem 0 .5rem;font-size:1.05rem;border-bottom:1px solid #ddd}}
.meta{{color:#555}}.cards{{display:flex;flex-wrap:wrap;gap:.5rem}}.card{{border:1px solid #ddd;border-radius:6px;padding:.5rem .7rem;min-width:9rem}}
.card .v{{font-size:1.3rem;font-weight:600}}.card .l{{color:#444}}.card .b{{color:#777;font-size:11px}}.card.off{{border-color:#f59e0b}}
table{{border-collapse:collapse;width:100%}}td,th{{text-align:left;padding:.25rem .4rem;border-bottom:1px solid #eee;vertical-align:top}}
.t{{color:#777;white-space:nowrap}}.seller{{color:#1d4ed8}}pre{{white-space:pre-wrap;font:inherit}}
@page{{size:A4;margin:14mm}}@media print{{body{{margin:0}}h2{{break-after:avoid}}tr{{break-inside:avoid}}}}</style></head><body>"#,
        lang = escape(&recap.language),
        title = escape(&recap.title)
    );
    let when = recap.started_at.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default();
    let _ = write!(
        out,
        r#"<h1>{}</h1><p class="meta">{} · {} · {} min · {}</p>"#,
        escape(&recap.title),
        escape(&when),
        escape(&recap.playbook_name),
        (k.duration_ms as f64 / 60_000.0).round(),
        recap.speakers.iter().map(|s| escape(&s.name)).collect::<Vec<_>>().join(", ")
    );
    out.push_str(r#"<h2>KPIs</h2><div class="cards">"#);
    card(&mut out, "script adherence", &format!("{:.0}%", k.script_adherence_pct), &format!("{} of {} items", k.items_covered, k.items_total), k.items_covered == k.items_total);
    card(&mut out, "seller talk share", &format!("{:.0}%", k.seller_talk_pct), &format!("benchmark {:.0}% (Gong)", b.seller_talk_pct), (k.seller_talk_pct - b.seller_talk_pct).abs() <= 10.0);
    if let Some(wpm) = k.seller_wpm {
        card(&mut out, "seller pace (wpm)", &format!("{wpm:.0}"), &format!("band {:.0}–{:.0}", b.wpm_min, b.wpm_max), (b.wpm_min..=b.wpm_max).contains(&wpm));
    }
    card(&mut out, "longest monologue", &clock(k.longest_monologue_ms), "mm:ss", k.longest_monologue_ms <= 150_000);
    card(&mut out, "seller questions", &k.seller_questions.to_string(), "", true);
    card(&mut out, "objections handled", &format!("{} / {}", k.objections_handled, k.objections_raised), "", k.objections_handled == k.objections_raised);
    if let Some(score) = k.sentiment_score {
        card(&mut out, "guest sentiment", &format!("{score:+.2}"), "−1 … +1", score >= 0.0);
    }
    out.push_str("</div>");
    let _ = write!(out, "<h2>Summary</h2><pre>{}</pre>", escape(&recap.summary));
    if !recap.next_steps.is_empty() {
        out.push_str("<h2>Next steps</h2><ul>");
        for step in &recap.next_steps {
            let _ = write!(out, "<li>{}</li>", escape(step));
        }
        out.push_str("</ul>");
    }
    if !recap.action_items.is_empty() {
        out.push_str("<h2>Action items</h2><table><tr><th>What</th><th>Owner</th><th>Due</th></tr>");
        for a in &recap.action_items {
            let due = match (&a.due, a.due_date) {
                (Some(said), Some(date)) => format!("{said} ({date})"),
                (Some(said), None) => said.clone(),
                (None, Some(date)) => date.to_string(),
                (None, None) => String::new(),
            };
            let _ = write!(out, "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", escape(&a.text), escape(a.owner.as_deref().unwrap_or("")), escape(&due));
        }
        out.push_str("</table>");
    }
    out.push_str("<h2>Speakers</h2><table><tr><th>Name</th><th>Talk</th><th>Words/min</th><th>Longest monologue</th><th>Questions</th></tr>");
    for s in &recap.speakers {
        let _ = write!(
            out,
            "<tr><td>{}{}</td><td>{:.0}%</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&s.name),
            if s.side == Side::Seller { " (seller)" } else { "" },
            s.talk_pct,
            s.wpm.map(|w| format!("{w:.0}")).unwrap_or_else(|| "—".into()),
            clock(s.longest_monologue_ms),
            s.questions
        );
    }
    out.push_str("</table><h2>Checklist</h2><table>");
    for c in &recap.checklist {
        let evidence = c.evidence.as_ref().map(|e| format!("{} “{}”", clock(e.start_ms), escape(&e.text))).unwrap_or_default();
        let _ = write!(out, "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", if c.covered { "✔" } else { "✘" }, escape(&c.title), evidence);
    }
    out.push_str("</table>");
    if !recap.objections.is_empty() {
        out.push_str("<h2>Objections and battle cards</h2><table><tr><th>Objection</th><th>When</th><th>Card</th><th>Outcome</th></tr>");
        for o in &recap.objections {
            let _ = write!(
                out,
                "<tr><td>{}<br><span class=\"t\">“{}”</span></td><td class=\"t\">{}</td><td>shown{}</td><td>{}</td></tr>",
                escape(&o.title),
                escape(&o.evidence.text),
                clock(o.evidence.start_ms),
                if o.card_presented { ", presented" } else { "" },
                if o.handled { "handled" } else if o.responded { "answered, not handled" } else { "unanswered" }
            );
        }
        out.push_str("</table>");
    }
    let _ = write!(out, "<h2>Sentiment</h2>{}", sentiment_svg(recap));
    out.push_str("<h2>Transcript</h2><table>");
    for line in &recap.transcript {
        let _ = write!(
            out,
            "<tr><td class=\"t\">{}</td><td class=\"{}\">{}</td><td>{}</td></tr>",
            clock(line.start_ms),
            if line.side == Side::Seller { "seller" } else { "guest" },
            escape(&line.speaker_name),
            escape(&line.text)
        );
    }
    let _ = write!(out, "</table><p class=\"meta\">Generated {} · notes: {}</p></body></html>", recap.generated_at.format("%Y-%m-%d %H:%M UTC"), escape(&recap.summary_method));
    out
}
