use super::key_value::*;
use super::prose::*;
use super::section::*;
use super::table::*;
use super::*;
use crate::model::{MeasureSource, Stance};

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

/// (raw, stance, fy_start, fy_end) of every measure, in order.
fn read_back(name: &str, text: &str) -> Vec<(String, Stance, Option<i32>, Option<i32>)> {
    crate::pipeline::process(name, text.as_bytes())
        .measures
        .into_iter()
        .map(|m| (m.raw, m.stance, m.fy_start, m.fy_end))
        .collect()
}

fn of(
    got: &[(String, Stance, Option<i32>, Option<i32>)],
    raw: &str,
) -> (Stance, Option<i32>, Option<i32>) {
    let found = got.iter().find(|m| m.0 == raw);
    let (_, s, a, b) = found.unwrap_or_else(|| panic!("{raw} not read: {got:?}"));
    (*s, *a, *b)
}

#[test]
fn a_period_column_dates_each_record_and_the_nearest_one_wins() {
    let got = read_back(
        "review_sheet.csv",
        "種別,事業年度,事業ID,事業名,予算年度,当初予算,前年度からの繰越し,執行額,執行率,翌年度要求額\n\
         票,2024,7,広報事業,2024,5100,20,0,,6200\n\
         票,2024,7,広報事業,2023,4900,30,4410,0.9,5100\n\
         票,2024,7,広報事業,2022,4700,10,3950,0.84,4900\n",
    );
    // 予算年度 stands next to the figures: it dates them, not 事業年度.
    assert_eq!(of(&got, "4900"), (Stance::Planned, Some(2023), Some(2023)));
    assert_eq!(of(&got, "4410"), (Stance::Achieved, Some(2023), Some(2023)));
    assert_eq!(of(&got, "0.84"), (Stance::Achieved, Some(2022), Some(2022)));
    // Next year's request is next year's figure.
    assert_eq!(of(&got, "6200"), (Stance::Planned, Some(2025), Some(2025)));
    // A sum carried in from the year before is part of this year's budget.
    assert_eq!(of(&got, "30").1, Some(2023));
    // The year fields themselves are no figures.
    assert!(got.iter().all(|m| m.0 != "2024" && m.0 != "2023"));
}

#[test]
fn a_year_field_column_that_repeats_its_years_labels_the_rows() {
    let got = read_back(
        "records.csv",
        "年度,指標,目標,実績\nR4,来場者数,300,280\nR4,登録者数,120,118\nR5,来場者数,320,301\n",
    );
    assert_eq!(of(&got, "301"), (Stance::Achieved, Some(2023), Some(2023)));
    // Bare years that repeat: still a year field, not a column of figures.
    let got = read_back(
        "records.csv",
        "年度,指標,目標,実績\n2022,来場者数,300,280\n2022,登録者数,120,118\n2023,来場者数,320,301\n",
    );
    assert_eq!(of(&got, "301"), (Stance::Achieved, Some(2023), Some(2023)));
    assert_eq!(of(&got, "118"), (Stance::Achieved, Some(2022), Some(2022)));
    let out = crate::pipeline::process(
        "records.csv",
        "年度,指標,目標,実績\nR4,来場者数,300,280\nR4,登録者数,120,118\n".as_bytes(),
    );
    let ind = out.measures.iter().find(|m| m.raw == "118");
    assert_eq!(ind.and_then(|m| m.indicator.as_deref()), Some("登録者数"));
    // Near miss: a column of figures under another header stays figures.
    let got = read_back("counts.csv", "区分,件数\nA,2024\nB,2023\n");
    assert_eq!(got.len(), 2, "{got:?}");
}

#[test]
fn a_total_spans_the_periods_of_its_own_dimension_only() {
    let text = "| 区分 | 令和5年度 | 令和6年度 | 計 |\n|---|---|---|---|\n\
                | 繰入金A | 120 | 130 | 250 |\n| 繰入金B | 40 | 45 | 85 |\n\
                | 合計 | 160 | 175 | 335 |\n\
                | 合計特殊出生率 | 1.41 | 1.52 | - |\n";
    let got = read_back("t.md", text);
    // A total over items under one year keeps that year.
    assert_eq!(
        of(&got, "175").1..=of(&got, "175").2,
        Some(2024)..=Some(2024)
    );
    assert_eq!(
        (of(&got, "1.52").1, of(&got, "1.52").2),
        (Some(2024), Some(2024))
    );
    // A total over the year columns spans them, and so does the grand total.
    assert_eq!(
        (of(&got, "250").1, of(&got, "250").2),
        (Some(2023), Some(2024))
    );
    assert_eq!(
        (of(&got, "335").1, of(&got, "335").2),
        (Some(2023), Some(2024))
    );
    // Years as rows: the total row spans the rows' years.
    let got = read_back(
        "r.md",
        "| 年度 | 来場者数 |\n|---|---|\n| 令和4年度 | 310 |\n| 令和5年度 | 290 |\n| 計 | 600 |\n",
    );
    assert_eq!(
        (of(&got, "600").1, of(&got, "600").2),
        (Some(2022), Some(2023))
    );
}

