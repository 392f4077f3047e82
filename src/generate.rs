//! A synthetic corpus for benchmarks and end-to-end tests: documents in the
//! shapes of the seeds (KPI progress sheets, municipal project summaries,
//! meeting lists with dated sessions) with varied names, years, figures,
//! table sizes, lengths and encodings. Every figure is internally
//! consistent (sums add up, rates are value ÷ base rounded to 0.1, weekdays
//! are the dates' weekdays, era and western years agree) unless an
//! inconsistency is injected on purpose; each injection changes one figure
//! and is listed in `manifest.tsv` (file, line, the check expected to fire).
//!
//! Output is a pure function of (seed, document index, injected or not), so
//! a corpus of N documents is a prefix of one of N + M documents with the
//! same seed and no injections.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, Weekday};
use encoding_rs::SHIFT_JIS;

use crate::error::{Error, Result};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenOptions {
    pub docs: usize,
    pub seed: u64,
    /// Documents that get one inconsistency each (at most `docs`).
    pub inject: usize,
}

/// One inconsistency put in on purpose: the ground truth for the checks.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Injection {
    /// File name relative to the corpus' `docs/` folder.
    pub file: String,
    /// 1-based line of the changed figure in the decoded text.
    pub line: u32,
    /// Id of the check expected to report it.
    pub check: &'static str,
    /// What was changed (`3,682 → 3,702`).
    pub what: String,
}

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedDoc {
    /// Relative path below `docs/` (`d000/000042_kpi.txt`).
    pub file: String,
    pub bytes: Vec<u8>,
    pub encoding: &'static str,
    pub injection: Option<Injection>,
}

/// What [`write_corpus`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorpusSummary {
    pub docs: usize,
    pub bytes: u64,
    pub shift_jis: usize,
    pub injections: usize,
    pub docs_dir: PathBuf,
    pub manifest: PathBuf,
}

/// Files per sub-folder, so that folders stay listable at 100k documents.
const FILES_PER_DIR: usize = 1000;

/// Per mille of documents written as Shift_JIS.
const SHIFT_JIS_PER_MILLE: u64 = 200;

/// SplitMix64: tiny, fast, and the same on every platform, which is all a
/// reproducible corpus needs.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    pub fn pick<T: Copy, const N: usize>(&mut self, items: &[T; N]) -> T {
        const { assert!(N > 0) };
        items[self.below(N as u64) as usize]
    }
}

const CITIES: [&str; 24] = [
    "松江市",
    "出雲市",
    "益田市",
    "雲南市",
    "川本町",
    "津和野町",
    "弘前市",
    "八戸市",
    "由利本荘市",
    "横手市",
    "北見市",
    "釧路市",
    "帯広市",
    "鶴岡市",
    "酒田市",
    "上田市",
    "飯田市",
    "高山市",
    "舞鶴市",
    "尾道市",
    "今治市",
    "四万十市",
    "都城市",
    "名護市",
];
const PREFECTURES: [&str; 12] = [
    "青森県",
    "秋田県",
    "岩手県",
    "山形県",
    "島根県",
    "鳥取県",
    "高知県",
    "長野県",
    "北海道",
    "宮崎県",
    "愛媛県",
    "沖縄県",
];
const TOPICS: [&str; 10] = [
    "就職氷河期世代活躍支援",
    "人財育成",
    "デジタル人材育成",
    "移住定住促進",
    "若者地元定着",
    "地域産業振興",
    "子育て支援",
    "観光交流推進",
    "スマート農業推進",
    "Society5.0推進",
];
const GROUPS: [&str; 8] = [
    "安定した就職に向けた取組",
    "職業的自立の実現に向けた基盤整備",
    "社会参加の実現に向けた取組",
    "人材の確保に向けた取組",
    "地域とのつながりづくり",
    "情報発信の強化",
    "相談体制の充実",
    "企業との連携強化",
];
const AUDIENCES: [&str; 6] = [
    "不安定な就労状態にある方",
    "長期にわたり無業の状態にある方",
    "県外に進学した学生",
    "子育て中の保護者",
    "市内の中小企業",
    "高校生",
];
/// KPI names; the suffix implies the unit (件数 → 件, 者数 → 人, 回数 → 回).
const INDICATORS: [&str; 12] = [
    "正社員就職件数",
    "新規登録者数",
    "カウンセリング(相談)件数",
    "セミナー参加者数",
    "職場体験の受入件数",
    "出張相談の実施回数",
    "移住相談件数",
    "インターンシップ参加者数",
    "個別相談の実施件数",
    "情報発信の配信回数",
    "学生登録者数",
    "企業訪問件数",
];
const ORGS: [&str; 8] = [
    "労働局",
    "県",
    "市",
    "機構",
    "経営者協会",
    "商工会議所連合会",
    "社会福祉協議会",
    "NPO法人",
];
const PLACES: [&str; 6] = [
    "県庁舎3階大会議室",
    "市民会館2階会議室",
    "産業支援センター研修室",
    "第二庁舎4F会議室",
    "オンライン(Web会議)",
    "交流プラザ多目的ホール",
];
const NOUNS: [&str; 12] = [
    "地域",
    "若者",
    "企業",
    "学生",
    "職員",
    "市民",
    "関係機関",
    "支援機関",
    "卒業生",
    "事業者",
    "団体",
    "相談窓口",
];
const ACTIONS: [&str; 10] = [
    "連携を強化する",
    "情報発信を行う",
    "交流の機会を設ける",
    "相談体制を整える",
    "人材の育成を図る",
    "取組を推進する",
    "課題を共有する",
    "支援を実施する",
    "機運を醸成する",
    "仕組みを検討する",
];
const WEEKDAYS: [&str; 7] = ["月", "火", "水", "木", "金", "土", "日"];

