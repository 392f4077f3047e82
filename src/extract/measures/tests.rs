use super::key_value::*;
use super::prose::*;
use super::section::*;
use super::table::*;
use super::*;
use crate::model::MeasureSource;

#[test]
fn spans_answer_overlap_like_a_scan() {
    let ranges = [(2, 4), (3, 6), (10, 11), (7, 7)];
    let spans = Spans::new(ranges, 12);
    for a in 0..13 {
        for b in a + 1..14 {
            let scan = ranges.iter().any(|&(s, e)| s < e && s < b && a < e);
            assert_eq!(spans.touches(a, b), scan, "[{a}, {b})");
        }
    }
    assert!(!Spans::new([], 0).touches(0, 5));
    assert!(Spans::new([(0, 99)], 3).touches(2, 50));
}

#[test]
fn entity_from_section_label() {
    assert_eq!(
        entity_in("[松江市] 県内高校卒業生とのつながり創出モデル事業").as_deref(),
        Some("松江市")
    );
    assert_eq!(entity_in("【津和野町】事業").as_deref(), Some("津和野町"));
    assert_eq!(entity_in("事業の概要 [松江市]"), None);
    assert_eq!(entity_in("【事業費】 R4～R7"), None);
    assert_eq!(entity_in(" ■ （浜田市） 事業").as_deref(), Some("浜田市"));
    assert_eq!(entity_in("■■ （浜田市） 事業"), None);
    assert_eq!(entity_in("■北山市").as_deref(), Some("北山市"));
    assert_eq!(entity_in("◆ 東町").as_deref(), Some("東町"));
    assert_eq!(entity_in("## 西川村").as_deref(), Some("西川村"));
    assert_eq!(entity_in("■都市"), None);
    assert_eq!(entity_in("■市町村"), None);
    assert_eq!(entity_in("北山市"), None, "no marker");
    assert_eq!(entity_in("■北山市の取組"), None);
}

#[test]
fn year_and_code_columns_of_a_record_export_are_not_measures() {
    let out = crate::pipeline::process(
        "export.csv",
        "種別,事業年度,予算事業ID,事業名,府省庁の建制順,当初予算\n\
         一覧,2024,1,研修事業,3,1500\n\
         一覧,2024,17,広報事業,3,2100\n"
            .as_bytes(),
    );
    let raws: Vec<&str> = out.measures.iter().map(|m| m.raw.as_str()).collect();
    assert_eq!(raws, ["1500", "2100"]);
    // Near miss: a column headed by a year holds that year's figures,
    // even one that reads like a year.
    let out = crate::pipeline::process(
        "plan.csv",
        "指標,令和5年度,令和6年度\n利用者数,2024,1980\n".as_bytes(),
    );
    let raws: Vec<&str> = out.measures.iter().map(|m| m.raw.as_str()).collect();
    assert_eq!(raws, ["2024", "1980"]);
}

#[test]
fn a_unit_printed_under_every_column_scales_the_table_below() {
    let book = |units: &str| {
        let text = format!(
            "（歳　入）\n\
             \x20     款                本年度予算額     前年度予算額     比　較\n\
             \x20                           {units}\n\
             \x20 1 村税                 12,345,600     12,000,100        345,500\n\
             \x20 2 使用料及び手数料          74,952         80,446         △5,494\n"
        );
        crate::pipeline::process("book.txt", text.as_bytes()).measures
    };
    let measures = book("千円            千円            千円");
    let fee = measures.iter().find(|m| m.raw == "△5,494");
    assert_eq!(
        fee.map(|m| (m.value, m.scale)),
        Some((-5_494_000.0, 1000.0))
    );
    assert_eq!(fee.and_then(|m| m.unit.as_deref()), Some("円"));
    // A line of different units, each under its column: the columns
    // are read by position (an aligned table), and each takes its own.
    let measures = book("千円            千円            人");
    let tax = measures.iter().find(|m| m.raw == "12,345,600");
    assert_eq!(
        tax.map(|m| (m.value, m.scale)),
        Some((12_345_600_000.0, 1000.0))
    );
    let change = measures.iter().find(|m| m.raw == "345,500");
    assert_eq!(
        change.map(|m| (m.value, m.unit.as_deref())),
        Some((345_500.0, Some("人")))
    );
}

