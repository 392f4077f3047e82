//! Layouts the seeds do not have, built here: what a careful reader takes
//! out of each.

use planfacts::model::{DocOutput, Measure, MeasureKind, Stance};
use planfacts::pipeline;

fn run(text: &str) -> DocOutput {
    pipeline::process("constructed.txt", text.as_bytes())
}

fn find<'a>(out: &'a DocOutput, raw: &str) -> &'a Measure {
    out.measures
        .iter()
        .find(|m| m.raw == raw)
        .unwrap_or_else(|| {
            panic!(
                "no measure {raw}: {:#?}",
                out.measures.iter().map(|m| &m.raw).collect::<Vec<_>>()
            )
        })
}

#[test]
fn years_as_rows_with_a_total_row() {
    let out = run("■市民相談件数の推移\n\n年度\t相談件数(件)\t解決件数(件)\n令和2年度\t120\t80\n令和3年度\t135\t90\n令和4年度\t150\t101\n合計\t405\t271\n");
    let m = find(&out, "135");
    assert_eq!((m.fy_start, m.fy_end), (Some(2021), Some(2021)));
    assert_eq!(m.indicator.as_deref(), Some("相談件数(件)"));
    assert_eq!(m.unit.as_deref(), Some("件"));
    let total = find(&out, "405");
    assert!(total.cumulative);
    assert_eq!((total.fy_start, total.fy_end), (Some(2020), Some(2022)));
    assert!(out
        .measures
        .iter()
        .filter(|m| m.raw == "101")
        .all(|m| m.fy_start == Some(2022)));
}

#[test]
fn baseline_target_actual_columns() {
    let out = run("指標\t基準値(R1)\t目標値(R5)\t実績(R4)\n移住者数\t120人\t200人\t185人\n空き家バンク登録件数\t30件\t60件\t52件\n");
    let base = find(&out, "120人");
    assert_eq!(base.stance, Stance::Achieved);
    assert_eq!(base.fy_start, Some(2019));
    let target = find(&out, "200人");
    assert_eq!(target.stance, Stance::Planned);
    assert_eq!(target.fy_start, Some(2023));
    assert_eq!(target.indicator.as_deref(), Some("移住者数"));
    let actual = find(&out, "52件");
    assert_eq!(actual.stance, Stance::Achieved);
    assert_eq!(actual.fy_start, Some(2022));
    assert_eq!(actual.indicator.as_deref(), Some("空き家バンク登録件数"));
}

#[test]
fn mixed_year_notations_in_one_header() {
    let out = run(
        "【目標】\n\n項目\t2020年度\tR3\t令和4年度\t平成33年度\n研修受講者数\t40\t45\t50\t55\n",
    );
    let years: Vec<Option<i32>> = ["40", "45", "50", "55"]
        .iter()
        .map(|r| find(&out, r).fy_start)
        .collect();
    assert_eq!(years, vec![Some(2020), Some(2021), Some(2022), Some(2021)]);
    assert!(out.measures.iter().all(|m| m.stance == Stance::Planned));
    assert_eq!(find(&out, "40").unit.as_deref(), Some("人"));
    // 平成33年度 does not exist (Heisei ended in 2019): converted, and said.
    assert!(out
        .dates
        .iter()
        .any(|d| d.raw == "平成33年度" && d.problem.is_some()));
}

#[test]
fn kanji_numerals_and_scaled_amounts_in_prose() {
    let out = run("本計画は二〇二一年度から四年間の計画であり、研修に三千五百人の参加を見込む。\n事業費は12億3456万円、前年度比△1,234千円。\n");
    assert!(out.dates.iter().any(|d| d.raw == "二〇二一年度"
        && d.start.map(|s| s.to_string()).as_deref() == Some("2021-04-01")));
    assert_eq!(find(&out, "三千五百人").value, 3500.0);
    let big = find(&out, "12億3456万円");
    assert_eq!(big.value, 1_234_560_000.0);
    assert_eq!(big.measure, MeasureKind::Amount);
    assert_eq!(find(&out, "△1,234千円").value, -1_234_000.0);
}

#[test]
fn unit_stated_once_for_a_table_and_relative_years() {
    let out = run("計画期間: 平成29年度～平成38年度\n\n### 収支計画（単位: 千円）\n\n| 区分 | 前年度（決算） | 本年度 | 30年度 | 31年度 |\n|---|---|---|---|---|\n| 料金収入 | 1,200 | 1,250 | 1,300 | 1,320 |\n");
    let m = find(&out, "1,300");
    assert_eq!(m.value, 1_300_000.0);
    assert_eq!(m.unit.as_deref(), Some("円"));
    assert_eq!(m.scale, 1000.0);
    assert_eq!(m.fy_start, Some(2018));
    assert_eq!(find(&out, "1,250").fy_start, Some(2017));
    let last_year = find(&out, "1,200");
    assert_eq!(last_year.fy_start, Some(2016));
    assert_eq!(last_year.stance, Stance::Achieved);
}

