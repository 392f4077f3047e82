//! Key-value round trip: known facts (a key naming the stance, a figure
//! with its unit, a period, an entity) rendered as key-value lines in every
//! style plan documents print them (marker families before the key, colon
//! or no colon, dot leaders, aligned spaces, the key alone above its
//! figure, brackets), with the period in the key, in a heading above, or in
//! parentheses after the figure, under a place heading of several marker
//! families. Each rendering is parsed and the fact must come back with all
//! its attributes. Accuracy is printed per dimension value
//! (`cargo test --test key_values -- --nocapture`); then records of a JSON
//! export go through the same check.

use std::collections::BTreeMap;

use planfacts::model::{Measure, Stance};
use planfacts::pipeline;

/// How a key and its figure are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// `{marker}{key}：{figure}`
    Colon(&'static str),
    /// `{key}: {figure}` with a half-width colon and a space.
    AsciiColon,
    /// `【{key}】{figure}`, `＜{key}＞ {figure}`, `[{key}] {figure}`.
    Bracket(&'static str, &'static str),
    /// `{key}……{figure}`
    Leader(&'static str),
    /// `{key}　　　{figure}` (aligned with ideographic spaces).
    Aligned,
    /// `■{key} {figure}` (a marker, one space, no colon).
    MarkedSpace(&'static str),
    /// `{key}` and `{figure}` on the next line.
    NextLine,
}

const STYLES: &[Style] = &[
    Style::Colon(""),
    Style::Colon("◆"),
    Style::Colon("■"),
    Style::Colon("□"),
    Style::Colon("●"),
    Style::Colon("○"),
    Style::Colon("・"),
    Style::Colon("- "),
    Style::Colon("（１）"),
    Style::AsciiColon,
    Style::Bracket("【", "】"),
    Style::Bracket("＜", "＞ "),
    Style::Bracket("[", "] "),
    Style::Leader("……"),
    Style::Leader("・・・"),
    Style::Leader("..."),
    Style::Aligned,
    Style::MarkedSpace("■"),
    Style::MarkedSpace("◆"),
    Style::NextLine,
];

/// Where the figure's period is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Period {
    None,
    /// `令和6年度予算額：…` (only where the key may hold digits: a colon).
    InKey,
    /// A fiscal-year heading above (`＜令和6年度＞`).
    Heading,
    /// `1,234千円 （R6年度）`
    Note,
    /// `1,361組 （H29～R2年度）`: a span, cumulative.
    NoteSpan,
    /// `426万人泊 （R1年）`: a calendar year.
    NoteYear,
}

const PERIODS: &[Period] = &[
    Period::None,
    Period::InKey,
    Period::Heading,
    Period::Note,
    Period::NoteSpan,
    Period::NoteYear,
];

/// The place heading the figures stand under: its marker family.
const PLACES: &[(&str, &str)] = &[("■", ""), ("[", "]"), ("【", "】"), ("## ", "")];

const PLACE: &str = "北山市";

/// A key and the stance it names.
const KEYS: &[(&str, Stance)] = &[
    ("予算額", Stance::Planned),
    ("決算額", Stance::Achieved),
    ("目標値", Stance::Planned),
    ("実績値", Stance::Achieved),
];

/// A figure as printed, its value in base units, and the unit.
const FIGURES: &[(&str, f64, &str)] = &[
    ("1,234千円", 1_234_000.0, "円"),
    ("３５件", 35.0, "件"),
    ("73.7％", 73.7, "%"),
    ("426万人泊", 4_260_000.0, "人泊"),
];

#[derive(Debug, Clone, Copy)]
struct Case {
    style: Style,
    period: Period,
    place: (&'static str, &'static str),
    key: (&'static str, Stance),
    figure: (&'static str, f64, &'static str),
}

impl Case {
    /// Whether the period can be printed in this style: a key holding a
    /// date is set apart by a colon only.
    fn valid(&self) -> bool {
        let colon = matches!(self.style, Style::Colon(_) | Style::AsciiColon);
        // A key in the place label's own brackets is the label's peer: it
        // closes the sections under the label, a year heading among them.
        let peer = matches!(self.style, Style::Bracket(b, _) if b == self.place.0);
        if peer && self.period == Period::Heading {
            return false;
        }
        match self.period {
            Period::InKey => colon,
            // A figure line below its key is the figure alone.
            Period::Note | Period::NoteSpan | Period::NoteYear => self.style != Style::NextLine,
            _ => true,
        }
    }

    fn expected_years(&self) -> (Option<i32>, Option<i32>, bool) {
        match self.period {
            Period::None => (None, None, false),
            Period::InKey | Period::Heading | Period::Note => (Some(2024), Some(2024), false),
            Period::NoteSpan => (Some(2017), Some(2020), true),
            Period::NoteYear => (Some(2019), Some(2019), false),
        }
    }

    fn render(&self) -> String {
        let (key, _) = self.key;
        let (figure, _, _) = self.figure;
        let key = if self.period == Period::InKey {
            format!("令和6年度{key}")
        } else {
            key.to_string()
        };
        let figure = match self.period {
            Period::Note => format!("{figure} （R6年度）"),
            Period::NoteSpan => format!("{figure} （H29～R2 年度）"),
            Period::NoteYear => format!("{figure} （R１年）"),
            _ => figure.to_string(),
        };
        let line = match self.style {
            Style::Colon(m) => format!("{m}{key}：{figure}"),
            Style::AsciiColon => format!("{key}: {figure}"),
            Style::Bracket(open, close) => format!("{open}{key}{close}{figure}"),
            Style::Leader(l) => format!("{key}{l}{figure}"),
            Style::Aligned => format!("{key}\u{3000}\u{3000}\u{3000}{figure}"),
            Style::MarkedSpace(m) => format!("{m}{key} {figure}"),
            Style::NextLine => format!("{key}\n{figure}"),
        };
        let (open, close) = self.place;
        let mut doc = format!("事業の概要\n\n{open}{PLACE}{close}\n\n");
        if self.period == Period::Heading {
            // A family other than the place's and the key's: one family
            // shares one level, and a label closes its peers.
            let used = |o: &str| {
                open.starts_with(o) || matches!(self.style, Style::Bracket(b, _) if b == o)
            };
            let (o, c) = [("＜", "＞"), ("【", "】"), ("●", "")]
                .into_iter()
                .find(|(o, _)| !used(o))
                .unwrap_or(("●", ""));
            doc.push_str(&format!("{o}令和6年度{c}\n\n"));
        }
        doc.push_str(&line);
        doc.push('\n');
        doc
    }

    fn label(&self) -> Vec<(String, String)> {
        vec![
            ("style".into(), format!("{:?}", self.style)),
            ("period".into(), format!("{:?}", self.period)),
            ("place".into(), self.place.0.trim().to_string()),
            ("key".into(), self.key.0.to_string()),
            ("figure".into(), self.figure.0.to_string()),
        ]
    }
}

fn measures_of(name: &str, text: &str) -> Vec<Measure> {
    pipeline::process(name, text.as_bytes()).measures
}

/// What differs between the fact and the measure read for it.
fn check(case: &Case, measures: &[Measure]) -> Result<(), String> {
    let (_, value, unit) = case.figure;
    let found: Vec<&Measure> = measures
        .iter()
        .filter(|m| (m.value - value).abs() < 1e-6 * value.abs().max(1.0))
        .collect();
    let [m] = found.as_slice() else {
        return Err(format!("{} measures of {value}", found.len()));
    };
    let (fy_start, fy_end, cumulative) = case.expected_years();
    let mut wrong = Vec::new();
    if m.unit.as_deref() != Some(unit) {
        wrong.push(format!("unit {:?}", m.unit));
    }
    if m.stance != case.key.1 {
        wrong.push(format!("stance {:?}", m.stance));
    }
    if (m.fy_start, m.fy_end) != (fy_start, fy_end) {
        wrong.push(format!("fy {:?}..{:?}", m.fy_start, m.fy_end));
    }
    if m.cumulative != cumulative {
        wrong.push(format!("cumulative {}", m.cumulative));
    }
    if m.entity.as_deref() != Some(PLACE) {
        wrong.push(format!("entity {:?}", m.entity));
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(wrong.join(", "))
    }
}

#[test]
fn key_value_styles_round_trip() {
    let mut per_dim: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut n = 0;
    for &style in STYLES {
        for &period in PERIODS {
            for (k, &key) in KEYS.iter().enumerate() {
                // Places and figures rotate with the key: every value of each
                // dimension meets every style and period.
                for (f, &figure) in FIGURES.iter().enumerate() {
                    let place = PLACES[(k + f) % PLACES.len()];
                    let case = Case {
                        style,
                        period,
                        place,
                        key,
                        figure,
                    };
                    if !case.valid() {
                        continue;
                    }
                    n += 1;
                    let text = case.render();
                    let result = check(&case, &measures_of("kv.txt", &text));
                    for dim in case.label() {
                        let e = per_dim.entry(dim).or_default();
                        e.1 += 1;
                        if result.is_ok() {
                            e.0 += 1;
                        }
                    }
                    if let Err(e) = result {
                        failures.push(format!("{e}\n{text}"));
                    }
                }
            }
        }
    }
    for ((dim, value), (ok, all)) in &per_dim {
        if ok != all {
            println!("{dim:>7} {value:<24} {ok}/{all}");
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {n} renderings wrong; first ones:\n{}",
        failures.len(),
        failures
            .iter()
            .take(8)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n---\n")
    );
}

/// Text where no key-value pair should be read: figures stay `stated`.
#[test]
fn figures_in_sentences_are_not_key_values() {
    let text = "事業の概要\n\n本事業では地域の\nネットワーク 104機関と連携し、\n参加者は延べ 35人であった。\n\n本事業では地域の\nネットワーク 104機関\nと連携した。\n\n目次・・・・・・ 04\n";
    for m in measures_of("prose.txt", text) {
        assert_eq!(m.stance, Stance::Stated, "{m:?}");
    }
}

/// One record of a JSON export per style of field naming; each fact must
/// come back from its field with all attributes.
#[test]
fn json_records_round_trip() {
    struct Fact {
        fields: &'static str,
        value: f64,
        unit: &'static str,
        stance: Stance,
        fy: (Option<i32>, Option<i32>),
    }
    let facts = [
        Fact {
            fields: r#""actual_value_text": "95.7%", "actual_period_text": "R6年度""#,
            value: 95.7,
            unit: "%",
            stance: Stance::Achieved,
            fy: (Some(2024), Some(2024)),
        },
        Fact {
            fields: r#""initial_value": "22.9% （H30年度）""#,
            value: 22.9,
            unit: "%",
            stance: Stance::Achieved,
            fy: (Some(2018), Some(2018)),
        },
        Fact {
            fields: r#""target_r8": "１２０件""#,
            value: 120.0,
            unit: "件",
            stance: Stance::Planned,
            fy: (Some(2026), Some(2026)),
        },
        Fact {
            fields: r#""target_2030_original": "907件 （R2～7年度）""#,
            value: 907.0,
            unit: "件",
            stance: Stance::Planned,
            fy: (Some(2020), Some(2025)),
        },
        Fact {
            fields: r#""baseline_value": 76, "baseline_year": 2022, "unit": "percent""#,
            value: 76.0,
            unit: "%",
            stance: Stance::Achieved,
            fy: (Some(2022), Some(2022)),
        },
        Fact {
            fields: r#""budget_amount_thousand_yen": 2230, "budget_amount_text": "2,230", "budget_period": "令和8年度""#,
            value: 2_230_000.0,
            unit: "円",
            stance: Stance::Planned,
            fy: (Some(2026), Some(2026)),
        },
        Fact {
            fields: r#""indicator_name": "農業産出額（億円）", "final_target_text": "13,600", "final_target_period_text": "R12 （2030）""#,
            value: 1_360_000_000_000.0,
            unit: "円",
            stance: Stance::Planned,
            fy: (Some(2030), Some(2030)),
        },
        Fact {
            fields: r#""evaluation_baseline": {"period_original": "H30", "value": 1939, "value_text_original": "1,939", "unit_original": "億円"}"#,
            value: 193_900_000_000.0,
            unit: "円",
            stance: Stance::Achieved,
            fy: (Some(2018), Some(2018)),
        },
        Fact {
            fields: r#""annual_results": [{"reporting_year": 2022, "measurement_year": 2021, "achievement_rate_text": "47.8%"}]"#,
            value: 47.8,
            unit: "%",
            stance: Stance::Achieved,
            fy: (Some(2021), Some(2021)),
        },
        Fact {
            fields: r#""target_name": "参加者数を12,000人に増加（2030年）""#,
            value: 12_000.0,
            unit: "人",
            stance: Stance::Planned,
            fy: (Some(2030), Some(2030)),
        },
        Fact {
            fields: r#""planned_cost_yen": 17000000, "planned_cost_raw_ja": "17百万円", "target_year": 2027"#,
            value: 17_000_000.0,
            unit: "円",
            stance: Stance::Planned,
            fy: (None, None),
        },
    ];
    for pretty in [false, true] {
        for fact in &facts {
            let record = format!(
                r#"{{"id": "rec-01", "source_pdf_page": 12, {}}}"#,
                fact.fields
            );
            let text = if pretty {
                format!("{{\n  \"records\": [\n    {record}\n  ]\n}}\n")
            } else {
                format!(r#"{{"records": [{record}]}}"#)
            };
            let ms = measures_of("export.json", &text);
            let found: Vec<&Measure> = ms
                .iter()
                .filter(|m| (m.value - fact.value).abs() < 1e-6 * fact.value.max(1.0))
                .collect();
            let [m] = found.as_slice() else {
                panic!(
                    "{} measures of {} in {text}: {ms:#?}",
                    found.len(),
                    fact.value
                );
            };
            assert_eq!(m.unit.as_deref(), Some(fact.unit), "{text}");
            assert_eq!(m.stance, fact.stance, "{text}");
            assert_eq!((m.fy_start, m.fy_end), fact.fy, "{text}");
            assert_eq!(m.line, if pretty { 3 } else { 1 }, "{text}");
            // Identifiers and page numbers are no figures.
            assert!(
                ms.iter().all(|m| m.value != 12.0 && m.value != 1.0),
                "{ms:#?}"
            );
        }
    }
}

/// A JSON document that does not parse is read as text, and nothing panics.
#[test]
fn broken_json_is_text() {
    for text in [
        "{\"target\": \"12件\"",
        "{\"a\": [1, 2,,]}",
        "[\"\\ud800\"]",
        "{\"予算額\": \"1,234千円\"} 以下略",
    ] {
        let out = pipeline::process("broken.json", text.as_bytes());
        assert!(out
            .blocks
            .iter()
            .all(|b| b.kind.as_str() != "key_value" || b.line >= 1));
    }
}