/// A document in the making: its lines and, when injected, the change.
#[derive(Default)]
struct Draft {
    lines: Vec<String>,
    injection: Option<(u32, &'static str, String)>,
}

impl Draft {
    fn push(&mut self, line: impl Into<String>) -> u32 {
        self.lines.push(line.into());
        self.lines.len() as u32
    }

    fn blank(&mut self, n: u64) {
        for _ in 0..n {
            self.lines.push(String::new());
        }
    }

    fn inject(&mut self, line: u32, check: &'static str, what: String) {
        self.injection = Some((line, check, what));
    }

    fn prose(&mut self, rng: &mut Rng, sentences: i64) {
        let mut text = String::new();
        for _ in 0..sentences {
            let _ = write!(
                text,
                "{}と{}が{}ため、{}。",
                rng.pick(&NOUNS),
                rng.pick(&NOUNS),
                rng.pick(&ACTIONS).trim_end_matches('る'),
                rng.pick(&ACTIONS)
            );
        }
        self.push(text);
    }
}

/// `3682` → `3,682`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// ASCII digits and separators to their full-width forms (`３，３００`).
fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' | ',' | '.' | '%' | '(' | ')' => {
                char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)
            }
            _ => c,
        })
        .collect()
}

/// `value ÷ base` in tenths of a percent, rounded half up, or `None` when
/// the ratio lies exactly on a rounding boundary (a printed value there
/// would be right or wrong depending on the reader's rounding rule).
fn rate_tenths(value: i64, base: i64) -> Option<i64> {
    if base <= 0 {
        return None;
    }
    let scaled = value * 1000;
    if (scaled % base) * 2 == base {
        return None;
    }
    Some((scaled + base / 2) / base)
}

fn percent(tenths: i64) -> String {
    format!("{}.{}%", tenths / 10, tenths % 10)
}

/// Era label of a fiscal year, as plans print it (`令和元年度`, `平成30年度`).
fn fy_label(fy: i32) -> String {
    if fy >= 2019 {
        match fy - 2018 {
            1 => "令和元年度".to_string(),
            n => format!("令和{n}年度"),
        }
    } else {
        format!("平成{}年度", fy - 1988)
    }
}

/// Era and year of a calendar date (`令和4年`, `令和元年`, `平成31年`).
fn era_year_of(d: NaiveDate) -> String {
    let (era, year) = match NaiveDate::from_ymd_opt(2019, 5, 1) {
        Some(reiwa) if d >= reiwa => ("令和", d.year() - 2018),
        _ => ("平成", d.year() - 1988),
    };
    if year == 1 {
        format!("{era}元年")
    } else {
        format!("{era}{year}年")
    }
}

/// `令和4年7月21日`.
fn era_date(d: NaiveDate) -> String {
    format!("{}{}月{}日", era_year_of(d), d.month(), d.day())
}

fn weekday_jp(w: Weekday) -> &'static str {
    WEEKDAYS
        .get(w.num_days_from_monday() as usize)
        .copied()
        .unwrap_or("月")
}

/// A random date in fiscal year `fy`.
fn date_in_fy(rng: &mut Rng, fy: i32) -> NaiveDate {
    let start = NaiveDate::from_ymd_opt(fy, 4, 1).unwrap_or_default();
    start + chrono::Days::new(rng.below(300))
}

