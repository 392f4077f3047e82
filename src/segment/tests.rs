//! Whole-document tests: constructed documents for each rule, the seeds and
//! the corpus (coverage: every non-blank line in exactly one block).

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::lines::test_util::doc;
use super::*;
use crate::model::Pos;
use crate::normalize::normalize_text;

fn seg(text: &str) -> Vec<SegBlock> {
    let lines = doc(text);
    let blocks = segment_text("d", &lines);
    assert_coverage(&lines, &blocks);
    blocks
}

/// Ids 1, 2, 3…; blocks ordered and disjoint; every non-blank line in one block.
fn assert_coverage(lines: &[NormLine], blocks: &[SegBlock]) {
    let mut prev_end = 0;
    for (i, b) in blocks.iter().enumerate() {
        let b = &b.block;
        assert_eq!(b.block_id as usize, i + 1);
        assert!(b.line <= b.line_end, "{b:?}");
        assert!(b.line > prev_end, "overlap at block {}: {b:?}", b.block_id);
        prev_end = b.line_end;
        if let Some(p) = b.parent_id {
            assert!(p < b.block_id);
        }
    }
    for l in lines
        .iter()
        .filter(|l| !l.raw.chars().all(char::is_whitespace))
    {
        let n = blocks
            .iter()
            .filter(|b| b.block.line <= l.line && l.line <= b.block.line_end)
            .count();
        assert_eq!(n, 1, "line {} ({:?}) is in {n} blocks", l.line, l.raw);
    }
}

fn kinds(blocks: &[SegBlock]) -> Vec<&'static str> {
    blocks.iter().map(|b| b.block.kind.as_str()).collect()
}

fn find<'a>(blocks: &'a [SegBlock], text: &str) -> &'a Block {
    &blocks
        .iter()
        .find(|b| b.block.text == text)
        .unwrap_or_else(|| {
            panic!(
                "no block {text:?} in {:#?}",
                blocks.iter().map(|b| &b.block.text).collect::<Vec<_>>()
            )
        })
        .block
}

fn cell(b: &SegBlock, row: u32, col: u32) -> &SegCell {
    b.cells
        .iter()
        .find(|c| c.cell.row == row && c.cell.col == col)
        .unwrap_or_else(|| panic!("no cell {row},{col}"))
}

#[test]
fn marker_families_levels_and_parents() {
    let b = seg("[松江市] モデル事業\n\n【実施体制】\n\n1. 情報発信\n(1) 交流イベント\n①町内企業訪問\n\n2. 次の事業\n本文です。\n\n[出雲市] 別の事業\n■目標");
    let town = find(&b, "松江市 モデル事業");
    assert_eq!(
        (town.kind, town.level, town.parent_id),
        (BlockKind::Heading, Some(1), None)
    );
    assert_eq!(town.marker.as_deref(), Some("["));
    let body = find(&b, "実施体制");
    assert_eq!((body.level, body.parent_id), (Some(2), Some(town.block_id)));
    assert_eq!(body.marker.as_deref(), Some("【"));
    let one = find(&b, "情報発信");
    assert_eq!(
        (one.level, one.parent_id, one.marker.as_deref()),
        (Some(3), Some(body.block_id), Some("1."))
    );
    let p1 = find(&b, "交流イベント");
    assert_eq!((p1.level, p1.parent_id), (Some(4), Some(one.block_id)));
    let c1 = find(&b, "町内企業訪問");
    assert_eq!(
        (c1.level, c1.parent_id, c1.marker.as_deref()),
        (Some(5), Some(p1.block_id), Some("①"))
    );
    let two = find(&b, "次の事業");
    assert_eq!((two.level, two.parent_id), (Some(3), Some(body.block_id)));
    let para = find(&b, "本文です。");
    assert_eq!(
        (para.kind, para.parent_id),
        (BlockKind::Paragraph, Some(two.block_id))
    );
    let izumo = find(&b, "出雲市 別の事業");
    assert_eq!((izumo.level, izumo.parent_id), (Some(1), None));
    let goal = find(&b, "目標");
    assert_eq!(
        (goal.level, goal.parent_id, goal.marker.as_deref()),
        (Some(2), Some(izumo.block_id), Some("■"))
    );
}

