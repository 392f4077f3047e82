//! Units a number is counted in, and the scale words between a number and
//! its unit (`28,000千円`).

/// A unit as printed, the base unit a value is given in, and the power of
/// ten from the printed unit to the base (`割` is ten percent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    pub word: &'static str,
    pub base: &'static str,
    pub exp: i32,
}

/// A unit whose base is itself.
const fn same(word: &'static str) -> Unit {
    Unit {
        word,
        base: word,
        exp: 0,
    }
}

const fn to(word: &'static str, base: &'static str, exp: i32) -> Unit {
    Unit { word, base, exp }
}

/// Units read as units in prose (longest match wins).
#[rustfmt::skip]
pub const UNITS: &[Unit] = &[
    same("円"), same("人日"), same("人回"), same("人"), same("名"), same("件"), same("回"), same("%"),
    to("割", "%", 1), to("パーセント", "%", 0), same("機関"), same("団体"), same("本"), same("校"),
    same("社"), same("市区町村"), same("市町村"), same("町村"), same("市町"), same("市"), same("町"),
    same("村"), same("か所"), same("カ所"), same("ヵ所"), same("ケ所"), same("ヶ所"), same("箇所"),
    same("戸"), same("世帯"), same("台"), same("日間"), same("日"), same("時間"), same("年間"),
    same("か月"), same("ヶ月"), same("カ月"), same("ヵ月"), same("ケ月"), same("箇月"), same("週間"),
    same("歳"), same("km"), same("㎞"), same("mm"), same("cm"), same("m"), same("㎡"), same("ha"),
    same("t"), same("kg"), same("㎏"), same("トン"), same("倍"), same("点"), same("ポイント"),
    same("pt"), same("組"), same("冊"), same("枚"), same("席"), same("室"), same("棟"), same("店舗"),
    same("店"), same("事業所"), same("事業者"), same("事業"), same("企業"), same("施設"), same("地区"),
    same("団地"), same("品目"), same("大学"), same("園"), same("病院"), same("人・日"), same("頭"),
    same("匹"), same("羽"), same("隻"), same("基"), same("種類"), same("分野"), same("路線"), same("便"),
    same("km²"), to("キロメートル", "km", 0), to("メートル", "m", 0), to("平方メートル", "㎡", 0),
    to("ヘクタール", "ha", 0), to("キログラム", "kg", 0), same("人泊"), same("泊"), same("戸数"),
    to("㏊", "ha", 0), same("t-CO2"), to("t-CO₂", "t-CO2", 0), same("kWh"), same("kW"),
    same("TEU"),
];

/// A unit followed by these chars spells another word (`本市` = "this
/// city", `日本`), so the number before it is not a count of that unit.
#[rustfmt::skip]
pub const UNIT_WORDS: &[&str] = &[
    "本市", "本町", "本村", "本県", "本部", "本庁", "本年", "本件", "本事", "日本", "人材", "人口", "名称", "社会", "町内", "市民",
    "市内", "市場", "校区",
];

/// Scale words between a number and its unit, longest first, with their
/// power of ten.
pub const SCALES: &[(&str, i32)] = &[
    ("千億", 11),
    ("百億", 10),
    ("十億", 9),
    ("千万", 7),
    ("百万", 6),
    ("十万", 5),
    ("兆", 12),
    ("億", 8),
    ("万", 4),
    ("萬", 4),
    ("千", 3),
];

/// Signs before a number: `△`/`▲` are minus in Japanese finance.
pub const SIGNS: &[(&str, i8)] = &[
    ("△", -1),
    ("▲", -1),
    ("-", -1),
    ("+", 1),
    ("マイナス", -1),
    ("プラス", 1),
];

/// Chars that start no unit of an unknown-unit cell (`5区画` has one):
/// with them a number is an ordinal, a date or time, or a particle follows.
pub const NOT_UNIT_START: &[char] = &[
    '年', '月', '日', '時', '分', '秒', '目', '番', '号', 'つ', '次', '期', '代', '条', '章', '節',
    '項', 'の', 'を', 'に', 'で', 'が', 'は', 'と', 'も', 'や', '、', '。',
];

/// The unit printed as `word`, if known.
pub fn unit(word: &str) -> Option<&'static Unit> {
    UNITS.iter().find(|u| u.word == word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unit_is_listed_once() {
        for (i, u) in UNITS.iter().enumerate() {
            assert!(
                UNITS.iter().skip(i + 1).all(|v| v.word != u.word),
                "{}",
                u.word
            );
        }
        assert_eq!(unit("割").map(|u| (u.base, u.exp)), Some(("%", 1)));
        assert_eq!(unit("人").map(|u| (u.base, u.exp)), Some(("人", 0)));
    }
}