/// A KPI progress sheet: targets, per-year results and progress rates with
/// a cumulative column (the shape of a multi-row-header progress table).
fn kpi_sheet(rng: &mut Rng, mut inj: Option<Rng>) -> Draft {
    let mut d = Draft::default();
    let first_fy = rng.range(2019, 2024) as i32;
    let years = rng.range(3, 5) as usize;
    d.blank(rng.below(3));
    d.push(format!(
        "{}{}事業実施計画 進捗状況・支援概要",
        rng.pick(&PREFECTURES),
        rng.pick(&TOPICS)
    ));
    d.blank(1);
    let (result_word, rate_word) = rng.pick(&[
        ("取組状況", "進捗率"),
        ("実績", "達成率"),
        ("実績値", "進捗率"),
    ]);
    let kpi_word = rng.pick(&["K P I (重要業績評価指標)", "KPI", "重要業績評価指標"]);
    let mut h1 = vec![
        "項目".to_string(),
        kpi_word.to_string(),
        "取組期間累計".into(),
        String::new(),
        String::new(),
    ];
    let mut h2 = vec![
        String::new(),
        String::new(),
        "目標値".into(),
        result_word.into(),
        rate_word.into(),
    ];
    for y in 0..years {
        h1.push(fy_label(first_fy + y as i32));
        h1.push(String::new());
        h2.push(result_word.into());
        h2.push(rate_word.into());
    }
    d.push(h1.join("\t"));
    d.push(h2.join("\t"));
    let groups = rng.range(1, 4);
    let mut rows: Vec<(u32, Vec<i64>, i64)> = Vec::new();
    for g in 1..=groups {
        let label = format!(
            "{g} {} ({}への支援)",
            rng.pick(&GROUPS),
            rng.pick(&AUDIENCES)
        );
        for k in 0..rng.range(1, 3) {
            let (target, parts) = kpi_figures(rng, years);
            let total: i64 = parts.iter().sum();
            let mut cells = vec![
                if k == 0 { label.clone() } else { String::new() },
                rng.pick(&INDICATORS).to_string(),
                thousands(target),
                thousands(total),
                percent(rate_tenths(total, target).unwrap_or(0)),
            ];
            for &p in &parts {
                cells.push(thousands(p));
                cells.push(percent(rate_tenths(p, target).unwrap_or(0)));
            }
            let line = d.push(cells.join("\t"));
            rows.push((line, parts, target));
        }
    }
    if let Some(inj) = inj.as_mut() {
        let pick = inj.below(rows.len() as u64) as usize;
        if let Some((line, parts, target)) = rows.get(pick).cloned() {
            let total: i64 = parts.iter().sum();
            let idx = (line - 1) as usize;
            let mut cells: Vec<String> = d
                .lines
                .get(idx)
                .map(|l| l.split('\t').map(str::to_string).collect())
                .unwrap_or_default();
            if inj.chance(500) {
                // A total that no longer adds up: off by well over rounding.
                let wrong = total + inj.range(3, 9) + total / 20;
                if let Some(c) = cells.get_mut(3) {
                    *c = thousands(wrong);
                }
                d.inject(
                    line,
                    "total_vs_parts",
                    format!("{} → {}", thousands(total), thousands(wrong)),
                );
            } else {
                let y = inj.below(parts.len() as u64) as usize;
                let right = parts
                    .get(y)
                    .and_then(|&p| rate_tenths(p, target))
                    .unwrap_or(0);
                let wrong = right + inj.range(15, 60);
                if let Some(c) = cells.get_mut(6 + 2 * y) {
                    *c = percent(wrong);
                }
                d.inject(
                    line,
                    "rate_vs_ratio",
                    format!("{} → {}", percent(right), percent(wrong)),
                );
            }
            if let Some(l) = d.lines.get_mut(idx) {
                *l = cells.join("\t");
            }
        }
    }
    d.blank(1);
    d.push("支援\t概要\t実施機関");
    for _ in 0..rng.range(2, 12) {
        let mut text = String::new();
        for _ in 0..rng.range(1, 4) {
            let _ = write!(
                text,
                "{}と連携し、{}。",
                rng.pick(&NOUNS),
                rng.pick(&ACTIONS)
            );
        }
        d.push(format!(
            "{}による支援\t{text}\t{}・{}",
            rng.pick(&NOUNS),
            rng.pick(&ORGS),
            rng.pick(&ORGS)
        ));
    }
    d
}

/// A target and per-year results whose printed rates (each rounded to 0.1)
/// add up to the printed cumulative rate within the rounding of the parts.
fn kpi_figures(rng: &mut Rng, years: usize) -> (i64, Vec<i64>) {
    let mut last = (10, vec![0; years]);
    for _ in 0..200 {
        let magnitude = rng.pick(&[10, 100, 1000, 10_000]);
        let target = magnitude * rng.range(1, 9) + magnitude / 10 * rng.range(0, 9);
        let per_year = (target / years as i64).max(1);
        let parts: Vec<i64> = (0..years).map(|_| rng.range(0, per_year * 5 / 2)).collect();
        let total: i64 = parts.iter().sum();
        let rates: Option<Vec<i64>> = parts.iter().map(|&p| rate_tenths(p, target)).collect();
        let (Some(rates), Some(cum)) = (rates, rate_tenths(total, target)) else {
            continue;
        };
        // Keep the sum of rounded rates within n × 0.05 of the rounded total,
        // the tolerance the checks use.
        let drift = (rates.iter().sum::<i64>() - cum).abs() * 2;
        if drift <= years as i64 {
            return (target, parts);
        }
        last = (target, parts);
    }
    last
}