#[test]
fn relative_year_headers_count_from_the_explicit_columns() {
    let text = "# 平成29年度 水道事業の収支計画\n\n\
                | 区分 | 前々年度（決算） | 前年度（決算見込） | 本年度 | 30年度 | 31年度 |\n\
                |---|---|---|---|---|---|\n\
                | 料金収入 | 1,710 | 1,650 | 1,600 | 1,580 | 1,550 |\n\n\
                ## 指標\n\n\
                | 指標 | 前々年度 | 前年度 | 本年度 | 30年度 |\n|---|---|---|---|---|\n\
                | 収支比率 | 71 | 70 | 69 | 68 |\n";
    let got = read_back("plan.md", text);
    assert_eq!(
        of(&got, "1,710"),
        (Stance::Achieved, Some(2015), Some(2015))
    );
    // `決算見込`: an estimate, printed last.
    assert_eq!(of(&got, "1,650"), (Stance::Planned, Some(2016), Some(2016)));
    assert_eq!(of(&got, "1,600"), (Stance::Planned, Some(2017), Some(2017)));
    assert_eq!(of(&got, "1,550"), (Stance::Planned, Some(2019), Some(2019)));
    // Past years with no word are results; the plan's own years are plans.
    assert_eq!(of(&got, "71"), (Stance::Achieved, Some(2015), Some(2015)));
    assert_eq!(of(&got, "70"), (Stance::Achieved, Some(2016), Some(2016)));
    assert_eq!(of(&got, "69"), (Stance::Planned, Some(2017), Some(2017)));
}

#[test]
fn a_day_in_a_caption_or_heading_dates_the_table() {
    let text = "# 職員の状況\n\n\
                **職員の男女比(R5.4.1)**\n\n\
                | 区分 | 人数 |\n|---|---|\n| 男性 | 40 |\n| 女性 | 12 |\n\n\
                ## 年齢別の構成（令和6年1月1日現在）\n\n\
                | 区分 | 20代 | 30代 |\n|---|---|---|\n| 職員数 | 11人 | 17人 |\n";
    let got = read_back("staff.md", text);
    assert_eq!(of(&got, "12"), (Stance::Achieved, Some(2023), Some(2023)));
    // January falls in the fiscal year that began the April before.
    assert_eq!(of(&got, "17人"), (Stance::Achieved, Some(2023), Some(2023)));
    // Near miss: a caption naming no day dates nothing.
    let got = read_back(
        "t.md",
        "**職員の男女比**\n\n| 区分 | 人数 |\n|---|---|\n| 男性 | 40 |\n| 女性 | 12 |\n",
    );
    assert_eq!(of(&got, "12"), (Stance::Stated, None, None));
}

#[test]
fn the_kind_of_document_and_its_cover_year_come_last() {
    // A budget book exported to CSV: the file name names the kind.
    let csv = "款,項,R5,R6\n村税,,4100,4250\n,村民税,1900,1960\n";
    let got = read_back("R6_予算書.csv", csv);
    assert_eq!(of(&got, "4100"), (Stance::Planned, Some(2023), Some(2023)));
    let got = read_back("R6_一覧.csv", csv);
    assert_eq!(of(&got, "4100").0, Stance::Stated);
    // A cover year dates what names no year, and counts 前年度 from it.
    let text = "令和８年度\n\n観光会計予算書\n\n\
                | 款 | 本年度予算額 | 前年度予算額 | 比較 |\n|---|---|---|---|\n\
                | 使用料 | 2,000 | 1,800 | 200 |\n";
    let got = read_back("book.md", text);
    assert_eq!(of(&got, "2,000"), (Stance::Planned, Some(2026), Some(2026)));
    assert_eq!(of(&got, "1,800"), (Stance::Planned, Some(2025), Some(2025)));
    assert_eq!(of(&got, "200"), (Stance::Planned, Some(2026), Some(2026)));
}

#[test]
fn key_columns_of_an_export_name_what_its_figures_are() {
    let csv = "source_file,budget_book_page,fiscal_year,moku_name,moku_total_amount_thousand_yen\n\
               a.pdf,311,2026,議会費,770553\na.pdf,313,2026,総務管理費,1234567\n";
    let got = read_back("sections.csv", csv);
    assert_eq!(
        of(&got, "770553"),
        (Stance::Planned, Some(2026), Some(2026))
    );
    // Key columns that disagree name nothing.
    let csv = "plan_id,actual_id,name,amount\n1,2,議会費,700\n3,4,総務費,800\n";
    let got = read_back("mixed.csv", csv);
    assert_eq!(of(&got, "700").0, Stance::Stated);
}

#[test]
fn a_projection_heading_makes_its_results_projections() {
    let text = "# 将来人口\n\n## 推計結果\n\n\
                | | 2030年 | 2040年 |\n|---|---|---|\n| 総人口 | 900 | 810 |\n\n\
                ## 調査結果\n\n\
                | | 2020年 | 2021年 |\n|---|---|---|\n| 回答数 | 95 | 97 |\n";
    let got = read_back("p.md", text);
    assert_eq!(of(&got, "810"), (Stance::Planned, Some(2040), Some(2040)));
    assert_eq!(of(&got, "97"), (Stance::Achieved, Some(2021), Some(2021)));
}

