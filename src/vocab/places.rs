//! Names of places as section labels: the suffixes that end a
//! municipality's or prefecture's name, and words with those endings that
//! name no place.

/// Last chars of a prefecture's or municipality's name (`北山市`, `東町`).
pub const SUFFIXES: &[char] = &['都', '道', '府', '県', '市', '区', '町', '村'];

/// Words ending like a place name that name none (`■都市`, `◆市町村`).
pub const NOT_PLACES: &[&str] = &[
    "都市",
    "市町村",
    "市区町村",
    "区市町村",
    "町村",
    "市町",
    "区市",
    "都道府県",
    "道府県",
    "県市",
    "各市",
    "各町",
    "各村",
    "全市",
    "全県",
    "本市",
    "本町",
    "本村",
    "本県",
    "当市",
    "当町",
    "当村",
    "同市",
    "同町",
    "他県",
    "他市",
    "地区",
    "街区",
    "学区",
    "校区",
];

/// Longest place name read from a heading, in chars.
pub const MAX_NAME_CHARS: usize = 11;