/// Municipal project summaries: `[市名]` headings, a budget over a Reiwa
/// span with its stated length and a per-year breakdown, and a targets
/// table (cumulative counts with their share of a fixed base).
fn project_summaries(rng: &mut Rng, mut inj: Option<Rng>) -> Draft {
    let mut d = Draft::default();
    d.blank(rng.below(3));
    let topic = rng.pick(&TOPICS);
    let sections = rng.range(1, 6);
    let inject_at = rng.range(1, sections);
    let mut seen = BTreeSet::new();
    for s in 1..=sections {
        let mut city = rng.pick(&CITIES);
        while !seen.insert(city) && seen.len() < CITIES.len() {
            city = rng.pick(&CITIES);
        }
        let here = inj.is_some() && s == inject_at;
        d.push(format!("[{city}] {topic}モデル事業"));
        d.blank(1);
        let mut summary = String::from("【概要】 ");
        for _ in 0..rng.range(1, 3) {
            let _ = write!(
                summary,
                "{}との{}ことにより、{}。",
                rng.pick(&NOUNS),
                rng.pick(&ACTIONS),
                rng.pick(&ACTIONS)
            );
        }
        d.push(summary);
        d.blank(1);
        d.push("【実施体制】");
        d.blank(1);
        d.push(format!(
            "担当課：{}{}課",
            rng.pick(&["産業経済部", "政策企画部", "総務部", "教育委員会"]),
            rng.pick(&["定住推進", "産業政策", "企画", "商工振興"])
        ));
        d.blank(1);
        let start = rng.range(3, 7);
        let len = rng.range(3, 5);
        let end = start + len - 1;
        let spaced = rng.chance(400);
        let r = |y: i64| {
            if spaced {
                format!("R {y}")
            } else {
                format!("R{y}")
            }
        };
        let stated_len = match inj.as_mut() {
            Some(r) if here => match r.chance(500) {
                true => (len + r.pick(&[-1, 1, 2]), true),
                false => (len, false),
            },
            _ => (len, false),
        };
        let budget_line = d.push(format!(
            "【事業費】 R{start}～R{end}（{}年間）",
            stated_len.0
        ));
        if stated_len.1 {
            d.inject(
                budget_line,
                "period_length",
                format!("（{len}年間） → （{}年間）", stated_len.0),
            );
        }
        d.blank(1);
        let parts: Vec<i64> = (0..len).map(|_| rng.range(10, 120) * 100).collect();
        let total: i64 = parts.iter().sum();
        let amount = format!("{}千円", thousands(total));
        d.push(if rng.chance(300) {
            full_width(&amount)
        } else {
            amount
        });
        d.blank(1);
        let mut head = vec!["年度".to_string()];
        head.extend((start..=end).map(r));
        head.push("合計".into());
        d.push(head.join("\t"));
        let mut row = vec!["事業費（千円）".to_string()];
        row.extend(parts.iter().map(|&p| thousands(p)));
        let printed_total = match inj.as_mut() {
            Some(r) if here && d.injection.is_none() => total + r.range(1, 20) * 100,
            _ => total,
        };
        row.push(thousands(printed_total));
        let row_line = d.push(row.join("\t"));
        if printed_total != total {
            d.inject(
                row_line,
                "total_vs_parts",
                format!("{} → {}", thousands(total), thousands(printed_total)),
            );
        }
        d.blank(1);
        d.push("【つながり創出の目標値】");
        d.blank(1);
        d.push(format!(
            "～{}～",
            rng.pick(&[
                "就活期に情報を届けられる学生数",
                "交流イベントの参加者数",
                "登録者数"
            ])
        ));
        d.blank(1);
        let mut head: Vec<String> = (start..=end).map(r).collect();
        head.push("備考".into());
        d.push(head.join("\t"));
        let base = rng.range(20, 80) * 100;
        let mut counts = Vec::new();
        let mut running = 0;
        for _ in 0..len {
            running += rng.range(base / 40, base / (len + 1)).max(1);
            while rate_tenths(running, base).is_none() {
                running += 1;
            }
            counts.push(running);
        }
        let mut row: Vec<String> = counts
            .iter()
            .map(|&c| format!("{}人", thousands(c)))
            .collect();
        row.push(String::new());
        d.push(row.join("\t"));
        let mut row: Vec<String> = counts
            .iter()
            .map(|&c| percent(rate_tenths(c, base).unwrap_or(0)))
            .collect();
        row.push(String::new());
        d.push(row.join("\t"));
        d.blank(1);
    }
    d
}