#[test]
fn key_value_budget_with_its_value_on_a_later_line() {
    let out = run("[架空町] モデル事業\n\n【事業費】 令和5年度～令和6年度（2年間）\n\n4,500千円\n");
    let m = find(&out, "4,500千円");
    assert_eq!(m.value, 4_500_000.0);
    assert_eq!(m.stance, Stance::Planned);
    assert_eq!((m.fy_start, m.fy_end), (Some(2023), Some(2024)));
    assert_eq!(m.entity.as_deref(), Some("架空町"));
    assert_eq!(m.indicator.as_deref(), Some("事業費"));
    assert!(m.cumulative);
}

#[test]
fn ordinals_are_not_quantities() {
    let out = run("第３回会議を開催し、委員12名が出席した。\n");
    assert!(out
        .measures
        .iter()
        .all(|m| m.raw != "３回" && m.raw != "3回"));
    assert_eq!(find(&out, "12名").value, 12.0);
}

#[test]
fn a_unit_on_its_own_line_holds_until_the_next_heading() {
    let out = run("歳出\n                千円\n議会費\n1\t488,451\n総務費\n2\t9,616,154\n\n■別の表\n\n項目\t件数\n相談\t120\n");
    let m = find(&out, "9,616,154");
    assert_eq!(m.value, 9_616_154_000.0);
    assert_eq!(m.unit.as_deref(), Some("円"));
    assert_eq!(find(&out, "120").value, 120.0);
}

#[test]
fn bullets_written_as_key_value_pairs() {
    let out = run("## デジタル推進経費\n\n- 事項: システム整備に係る経費\n- 令和4年度概算要求額（百万円）: 530323\n- 令和3年度当初予算額（百万円）: 302972\n");
    let m = find(&out, "530323");
    assert_eq!(m.value, 530_323_000_000.0);
    assert_eq!(m.unit.as_deref(), Some("円"));
    assert_eq!(m.stance, Stance::Planned);
    assert_eq!(m.fy_start, Some(2022));
    assert_eq!(m.indicator.as_deref(), Some("令和4年度概算要求額(百万円)"));
    assert_eq!(find(&out, "302972").fy_start, Some(2021));
}

#[test]
fn a_header_row_with_a_span_total_is_still_a_header() {
    // `5か年累計` holds a digit but is a period: the row above the figures
    // is the header, and the total spans the table's years.
    let out = run(
        "施策\t指標\t単位\t2022年度\t2023年度\t2024年度\t3か年累計\n\
         観光振興\t来場者数\t千人\t100\t120\t140\t360\n",
    );
    let m = find(&out, "120");
    assert_eq!((m.fy_start, m.fy_end), (Some(2023), Some(2023)));
    assert_eq!(m.value, 120_000.0);
    assert_eq!(m.unit.as_deref(), Some("人"));
    assert_eq!(m.indicator.as_deref(), Some("来場者数"));
    let total = find(&out, "360");
    assert!(total.cumulative);
    assert_eq!((total.fy_start, total.fy_end), (Some(2022), Some(2024)));
}

#[test]
fn a_rate_row_meets_its_target_and_result_rows() {
    // Stances as rows: the planted 95.0% (should be 90.0%) is found.
    let out = run(
        "指標\t区分\tR5\tR6\n来場者数\t目標\t100\t200\n\t実績\t90\t180\n\t達成率\t95.0%\t90.0%\n",
    );
    let facts = planfacts::check::DocFacts {
        doc_id: "d",
        measures: &out.measures,
        dates: &out.dates,
        cells: &out.cells,
        blocks: &out.blocks,
    };
    let found = planfacts::check::check_document(&facts, &planfacts::check::Config::default());
    assert!(
        found.iter().any(|f| f.check == "rate_vs_ratio"),
        "{found:#?}"
    );
    assert_eq!(find(&out, "95.0%").stance, Stance::Achieved);
}

#[test]
fn a_table_goes_on_after_a_page_break_with_its_header_again() {
    // The total row on the second page sums the years on both pages.
    let out = run("年度\t相談件数\n令和4年度\t120\n令和5年度\t135\n\n- 1 -\n\n年度\t相談件数\n令和6年度\t150\n計\t405\n");
    let total = find(&out, "405");
    assert!(total.cumulative);
    assert_eq!((total.fy_start, total.fy_end), (Some(2022), Some(2024)));
    assert_eq!(find(&out, "150").indicator.as_deref(), Some("相談件数"));
    let tables: std::collections::BTreeSet<Option<u32>> =
        out.measures.iter().map(|m| m.table_id).collect();
    assert_eq!(tables.len(), 1, "one table across the page break");
}