#[test]
fn every_figure_of_a_short_phrase_under_a_stance_column_is_read() {
    let text = "| 指標 | 現状値(2014年度) | 目標値(2019年度) |\n|---|---|---|\n\
                | 体験者数 | 7人(延べ120日) | 年10人(延べ200日) |\n\
                | 派遣数 | 2人 | 年2人(5年間で10人) |\n\
                | 就業者数 | - | 5年間で4人 |\n";
    let got = read_back("kpi.md", text);
    assert_eq!(of(&got, "7人"), (Stance::Achieved, Some(2014), Some(2014)));
    assert_eq!(
        of(&got, "120日"),
        (Stance::Achieved, Some(2014), Some(2014))
    );
    assert_eq!(of(&got, "200日"), (Stance::Planned, Some(2019), Some(2019)));
    // A figure after a span of years totals those years up to the column's;
    // its raw keeps the span it was read with.
    assert_eq!(of(&got, "10人"), (Stance::Planned, Some(2019), Some(2019)));
    assert_eq!(
        of(&got, "5年間で10人"),
        (Stance::Planned, Some(2015), Some(2019))
    );
    assert_eq!(
        of(&got, "5年間で4人"),
        (Stance::Planned, Some(2015), Some(2019))
    );
    // Near miss: a long sentence in a cell is prose: every figure of it is
    // read, not one as the column's figure; the column still frames them.
    let text = "| 指標 | 目標値(2019年度) |\n|---|---|\n\
                | 概要 | 毎年3回の講座と2回の視察を行い、延べ40人の参加を得て1冊の報告書にまとめる |\n";
    let got = read_back("kpi.md", text);
    let raws: Vec<&str> = got.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(raws, ["3回", "2回", "40人", "1冊"], "{got:?}");
}

#[test]
fn a_year_range_heading_a_column_dates_its_figures_as_a_span() {
    let text = "| 指標 | R2～R4 | 令和5年 | 令和6年 |\n|---|---|---|---|\n\
                | 相談件数 | 1,230件 | 450件 | 470件 |\n";
    let got = read_back("r.md", text);
    assert_eq!(
        (of(&got, "1,230件").1, of(&got, "1,230件").2),
        (Some(2020), Some(2022))
    );
    assert_eq!(
        (of(&got, "450件").1, of(&got, "450件").2),
        (Some(2023), Some(2023))
    );
}

#[test]
fn a_description_cells_calculation_is_read_as_the_rows_figure_is() {
    // A budget book's 説明 column stands left of the figures: a label, whose
    // calculation states the row's R6 figure (in 千円, the formula in 円).
    let csv = "款,項,説明,R5,R6\n\
               手数料,,,900,980\n\
               ,証明手数料,\"証明手数料（見込件数 1,200×300円）\",,360\n\
               ,入所負担金,\"入所負担金（備考 21,000円×30人×12月）\",7200,7560\n\
               ,使用料,\"使用料（見込額 56,000✕97.5％）\",,54600\n";
    let out = crate::pipeline::process("R6_予算書.csv", csv.as_bytes());
    let read = |raw: &str| {
        let m = out.measures.iter().find(|m| m.raw == raw);
        m.unwrap_or_else(|| panic!("{raw} not read"))
    };
    for raw in ["1,200", "300円", "21,000円", "30人", "56,000", "97.5％"] {
        let m = read(raw);
        assert_eq!(
            (m.stance, m.fy_start, m.fy_end),
            (Stance::Planned, Some(2024), Some(2024)),
            "{raw}"
        );
        assert_eq!(m.source, MeasureSource::Table);
    }
    // Unitless operands stay unscaled: the 千円 of the R6 column is not theirs.
    assert_eq!(read("1,200").value, 1200.0);
    assert_eq!(read("1,200").unit, None);
    assert_eq!(read("300円").value, 300.0);
    assert_eq!(
        read("30人").indicator.as_deref(),
        Some("入所負担金(備考 21,000円×30人×12月)")
    );
    // The description still labels the row's own figures.
    assert_eq!(
        read("7560").indicator.as_deref(),
        Some("入所負担金(備考 21,000円×30人×12月)")
    );
}

#[test]
fn label_cells_without_a_calculation_give_no_figures() {
    // Codes, ordinals and grades in labels stay labels, units or not.
    let csv = "款,項,説明,R6\n\
               民生費,,,5000\n\
               ,第1号 扶助費,\"1級 3,000円 2,000\",1800\n\
               ,No.12 委託料,※1 18 件,3200\n";
    let raws: Vec<String> = read_back("R6_予算書.csv", csv)
        .into_iter()
        .map(|m| m.0)
        .collect();
    assert_eq!(raws, ["5000", "1800", "3200"]);
}