/// A plan with its period, a stepped schedule and a list of dated meetings
/// (`令和4年7月21日(木)`), with sessions in order within fiscal years.
fn meeting_list(rng: &mut Rng, mut inj: Option<Rng>) -> Draft {
    let mut d = Draft::default();
    d.blank(rng.below(4));
    let plan = format!("「{}{}計画」", rng.pick(&PREFECTURES), rng.pick(&TOPICS));
    let first_fy = rng.range(2019, 2025) as i32;
    let len = rng.range(3, 6) as i32;
    let last_fy = first_fy + len - 1;
    let decided = NaiveDate::from_ymd_opt(first_fy, rng.range(1, 3) as u32, 1).unwrap_or_default();
    d.push(format!(
        "{plan} ({}{}月策定)",
        era_year_of(decided),
        decided.month()
    ));
    d.blank(1);
    let sentences = rng.range(1, 4);
    d.prose(rng, sentences);
    d.blank(1);
    d.push("計画期間");
    d.blank(1);
    let kind = inj.as_mut().map_or(u64::MAX, |r| r.below(5));
    let western_end = match inj.as_mut() {
        Some(r) if kind == 0 => last_fy + r.pick(&[-1, 1]),
        _ => last_fy,
    };
    let era_year = |fy: i32| fy_label(fy).trim_end_matches("年度").to_string();
    let period_line = d.push(format!(
        "{first_fy}（{}）年度～{western_end}（{}）年度",
        era_year(first_fy),
        era_year(last_fy)
    ));
    if kind == 0 {
        d.inject(
            period_line,
            "era_vs_western",
            format!("{last_fy}（{}） → {western_end}", era_year(last_fy)),
        );
    }
    d.blank(1);
    let stated = match inj.as_mut() {
        Some(r) if kind == 1 => len + r.pick(&[-1, 1]),
        _ => len,
    };
    let len_line = d.push(format!(
        "策定趣旨 (取組期間：{}～{}（{stated}年間） 対象：すべての職員)",
        fy_label(first_fy),
        fy_label(last_fy)
    ));
    if kind == 1 {
        d.inject(
            len_line,
            "period_length",
            format!("（{len}年間） → （{stated}年間）"),
        );
    }
    d.blank(1);
    let steps = rng.range(2, len.min(4) as i64) as i32;
    let wrong_step = rng.range(2, steps as i64) as i32;
    for step in 1..=steps {
        let fy = first_fy + step - 1;
        let printed = if kind == 2 && step == wrong_step {
            fy + 1
        } else {
            fy
        };
        let line = d.push(format!("★ {step}年目（{printed}年度）"));
        if printed != fy {
            d.inject(
                line,
                "sequence_vs_period",
                format!("{step}年目（{fy}年度） → （{printed}年度）"),
            );
        }
        d.blank(1);
        for _ in 0..rng.range(1, 4) {
            d.push(format!(
                "- ・ {}) {}の{}",
                rng.pick(&["A", "B", "C"]),
                rng.pick(&NOUNS),
                rng.pick(&ACTIONS)
            ));
        }
        d.blank(1);
    }
    d.push(format!("{}ワーキンググループの開催状況", rng.pick(&TOPICS)));
    d.blank(1);
    let meetings = rng.range(2, 8);
    let meeting_fy = first_fy + rng.range(0, len as i64 - 1) as i32;
    let mut date = date_in_fy(rng, meeting_fy);
    let bad_meeting = rng.range(1, meetings);
    for m in 1..=meetings {
        d.push(format!("第{m}回"));
        d.blank(1);
        let hour = rng.range(9, 16);
        let time = format!("{hour}:00~{}:00", hour + rng.range(1, 2));
        let right = weekday_jp(date.weekday());
        if m == bad_meeting && kind == 3 {
            let wrong = weekday_jp(date.weekday().succ());
            let line = d.push(format!("日時 : {}({wrong}) {time}", era_date(date)));
            d.inject(line, "weekday_vs_date", format!("({right}) → ({wrong})"));
        } else if m == bad_meeting && kind == 4 {
            // February of the next year (always inside one era), day 30; no
            // weekday, so only the date itself is wrong.
            let feb = NaiveDate::from_ymd_opt(date.year() + 1, 2, 1).unwrap_or(date);
            let bad = format!("{}2月30日", era_year_of(feb));
            let line = d.push(format!("日時 : {bad} {time}"));
            d.inject(line, "invalid_date", format!("{} → {bad}", era_date(date)));
        } else {
            d.push(format!("日時 : {}({right}) {time}", era_date(date)));
        }
        d.push(format!("場所 : {}", rng.pick(&PLACES)));
        d.push(format!("主な議題 : {}からのご報告", rng.pick(&ORGS)));
        d.push("意見交換");
        d.blank(1);
        date = date + chrono::Days::new(rng.range(14, 90) as u64);
    }
    d.push("メンバー");
    d.blank(1);
    d.push("氏名\t所属・職(敬称略)");
    for _ in 0..rng.range(2, 8) {
        d.push(format!(
            "{} {}\t{}{}",
            rng.pick(&["小松", "重田", "入澤", "山形", "佐藤", "高橋"]),
            rng.pick(&["浩", "勝介", "拓也", "巧哉", "陽子", "恵"]),
            rng.pick(&CITIES),
            rng.pick(&["総務課長", "企画課主査", "教授", "会長"])
        ));
    }
    d.blank(1);
    for _ in 0..rng.range(0, 6) {
        let sentences = rng.range(1, 5);
        d.prose(rng, sentences);
        d.blank(1);
    }
    d
}