#[test]
fn more_marker_families() {
    let b = seg("# 計画\n## 1. 事業概要\n### (1) 現況\n第1回\n\nⅠ 基本目標\nA) 学び\n★ 1年目（2019年度）\n※ 順不同\n＜平成19年度＞\n<平成20年度>\n1 安定した就職\n1．目的");
    assert_eq!(kinds(&b), vec!["heading"; 12]);
    let h = find(&b, "計画");
    assert_eq!((h.level, h.marker.as_deref()), (Some(1), Some("#")));
    assert_eq!(find(&b, "1. 事業概要").level, Some(2));
    let cur = find(&b, "(1) 現況");
    assert_eq!(cur.level, Some(3));
    let dai = find(&b, "第1回");
    assert_eq!(
        (dai.level, dai.parent_id, dai.marker.as_deref()),
        (Some(4), Some(cur.block_id), Some("第1回"))
    );
    let roman = find(&b, "基本目標");
    assert_eq!(
        (roman.level, roman.parent_id),
        (Some(5), Some(dai.block_id))
    );
    assert_eq!(find(&b, "学び").level, Some(6));
    assert_eq!(find(&b, "1年目（2019年度）").marker.as_deref(), Some("★"));
    assert_eq!(find(&b, "順不同").marker.as_deref(), Some("※"));
    let angle = find(&b, "平成19年度");
    let ascii_angle = find(&b, "平成20年度");
    assert_eq!(
        angle.level, ascii_angle.level,
        "＜…＞ and <…> are one family"
    );
    assert_eq!(ascii_angle.marker.as_deref(), Some("<"));
    assert_eq!(find(&b, "安定した就職").marker.as_deref(), Some("1"));
    assert_eq!(find(&b, "目的").marker.as_deref(), Some("1．"));
}

#[test]
fn long_or_sentence_marker_lines_are_list_items() {
    let b = seg("○これまでの取組の成果や課題について、関係機関と協議し取りまとめを実施します。\n\n■短い見出し");
    assert_eq!(kinds(&b), vec!["list_item", "heading"]);
    assert_eq!(b[0].block.level, Some(1));
    assert_eq!(b[0].block.marker.as_deref(), Some("○"));
    assert_eq!(b[1].block.parent_id, None);
}

#[test]
fn list_levels_follow_indentation() {
    let b = seg("- a\n - b\n   - c\n・d\n- ・ A) 学び\n\n- ① 出身学生\n - ・交流");
    assert_eq!(kinds(&b), vec!["list_item"; 7]);
    let levels: Vec<_> = b.iter().map(|x| x.block.level.unwrap_or(0)).collect();
    assert_eq!(levels, vec![1, 2, 3, 1, 1, 1, 2]);
    assert_eq!(b[4].block.marker.as_deref(), Some("- ・ A)"));
    assert_eq!(b[4].block.text, "学び");
    assert_eq!(b[5].block.text, "出身学生");
    assert_eq!(b[6].block.col, 1);
}

#[test]
fn key_value_takes_a_quantity_from_a_later_line() {
    let b = seg("【事業費】 R4～R7（4年間）\n\n28,000千円\n\n【実施体制】\n\n担当課：産業経済部\n【予算】\n1,000千円");
    assert_eq!(
        kinds(&b),
        vec!["key_value", "heading", "key_value", "key_value"]
    );
    let kv = &b[0];
    assert_eq!(kv.block.key.as_deref(), Some("事業費"));
    assert_eq!((kv.block.line, kv.block.line_end), (1, 3));
    assert_eq!(kv.content.text, "R4～R7（4年間） 28,000千円");
    assert_eq!(kv.block.text, "事業費: R4～R7（4年間） 28,000千円");
    assert_eq!(kv.content.pos_at(11), Pos { line: 3, col: 0 });
    assert_eq!(kv.block.raw, "【事業費】 R4～R7（4年間）\n\n28,000千円");
    assert_eq!(b[2].block.key.as_deref(), Some("担当課"));
    assert_eq!(b[2].block.parent_id, Some(b[1].block.block_id));
    assert_eq!(b[3].content.text, "1,000千円");
}