#[test]
fn a_name_on_every_row_leaves_the_column_to_name_the_figure() {
    let indicators = |text: &str| -> Vec<(String, Option<String>)> {
        crate::pipeline::process("sheet.csv", text.as_bytes())
            .measures
            .into_iter()
            .map(|m| (m.raw, m.indicator))
            .collect()
    };
    let found = indicators(
        "種別,予算年度,当初予算,前年度からの繰越し,執行額\n\
         点検表,2022,1500,20,1400\n\
         点検表,2023,2100,0,1900\n\
         点検表,2024,800,5,760\n",
    );
    let named = |raw: &str| {
        found
            .iter()
            .find(|(r, _)| r == raw)
            .and_then(|(_, i)| i.clone())
    };
    assert_eq!(named("2100").as_deref(), Some("当初予算"));
    assert_eq!(named("20").as_deref(), Some("前年度からの繰越し"));
    assert_eq!(named("760").as_deref(), Some("執行額"));
    // Near misses: rows named apart keep their names, and one indicator
    // repeated over period columns stays the indicator.
    let found = indicators(
        "種別,事業名,当初予算,執行額\n\
         点検表,研修事業,1500,1400\n\
         点検表,広報事業,2100,1900\n\
         点検表,相談事業,800,760\n",
    );
    assert!(found.contains(&("2100".to_string(), Some("広報事業".to_string()))));
    let found = indicators(
        "指標,区分,令和4年度,令和5年度\n\
         移住者数,目標,100,120\n\
         移住者数,実績,90,110\n\
         移住者数,見込,95,115\n",
    );
    assert!(found.iter().all(|(_, i)| i.as_deref() == Some("移住者数")));
}

#[test]
fn romaji_and_english_column_names_state_yen_last() {
    for (label, scale) in [
        ("pdf_revenue_amount_thousand_yen", 1e3),
        ("Budget (million yen)", 1e6),
        ("kingaku_hundred_million_yen", 1e8),
        ("amount_ten_thousand_yen", 1e4),
        ("amount_jpy", 1.0),
    ] {
        assert_eq!(
            unit_in_label(label),
            Some(("円".to_string(), scale)),
            "{label}"
        );
    }
    // Near misses: `yen` inside a word, or not last.
    for label in ["yenbudget", "yen_count", "jpy_rate_pct", "事業費(yen)x"] {
        assert_eq!(unit_in_label(label), None, "{label}");
    }
    let out = crate::pipeline::process(
        "export.csv",
        "name,setsu_amount_thousand_yen\nroad,1500\n".as_bytes(),
    );
    let m = out.measures.iter().find(|m| m.raw == "1500");
    assert_eq!(
        m.map(|m| (m.value, m.unit.as_deref(), m.measure)),
        Some((1_500_000.0, Some("円"), MeasureKind::Amount))
    );
}

#[test]
fn a_unit_note_is_no_caption() {
    let indicator = |caption: &str, raw: &str| {
        let text = format!(
            "{caption}\n\n区分\t令和4年\t令和5年\n一般行政\t30\t29\n教育\t29\t29\n合計\t59\t58\n"
        );
        crate::pipeline::process("staff.txt", text.as_bytes())
            .measures
            .into_iter()
            .find(|m| m.raw == raw)
            .and_then(|m| m.indicator)
    };
    for noted in [
        "■ 職員数の推移\n（単位：人・%）",
        "■ 職員数の推移\n\n（単位：人・%）",
    ] {
        assert_eq!(indicator(noted, "59").as_deref(), Some("職員数の推移"));
    }
    assert_eq!(
        indicator("■ 職員数の推移（単位：人）", "58").as_deref(),
        Some("職員数の推移")
    );
    assert_eq!(without_unit_note("(単位:人・%)"), "");
    // Near miss: 単位 inside a name is part of it.
    assert_eq!(
        indicator("■ 学級単位の在籍者数", "59").as_deref(),
        Some("学級単位の在籍者数")
    );
}

#[test]
fn qualifiers_reach_the_measure_as_printed() {
    let text = "1 利用状況\n\n\
                区分\t令和4年度\t令和5年度\n\
                利用者数\t約1,200人\t100人以上\n\
                相談件数\t30件\t40件\n\n\
                参加者数：約300人\n\n\
                説明会には延べ50人程度が参加した。\n";
    let found: Vec<(String, Option<String>, bool, MeasureSource)> =
        crate::pipeline::process("plan.txt", text.as_bytes())
            .measures
            .into_iter()
            .map(|m| (m.raw, m.qualifier, m.approx, m.source))
            .collect();
    let of = |raw: &str| {
        found
            .iter()
            .find(|(r, ..)| r == raw)
            .map(|(_, q, a, s)| (q.clone(), *a, *s))
    };
    let q = |w: &str| Some(w.to_string());
    assert_eq!(
        of("約1,200人"),
        Some((q("約"), true, MeasureSource::Table)),
        "{found:?}"
    );
    assert_eq!(
        of("100人以上"),
        Some((q("以上"), true, MeasureSource::Table)),
        "{found:?}"
    );
    assert_eq!(
        of("約300人"),
        Some((q("約"), true, MeasureSource::KeyValue)),
        "{found:?}"
    );
    assert_eq!(
        of("50人程度"),
        Some((q("程度"), true, MeasureSource::Prose)),
        "{found:?}"
    );
    // Near miss: an exact figure has no qualifier, not an empty one.
    assert_eq!(
        of("30件"),
        Some((None, false, MeasureSource::Table)),
        "{found:?}"
    );
}

#[test]
fn tokens_with_ranges() {
    let t = tokens("R4～R7(4年間) 28,000千円");
    assert_eq!(t.len(), 2);
    assert_eq!(t[1], (11, 19, "28,000千円".to_string()));
}