/// The document with index `index` of the corpus generated from `seed`.
pub fn document(seed: u64, index: usize, inject: bool) -> GeneratedDoc {
    let stream = seed ^ (index as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93);
    let mut rng = Rng::new(stream);
    rng.next_u64();
    // Injections draw from their own stream, so an injected document is the
    // plain one with one figure changed.
    let inj = inject.then(|| Rng::new(stream ^ 0xA5A5_5A5A_F00D_BEEF));
    let (kind, mut draft) = match rng.below(3) {
        0 => ("kpi", kpi_sheet(&mut rng, inj)),
        1 => ("projects", project_summaries(&mut rng, inj)),
        _ => ("meetings", meeting_list(&mut rng, inj)),
    };
    // Longer documents: the same shapes repeated under further headings.
    for _ in 0..rng.below(4) {
        draft.blank(1);
        draft.push(format!("（{}）{}", rng.range(1, 9), rng.pick(&GROUPS)));
        let sentences = rng.range(2, 8);
        draft.prose(&mut rng, sentences);
    }
    let file = format!("d{:03}/{index:06}_{kind}.txt", index / FILES_PER_DIR);
    let mut text = draft.lines.join("\n");
    text.push('\n');
    let (bytes, encoding) = if rng.below(1000) < SHIFT_JIS_PER_MILLE {
        let (encoded, _, unmappable) = SHIFT_JIS.encode(&text);
        if unmappable {
            (text.into_bytes(), "UTF-8")
        } else {
            (encoded.into_owned(), "Shift_JIS")
        }
    } else {
        (text.into_bytes(), "UTF-8")
    };
    let injection = draft.injection.map(|(line, check, what)| Injection {
        file: file.clone(),
        line,
        check,
        what,
    });
    GeneratedDoc {
        file,
        bytes,
        encoding,
        injection,
    }
}

/// Which document indices get an injected inconsistency: `inject` distinct
/// ones, chosen from the seed.
pub fn injected_indices(options: &GenOptions) -> Result<BTreeSet<usize>> {
    if options.inject > options.docs {
        return Err(Error::Other(format!(
            "cannot inject {} inconsistencies into {} documents (one per document at most)",
            options.inject, options.docs
        )));
    }
    let mut rng = Rng::new(options.seed ^ 0x5EED_1A7E_C7ED);
    let mut chosen = BTreeSet::new();
    while chosen.len() < options.inject {
        chosen.insert(rng.below(options.docs as u64) as usize);
    }
    Ok(chosen)
}

/// Write `docs/…` and `manifest.tsv` (the injections) under `dir`.
/// The manifest lies outside `docs/` so that it is not read as an input.
pub fn write_corpus(dir: &Path, options: &GenOptions) -> Result<CorpusSummary> {
    let injected = injected_indices(options)?;
    let docs_dir = dir.join("docs");
    let mut summary = CorpusSummary {
        docs_dir: docs_dir.clone(),
        manifest: dir.join("manifest.tsv"),
        ..CorpusSummary::default()
    };
    let mut manifest = String::from("file\tline\tcheck\twhat\n");
    for index in 0..options.docs {
        let doc = document(options.seed, index, injected.contains(&index));
        let path = docs_dir.join(&doc.file);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        fs::write(&path, &doc.bytes).map_err(|e| Error::io(&path, e))?;
        summary.docs += 1;
        summary.bytes += doc.bytes.len() as u64;
        summary.shift_jis += usize::from(doc.encoding == "Shift_JIS");
        if let Some(inj) = doc.injection {
            let _ = writeln!(
                manifest,
                "{}\t{}\t{}\t{}",
                inj.file, inj.line, inj.check, inj.what
            );
            summary.injections += 1;
        }
    }
    fs::write(&summary.manifest, manifest).map_err(|e| Error::io(&summary.manifest, e))?;
    Ok(summary)
}