#[test]
fn bracket_key_value_closes_deeper_sections() {
    let b = seg("[松江市] 事業
【実施体制】
1. 情報発信
【事業費】 28,000千円
【目標】");
    assert_eq!(
        kinds(&b),
        vec!["heading", "heading", "heading", "key_value", "heading"]
    );
    assert_eq!(b[3].block.parent_id, Some(1));
    assert_eq!(b[4].block.parent_id, Some(1));
    assert_eq!(b[4].block.level, Some(2));
}

#[test]
fn key_value_shapes() {
    let b = seg("日時 : 令和4年7月21日(木) 15:00~17:00\n\n15:00 開始\n\nPoint！：対話を重視します。\n\n- 給水人口: 675人");
    assert_eq!(
        kinds(&b),
        vec!["key_value", "paragraph", "key_value", "key_value"]
    );
    assert_eq!(b[0].block.key.as_deref(), Some("日時"));
    assert_eq!(b[0].content.text, "令和4年7月21日(木) 15:00~17:00");
    assert_eq!(b[3].block.marker.as_deref(), Some("-"));
    assert_eq!(b[3].block.level, Some(1));
    assert_eq!(b[3].content.text, "675人");
}

#[test]
fn wrapped_lines_join_with_their_marker_line() {
    let b = seg("○キャリア教育プラットフォーム\nの運営（キャリア教育に関する\n情報交流のネットワーク。104\n機関加盟）\n\n１．目的\n人財育成を総合的・持続的に推進していくため、以下の項目に");
    assert_eq!(kinds(&b), vec!["list_item", "heading", "paragraph"]);
    assert_eq!((b[0].block.line, b[0].block.line_end), (1, 4));
    assert_eq!(b[0].content.text, "キャリア教育プラットフォームの運営（キャリア教育に関する情報交流のネットワーク。104機関加盟）");
    assert!(b[0].block.text.contains("104機関加盟"));
    assert_eq!(b[1].block.text, "目的");
    assert_eq!(b[2].block.parent_id, Some(b[1].block.block_id));
}

#[test]
fn paragraphs_join_wrapped_numbers_and_vertical_text() {
    let b = seg("事業の社会的意義に賛同した県内企業\nが事業を継続。参加は104\n機関\n\n「人\n財\n」き\nら\nめ\nく\n\nHello\nworld 2024");
    assert_eq!(kinds(&b), vec!["paragraph"; 3]);
    assert_eq!(
        b[0].block.text,
        "事業の社会的意義に賛同した県内企業が事業を継続。参加は104機関"
    );
    assert_eq!(b[1].block.text, "「人財」きらめく");
    assert_eq!((b[1].block.line, b[1].block.line_end), (5, 10));
    assert_eq!(b[2].block.text, "Hello world 2024");
}

#[test]
fn unparsed_lines_say_why() {
    let b = seg("本文\n\n- 1 -\n----\n|---|---|\n\u{200b}");
    assert_eq!(
        kinds(&b),
        vec!["paragraph", "unparsed", "unparsed", "unparsed", "paragraph"]
    );
    assert_eq!(b[1].block.reason.as_deref(), Some("page marker"));
    assert_eq!(
        b[2].block.reason.as_deref(),
        Some("rule or punctuation only")
    );
    assert_eq!(
        b[3].block.reason.as_deref(),
        Some("table rule without rows")
    );
}

#[test]
fn tab_table_with_spanning_headers_and_carried_labels() {
    let b = seg("題\n\n項目\tKPI\t累計\t\t\t今年度\t\n\t\t目標値\t実績\t進捗率\t実績\t進捗率\n1 就職\t件数\t3,300\t3,682\t111.6%\t781\t23.7%\n\t登録数\t8,000\t14,317\t179.0%\t2,689\t33.6%\n次の段落");
    assert_eq!(kinds(&b), vec!["paragraph", "table", "paragraph"]);
    let t = &b[1];
    assert_eq!((t.block.line, t.block.line_end), (3, 6));
    assert!(t.content.is_empty());
    assert_eq!(cell(t, 2, 2).cell.header, "累計 / 目標値");
    assert_eq!(cell(t, 2, 4).cell.header, "累計 / 進捗率");
    assert_eq!(cell(t, 3, 6).cell.header, "今年度 / 進捗率");
    let c = cell(t, 3, 3);
    assert_eq!(c.cell.row_label, "1 就職");
    assert_eq!(*c.label_parts, ["1 就職", "登録数"]);
    assert_eq!(c.cell.value, Some(14317.0));
    assert_eq!(
        (c.cell.line, c.cell.line_col, c.cell.raw.as_str()),
        (6, 11, "14,317")
    );
    assert_eq!(c.cell.table_id, t.block.block_id);
    assert!(cell(t, 0, 2).cell.is_header);
}

#[test]
fn tab_rows_need_two_fields() {
    let b = seg("\t一つだけ\n\n柱\t\n\t内容\t主体\nA) 学び\t\n\t場をつくる\t市民");
    assert_eq!(kinds(&b), vec!["paragraph", "table"]);
    assert_eq!(b[0].block.text, "一つだけ");
    let t = &b[1];
    assert_eq!(cell(t, 3, 1).cell.row_label, "A) 学び");
    assert_eq!(
        cell(t, 1, 1).cell.row_label,
        "",
        "no carry from a header row"
    );
}

#[test]
fn tab_table_drops_leading_empty_column() {
    let b = seg("\t区分\t人数\n\tA\t10人\n\t\t20人\n\tB\t30人");
    let t = &b[0];
    assert_eq!(t.block.kind, BlockKind::Table);
    let c = cell(t, 1, 1);
    assert_eq!(
        (
            c.cell.text.as_str(),
            c.cell.header.as_str(),
            c.cell.row_label.as_str()
        ),
        ("10人", "人数", "A")
    );
    assert_eq!(cell(t, 2, 1).cell.row_label, "A");
    assert_eq!(c.cell.line_col, 3);
    assert_eq!(t.block.text, "区分\t人数\nA\t10人\n\t20人\nB\t30人");
}

#[test]
fn header_row_without_label_column() {
    let b = seg(
        "R 4\tR 5\tR 6\t備考\n242人\t747人\t1,502人\tR7時点：割合は\n4.2%\t13.2%\t27.9%\t63.3%",
    );
    let t = &b[0];
    let c = cell(t, 1, 2);
    assert_eq!(
        (c.cell.header.as_str(), c.cell.row_label.as_str()),
        ("R 6", "")
    );
    assert!(c.label_parts.is_empty());
    assert_eq!(cell(t, 2, 0).cell.value, Some(4.2));
    assert!(cell(t, 0, 3).cell.is_header);
}

#[test]
fn html_in_cells() {
    let b = seg("人材\t<ul style=\"list-style-type: none\"> <li>教育の提供</li><li>定着</li></ul>\n育成\t確保");
    let c = cell(&b[0], 0, 1);
    assert_eq!(c.cell.text, "教育の提供 定着");
    assert_eq!(c.cell.line_col, 42);
    assert_eq!(c.cell.raw, "教育の提供</li><li>定着");
}

#[test]
fn markdown_pipe_table() {
    let b = seg("## 指標\n\n| 指標 | 現状値 | 目標値 |\n|------|:---:|---|\n| 人口 | 636人 | 700人 |\n| 職員 | 57人 | 60人 |\n\n本文");
    assert_eq!(kinds(&b), vec!["heading", "table", "paragraph"]);
    let t = &b[1];
    assert_eq!(
        (t.block.line, t.block.line_end, t.block.parent_id),
        (3, 6, Some(1))
    );
    assert!(cell(t, 0, 1).cell.is_header);
    let c = cell(t, 2, 2);
    assert_eq!(
        (c.cell.header.as_str(), c.cell.row_label.as_str()),
        ("目標値", "職員")
    );
    assert_eq!((c.cell.line, c.cell.value), (6, Some(60.0)));
    assert_eq!(t.cells.len(), 9);
}

#[test]
fn pipe_header_rows_come_from_the_separator() {
    let b = seg("| 区分 | 2019 |\n| 上 | 下 |\n|---|---|\n| 人口 | 636人 |");
    let t = &b[0];
    assert!(cell(t, 1, 1).cell.is_header);
    assert_eq!(cell(t, 2, 1).cell.header, "2019 / 下");
}

#[test]
fn space_aligned_table() {
    let b = seg("（単位 千円）\n   区分     本年度     前年度\n   給料   205,020   190,000\n   手当   657,930   600,000\n\n二つの  空白だけの行");
    assert_eq!(kinds(&b), vec!["paragraph", "table", "paragraph"]);
    let t = &b[1];
    let c = cell(t, 2, 1);
    assert_eq!(
        (
            c.cell.header.as_str(),
            c.cell.row_label.as_str(),
            c.cell.value
        ),
        ("本年度", "手当", Some(657930.0))
    );
}

/// A layout line: each text starting at its display column (wide chars
/// take two), as layout-preserving PDF text prints it.
fn place(items: &[(usize, &str)]) -> String {
    let mut out = String::new();
    let mut x = 0;
    for (col, text) in items {
        while x < *col {
            out.push(' ');
            x += 1;
        }
        out.push_str(text);
        x += text
            .chars()
            .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
            .sum::<usize>();
    }
    out
}

/// A table of counts and shares in three groups and a small table beside
/// it, laid out as PDF text: group names drifting right, a row-label header
/// on a line of its own, the sub-header glued (`件数構成比件数構成比…`), a
/// group label written down the margin between rows, the first count glued
/// to a long label, and a second block for another date.
fn layout_table() -> String {
    let row =
        |label: &str, glued: bool, pairs: &[(&str, &str)], side: Option<(&str, &str, &str)>| {
            let mut items: Vec<(usize, String)> = vec![];
            let ends = [(28, 34), (42, 48), (56, 62)];
            for (k, ((c, s), (ce, se))) in pairs.iter().zip(ends).enumerate() {
                if k == 0 && glued {
                    items.push((12, format!("{label} {c} {s}")));
                    continue;
                }
                if k == 0 {
                    items.push((12, label.to_string()));
                }
                if !c.is_empty() {
                    items.push((ce - c.len(), c.to_string()));
                    items.push((se - s.len(), s.to_string()));
                }
            }
            if let Some((l, c, s)) = side {
                items.push((66, l.to_string()));
                if !c.is_empty() {
                    items.push((80 - c.len(), c.to_string()));
                    items.push((86 - s.len(), s.to_string()));
                }
            }
            let refs: Vec<(usize, &str)> = items.iter().map(|(c, t)| (*c, t.as_str())).collect();
            place(&refs)
        };
    let mut out = vec![
        place(&[(4, "イ　地区別相談件数"), (72, "(単位 件、%)")]),
        place(&[(22, "窓口"), (37, "電話"), (52, "訪問"), (70, "出張 (注)")]),
        place(&[(12, "相談"), (66, "相談")]),
        place(&[(3, "区 分")]),
        place(&[(12, "地区"), (66, "地区")]),
        place(&[(23, "件数構成比件数構成比件数構成比"), (76, "件数構成比")]),
    ];
    for (date, day) in [("令和６年", "４月１日"), ("令和５年", "４月１日")] {
        out.push(row(
            "第１地区",
            false,
            &[("40", "10.0"), ("9", "18.0"), ("12", "20.0")],
            Some(("第１地区", "", "")),
        ));
        out.push(row(
            "第２地区",
            false,
            &[("80", "20.0"), ("11", "22.0"), ("13", "21.7")],
            Some(("第２地区", "30", "60.0")),
        ));
        out.push(row(
            "第３地区",
            false,
            &[("60", "15.0"), ("30", "60.0"), ("35", "58.3")],
            Some(("第３地区", "20", "40.0")),
        ));
        out.push(place(&[(2, date)]));
        out.push(row(
            "第４地区",
            true,
            &[("120", "30.0"), ("", ""), ("", "")],
            None,
        ));
        out.push(place(&[(2, day)]));
        out.push(row(
            "第５地区",
            true,
            &[("100", "25.0"), ("", ""), ("", "")],
            None,
        ));
        out.push(place(&[(2, "現"), (8, "在")]));
        out.push(row(
            "計",
            false,
            &[("400", "100.0"), ("50", "100.0"), ("60", "100.0")],
            Some(("計", "50", "100.0")),
        ));
    }
    out.push(place(&[(60, "(注) 出張相談を含む")]));
    out.join("\n")
}

#[test]
fn multi_level_aligned_table() {
    let b = seg(&layout_table());
    assert_eq!(kinds(&b), vec!["paragraph", "table", "table", "paragraph"]);
    let (first, second) = (&b[1], &b[2]);
    assert_eq!((first.block.line, first.block.line_end), (2, 15));
    assert_eq!((second.block.line, second.block.line_end), (16, 24));
    let at = |t: &SegBlock, line: u32, text: &str| -> SegCell {
        t.cells
            .iter()
            .find(|c| c.cell.line == line && c.cell.text == text)
            .cloned()
            .unwrap_or_else(|| panic!("no {text:?} on line {line}"))
    };
    // The glued first count and share of a long label, in their columns.
    let c = at(first, 11, "120");
    assert_eq!(c.cell.header, "窓口 / 件数");
    assert_eq!(*c.label_parts, ["令和６年４月１日現在", "第４地区"]);
    let s = at(first, 11, "30.0");
    assert_eq!(s.cell.header, "窓口 / 構成比");
    assert_eq!(s.cell.value, Some(30.0));
    assert_eq!(at(first, 8, "22.0").cell.header, "電話 / 構成比");
    assert_eq!(at(first, 15, "60").cell.header, "訪問 / 件数");
    // The table beside it: its own header, the same rows.
    let side = at(first, 8, "60.0");
    assert_eq!(side.cell.header, "出張 (注) / 構成比");
    assert_eq!(*side.label_parts, ["令和６年４月１日現在", "第２地区"]);
    assert_eq!(at(first, 8, "第２地区").cell.value, None);
    // Row-label headers over their columns, the group label as one cell.
    assert_eq!(at(first, 3, "相談地区").cell.col, 1);
    assert_eq!(at(first, 10, "令和６年４月１日現在").cell.col, 0);
    assert_eq!(at(first, 4, "区 分").cell.col, 0);
    // The second block: same columns, its own group label, no header cells.
    let c = at(second, 20, "120");
    assert_eq!(c.cell.header, "窓口 / 件数");
    assert_eq!(*c.label_parts, ["令和５年４月１日現在", "第４地区"]);
    assert!(second.cells.iter().all(|c| !c.cell.is_header));
    assert_eq!(find(&b, "(注) 出張相談を含む").kind, BlockKind::Paragraph);
}

#[test]
fn rows_under_their_labels_are_not_a_multi_level_table() {
    // Each row's label stands on the line above its figures: no label
    // column, so the label lines are not a group label.
    let text = [
        place(&[(12, "区分"), (24, "件数"), (36, "金額"), (50, "計")]),
        place(&[(4, "本年度")]),
        place(&[(24, "12"), (33, "1,200"), (47, "1,212")]),
        place(&[(4, "前年度")]),
        place(&[(24, "10"), (33, "1,000"), (47, "1,010")]),
        place(&[(4, "比較")]),
        place(&[(24, "2"), (35, "200"), (49, "202")]),
    ]
    .join("\n");
    let b = seg(&text);
    assert!(!kinds(&b).contains(&"table"), "{:?}", kinds(&b));
}

#[test]
fn delimited_file_is_one_table() {
    let lines = doc(
        "款,項,説明,R6\n\"1 市税\",,\"調定見込額\n402,000×98.9％\",\"1,000\"\n,\"1 市民税\",,600\n",
    );
    let b = segment_delimited("d", &lines, b',');
    assert_coverage(&lines, &b);
    assert_eq!(b.len(), 1);
    let t = &b[0];
    assert_eq!(
        (t.block.kind, t.block.line, t.block.line_end),
        (BlockKind::Table, 1, 4)
    );
    let multi = cell(t, 1, 2);
    assert_eq!(multi.cell.text, "調定見込額\n402,000×98.9％");
    assert_eq!((multi.cell.line, multi.cell.line_col), (2, 9));
    let v = cell(t, 1, 3);
    assert_eq!(
        (v.cell.line, v.cell.value, v.cell.header.as_str()),
        (3, Some(1000.0), "R6")
    );
    let c = cell(t, 2, 3);
    assert_eq!(*c.label_parts, ["1 市税", "1 市民税"]);
    assert!(segment_delimited("d", &doc("\n \n"), b',').is_empty());
    let tsv = segment_delimited("d", &doc("a\tb\n1\t2"), b'\t');
    assert_eq!(cell(&tsv[0], 1, 1).cell.header, "b");
}

#[test]
fn empty_and_odd_input() {
    assert!(segment_text("d", &[]).is_empty());
    assert!(seg("\n \t\n\u{3000}").is_empty());
    seg("【\n】\n<\n|\n(\n第\n#\n- \n・\n\t\n:\n：値\n\"\n▲\n①\n\u{feff}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn any_text_is_covered(s in "([ \t\u{3000}a-z0-9|:：#\\-・○①【】<>()（）。、\"]{0,12}\n){0,12}") {
        seg(&s);
        let lines = doc(&s);
        let b = segment_delimited("d", &lines, b',');
        assert_coverage(&lines, &b);
    }
}

fn seed_path(prefix: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    std::fs::read_dir(&dir)
        .ok()
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .unwrap_or_else(|| panic!("no seed {prefix}"))
}

fn read_lossy(p: &Path) -> String {
    let bytes = std::fs::read(p).unwrap_or_default();
    String::from_utf8_lossy(&bytes)
        .trim_start_matches('\u{feff}')
        .to_string()
}

fn seed(prefix: &str) -> (Vec<NormLine>, Vec<SegBlock>) {
    let lines = normalize_text(&read_lossy(&seed_path(prefix)));
    let blocks = segment_text("seed", &lines);
    assert_coverage(&lines, &blocks);
    (lines, blocks)
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn seeds_are_covered() {
    for p in ["000", "001", "002", "003", "004"] {
        seed(p);
    }
}

#[test]
fn seed_002_kpi_table() {
    let (_, b) = seed("002");
    let kpi = b
        .iter()
        .find(|x| x.block.kind == BlockKind::Table && x.block.line <= 5 && 5 <= x.block.line_end)
        .expect("KPI table");
    let headers: Vec<String> = kpi.cells.iter().map(|c| squash(&c.cell.header)).collect();
    assert!(
        headers.contains(&"取組期間累計/目標値".to_string()),
        "{headers:?}"
    );
    assert!(headers.contains(&"令和2年度/進捗率".to_string()));
    let row8 = kpi
        .cells
        .iter()
        .find(|c| c.cell.line == 8 && c.cell.value.is_some())
        .expect("line 8");
    assert!(row8
        .cell
        .row_label
        .starts_with("1 安定した就職に向けた取組"));
    assert_eq!(row8.label_parts.len(), 2);
    assert!(row8.label_parts[1].starts_with("ジョブカフェ利用者"));
}

#[test]
fn seed_004_tables_read_r4_to_r7() {
    let (_, b) = seed("004");
    let tables: Vec<&SegBlock> = b
        .iter()
        .filter(|x| x.block.kind == BlockKind::Table)
        .collect();
    assert_eq!(tables.len(), 6);
    for t in &tables {
        let head: Vec<String> = t
            .cells
            .iter()
            .filter(|c| c.cell.row == 0)
            .map(|c| squash(&c.cell.text))
            .collect();
        assert_eq!(
            head.get(..4),
            Some(&["R4", "R5", "R6", "R7"].map(String::from)[..]),
            "{head:?}"
        );
    }
    // The first table has numbers from column 0 on: no row-label column.
    let first = tables[0];
    assert!(first
        .cells
        .iter()
        .filter(|c| !c.cell.is_header)
        .all(|c| c.cell.row_label.is_empty()));
    let kv = b
        .iter()
        .find(|x| x.block.key.as_deref() == Some("事業費"))
        .expect("事業費");
    assert!(kv.content.text.ends_with("28,000千円"));
}

#[test]
fn seed_001_roster_carries_labels() {
    let (_, b) = seed("001");
    let t = b
        .iter()
        .find(|x| x.block.kind == BlockKind::Table && x.block.line == 178)
        .expect("roster");
    let c = t
        .cells
        .iter()
        .find(|c| c.cell.line == 182 && c.cell.col == 1)
        .expect("line 182");
    assert_eq!(c.cell.row_label, "委員");
}

/// Every corpus file (when the shared corpus is present) is covered; the
/// large CSVs also show the delimited parser keeps up.
#[test]
fn corpus_is_covered() {
    let root = Path::new("/work/shared/corpus");
    let mut files = vec![];
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    for p in files {
        let lines = normalize_text(&read_lossy(&p));
        let ext = p
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let start = std::time::Instant::now();
        let blocks = match ext.as_str() {
            "csv" => segment_delimited("c", &lines, b','),
            "tsv" => segment_delimited("c", &lines, b'\t'),
            _ => segment_text("c", &lines),
        };
        assert_coverage(&lines, &blocks);
        let unparsed: usize = blocks
            .iter()
            .filter(|b| b.block.kind == BlockKind::Unparsed)
            .map(|b| (b.block.line_end - b.block.line + 1) as usize)
            .sum();
        let cells: usize = blocks.iter().map(|b| b.cells.len()).sum();
        eprintln!(
            "{:>60} lines {:>6} blocks {:>5} tables {:>3} cells {:>8} unparsed lines {:>4} {:?}",
            p.file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default(),
            lines.len(),
            blocks.len(),
            blocks
                .iter()
                .filter(|b| b.block.kind == BlockKind::Table)
                .count(),
            cells,
            unparsed,
            start.elapsed()
        );
    }
}