/// Read a `manifest.tsv` back.
pub fn read_manifest(path: &Path) -> Result<Vec<(String, u32, String)>> {
    let text = fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    text.lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut f = l.split('\t');
            match (f.next(), f.next().and_then(|n| n.parse().ok()), f.next()) {
                (Some(file), Some(line), Some(check)) => {
                    Ok((file.to_string(), line, check.to_string()))
                }
                _ => Err(Error::Input {
                    path: path.to_path_buf(),
                    message: format!("bad manifest line: {l:?}"),
                }),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    fn text_of(doc: &GeneratedDoc) -> String {
        let encoding = if doc.encoding == "Shift_JIS" {
            SHIFT_JIS
        } else {
            encoding_rs::UTF_8
        };
        let (text, _, bad) = encoding.decode(&doc.bytes);
        assert!(!bad, "{}", doc.file);
        text.into_owned()
    }

    fn num(s: &str) -> Option<i64> {
        s.replace(',', "")
            .trim_end_matches(['人', '%'])
            .parse()
            .ok()
    }

    /// Tenths of a percent as printed (`23.7%` → 237).
    fn tenths(s: &str) -> Option<i64> {
        let (i, f) = s.trim_end_matches('%').split_once('.')?;
        Some(i.parse::<i64>().ok()? * 10 + f.parse::<i64>().ok()?)
    }

    fn weekday_index(w: &str) -> Option<u32> {
        WEEKDAYS.iter().position(|d| *d == w).map(|i| i as u32)
    }

    fn era_to_western(era: &str, year: &str) -> i32 {
        let y = if year == "元" {
            1
        } else {
            year.parse().unwrap()
        };
        if era == "令和" {
            y + 2018
        } else {
            y + 1988
        }
    }

    /// Every relation the checks verify holds in `text`; returns how many were verified.
    fn verify_consistent(text: &str) -> usize {
        let dated = Regex::new(r"(令和|平成)(元|\d+)年(\d+)月(\d+)日\((.)\)").unwrap();
        let span = Regex::new(r"R ?(\d+)～R ?(\d+)（(\d+)年間）").unwrap();
        let fy_span =
            Regex::new(r"(令和|平成)(元|\d+)年度～(令和|平成)(元|\d+)年度（(\d+)年間）").unwrap();
        let pair = Regex::new(r"(\d{4})（(令和|平成)(元|\d+)）").unwrap();
        let mut verified = 0;
        for c in dated.captures_iter(text) {
            let y = era_to_western(&c[1], &c[2]);
            let d = NaiveDate::from_ymd_opt(y, c[3].parse().unwrap(), c[4].parse().unwrap())
                .expect("real date");
            assert_eq!(
                Some(d.weekday().num_days_from_monday()),
                weekday_index(&c[5]),
                "{}",
                &c[0]
            );
            verified += 1;
        }
        for c in span.captures_iter(text) {
            let (a, b, n): (i64, i64, i64) = (
                c[1].parse().unwrap(),
                c[2].parse().unwrap(),
                c[3].parse().unwrap(),
            );
            assert_eq!(b - a + 1, n, "{}", &c[0]);
            verified += 1;
        }
        for c in fy_span.captures_iter(text) {
            let n: i32 = c[5].parse().unwrap();
            assert_eq!(
                era_to_western(&c[3], &c[4]) - era_to_western(&c[1], &c[2]) + 1,
                n,
                "{}",
                &c[0]
            );
            verified += 1;
        }
        for c in pair.captures_iter(text) {
            assert_eq!(
                c[1].parse::<i32>().unwrap(),
                era_to_western(&c[2], &c[3]),
                "{}",
                &c[0]
            );
            verified += 1;
        }
        for line in text.lines() {
            let cells: Vec<&str> = line.split('\t').collect();
            // KPI rows: target, total, rate, then (result, rate) per year.
            if let [_, _, target, total, rate, rest @ ..] = cells.as_slice() {
                if let (Some(target), Some(total), Some(rate)) =
                    (num(target), num(total), tenths(rate))
                {
                    let parts: Vec<i64> = rest.iter().step_by(2).map(|c| num(c).unwrap()).collect();
                    let rates: Vec<i64> = rest
                        .iter()
                        .skip(1)
                        .step_by(2)
                        .map(|c| tenths(c).unwrap())
                        .collect();
                    assert_eq!(parts.iter().sum::<i64>(), total, "{line}");
                    assert!((rate * target - total * 1000).abs() * 2 <= target, "{line}");
                    for (p, r) in parts.iter().zip(&rates) {
                        assert!((r * target - p * 1000).abs() * 2 <= target, "{line}");
                    }
                    assert!(
                        (rates.iter().sum::<i64>() - rate).abs() * 2 <= parts.len() as i64,
                        "{line}"
                    );
                    verified += 1;
                }
            }
            if cells.first() == Some(&"事業費（千円）") {
                let values: Vec<i64> = cells.iter().skip(1).map(|c| num(c).unwrap()).collect();
                let (total, parts) = values.split_last().unwrap();
                assert_eq!(parts.iter().sum::<i64>(), *total, "{line}");
                verified += 1;
            }
        }
        verified
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        for i in 0..20 {
            assert_eq!(document(7, i, false), document(7, i, false));
            assert_eq!(document(7, i, true), document(7, i, true));
            assert_ne!(document(7, i, false).bytes, document(8, i, false).bytes);
        }
    }

    #[test]
    fn documents_vary_in_shape_encoding_and_length() {
        let docs: Vec<GeneratedDoc> = (0..200).map(|i| document(3, i, false)).collect();
        for kind in ["_kpi.txt", "_projects.txt", "_meetings.txt"] {
            assert!(
                docs.iter().filter(|d| d.file.ends_with(kind)).count() > 30,
                "{kind}"
            );
        }
        let sjis = docs.iter().filter(|d| d.encoding == "Shift_JIS").count();
        assert!((20..80).contains(&sjis), "{sjis}");
        let sizes: Vec<usize> = docs.iter().map(|d| d.bytes.len()).collect();
        let (min, max) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
        assert!(max > &(3 * min), "{min}..{max}");
        assert!(docs.iter().all(|d| d.injection.is_none()));
    }

    #[test]
    fn plain_documents_are_internally_consistent() {
        let mut verified = 0;
        for i in 0..300 {
            verified += verify_consistent(&text_of(&document(11, i, false)));
        }
        assert!(verified > 1000, "{verified}");
    }

    #[test]
    fn an_injection_changes_one_line_and_breaks_one_relation() {
        let mut checks = BTreeSet::new();
        for i in 0..150 {
            let plain = document(5, i, false);
            let injected = document(5, i, true);
            let inj = injected.injection.clone().expect("injected");
            checks.insert(inj.check);
            assert_eq!(plain.file, injected.file);
            assert_eq!(plain.encoding, injected.encoding);
            let (a, b) = (text_of(&plain), text_of(&injected));
            let differing: Vec<usize> = a
                .lines()
                .zip(b.lines())
                .enumerate()
                .filter(|(_, (x, y))| x != y)
                .map(|(n, _)| n + 1)
                .collect();
            assert_eq!(a.lines().count(), b.lines().count());
            assert_eq!(differing, vec![inj.line as usize], "{} {inj:?}", plain.file);
            let line = b.lines().nth(inj.line as usize - 1).unwrap();
            match inj.check {
                "invalid_date" => assert!(line.contains("2月30日"), "{line}"),
                // The relation spans lines (step 1 fixes the years of the others).
                "sequence_vs_period" => assert!(line.contains("年目"), "{line}"),
                _ => {
                    let broken = std::panic::catch_unwind(|| verify_consistent(line));
                    assert!(broken.is_err(), "{inj:?} still consistent: {line}");
                }
            }
        }
        let all: BTreeSet<&str> = [
            "total_vs_parts",
            "rate_vs_ratio",
            "period_length",
            "era_vs_western",
            "sequence_vs_period",
            "weekday_vs_date",
            "invalid_date",
        ]
        .into();
        assert_eq!(checks, all);
    }

    #[test]
    fn corpus_and_manifest_on_disk() {
        let tmp = tempfile::tempdir().unwrap();
        let options = GenOptions {
            docs: 25,
            seed: 9,
            inject: 6,
        };
        let s = write_corpus(tmp.path(), &options).unwrap();
        assert_eq!((s.docs, s.injections), (25, 6));
        let manifest = read_manifest(&s.manifest).unwrap();
        assert_eq!(manifest.len(), 6);
        for (file, line, _) in &manifest {
            let text = fs::read(s.docs_dir.join(file)).unwrap();
            assert!(text.split(|&b| b == b'\n').count() > *line as usize);
        }
        let again = tempfile::tempdir().unwrap();
        write_corpus(again.path(), &options).unwrap();
        assert_eq!(
            fs::read(&s.manifest).unwrap(),
            fs::read(again.path().join("manifest.tsv")).unwrap()
        );
        let too_many = GenOptions {
            docs: 2,
            seed: 1,
            inject: 3,
        };
        assert!(write_corpus(tmp.path(), &too_many).is_err());
        assert!(injected_indices(&GenOptions {
            docs: 0,
            seed: 1,
            inject: 0
        })
        .unwrap()
        .is_empty());
    }

    #[test]
    fn bad_manifest_is_an_error_not_a_panic() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("m.tsv");
        fs::write(
            &path,
            "file\tline\tcheck\nx.txt\tnot-a-number\tweekday_vs_date\n",
        )
        .unwrap();
        assert!(read_manifest(&path).is_err());
        assert!(read_manifest(&tmp.path().join("missing.tsv")).is_err());
    }

    #[test]
    fn number_formatting_and_rounding() {
        assert_eq!(thousands(3682), "3,682");
        assert_eq!(thousands(100), "100");
        assert_eq!(thousands(-1234567), "-1,234,567");
        assert_eq!(thousands(0), "0");
        assert_eq!(rate_tenths(781, 3300), Some(237));
        assert_eq!(rate_tenths(1, 16), None); // 6.25%: on the boundary
        assert_eq!(rate_tenths(1, 0), None);
        assert_eq!(percent(1116), "111.6%");
        assert_eq!(full_width("3,300"), "３，３００");
        assert_eq!(fy_label(2019), "令和元年度");
        assert_eq!(fy_label(2018), "平成30年度");
        assert_eq!(
            era_date(NaiveDate::from_ymd_opt(2019, 4, 30).unwrap()),
            "平成31年4月30日"
        );
        assert_eq!(
            era_date(NaiveDate::from_ymd_opt(2022, 7, 21).unwrap()),
            "令和4年7月21日"
        );
    }
}
