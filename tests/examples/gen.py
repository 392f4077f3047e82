#!/usr/bin/env python3
"""Writes numerals.tsv and dates.tsv: the reading examples that
tests/examples.rs runs. Hand-written corners first, then forms generated
from random values with a fixed seed (an independent writer: Python's
datetime and its own kanji writer, not planfacts' reader).

Run from the repository root: python3 tests/examples/gen.py
"""
import calendar, datetime, random

R = random.Random(15)
DIG = '〇一二三四五六七八九'
DAIJI = {1: '壱', 2: '弐', 3: '参'}
FW = str.maketrans('0123456789,.%', '０１２３４５６７８９，．％')

def small(n, ichi=False, daiji=False):
    """n < 10000 in composed kanji: 千五百 (一 omitted unless ichi)."""
    out = ''
    for e, u in ((3, '千'), (2, '百'), (1, '十')):
        d = n // 10 ** e % 10
        if d:
            if daiji and u == '十':
                u = '拾'
            if d > 1 or ichi or (daiji and e == 1):
                out += (DAIJI.get(d, DIG[d]) if daiji else DIG[d])
            out += u
    d = n % 10
    if d:
        out += DAIJI.get(d, DIG[d]) if daiji else DIG[d]
    return out

def composed(n, ichi=False, daiji=False):
    if n == 0:
        return '〇'
    out = ''
    for e, u in ((12, '兆'), (8, '億'), (4, '万')):
        g = n // 10 ** e % 10000
        if g:
            # 一 is written before 万/億/兆 (一万), optional before 千 (八億千万).
            out += (small(g, ichi, daiji) if g != 1 else (DAIJI[1] if daiji else '一')) + (('萬' if daiji else u) if u == '万' else u)
    g = n % 10000
    if g:
        out += small(g, ichi, daiji)
    return out

def positional(n):
    return ''.join(DIG[int(c)] for c in str(n))

def mixed(n):
    """Arabic groups with 万/億/兆: 12億3456万7890."""
    out = ''
    for e, u in ((12, '兆'), (8, '億'), (4, '万')):
        g = n // 10 ** e % 10000
        if g:
            out += str(g) + u
    g = n % 10000
    if g or not out:
        out += str(g)
    return out

def mixed_small(n):
    """Arabic digits with kanji units at every level: 3億2千405万1千."""
    out = ''
    for e, u in ((12, '兆'), (8, '億'), (4, '万'), (0, '')):
        g = n // 10 ** e % 10000
        if not g:
            continue
        th, rest = divmod(g, 1000)
        if th and rest:
            out += f'{th}千{rest}{u}'
        elif th:
            out += f'{th}千{u}'
        else:
            out += f'{rest}{u}'
    return out

def fmt(v):
    if float(v).is_integer():
        return str(int(v))
    return repr(float(v))

numerals = [
    '# input\tvalue (base units)\tunit\tqualifier ("-": none; value "none": not a quantity)',
    '# hand-written corners',
]
def N(text, value, unit='-', qual='-'):
    numerals.append(f'{text}\t{value}\t{unit}\t{qual}')

for row in [
    ('八億千万円', '810000000', '円'), ('千五百万', '15000000', '-'), ('千五百万人', '15000000', '人'),
    ('3億2千405万1千円', '324051000', '円'), ('12億3456万円', '1234560000', '円'),
    ('二〇二五', '2025', '-'), ('六一％', '61', '%'), ('二千〇五', '2005', '-'), ('三百〇八', '308', '-'),
    ('二八・四五％', '28.45', '%'), ('二十三・五キロメートル', '23.5', 'km'), ('〇・五％', '0.5', '%'),
    ('壱万弐千円', '12000', '円'), ('参拾人', '30', '人'), ('金壱萬円', 'none', '-'),
    ('弐拾参万円', '230000', '円'), ('三百二十億五千八百万円', '32058000000', '円'),
    ('１，２３４人', '1234', '人'), ('２，３６６人', '2366', '人'), ('１２億３４５６万円', '1234560000', '円'),
    ('28,000千円', '28000000', '円'), ('17百万円', '17000000', '円'), ('1万2600回', '12600', '回'),
    ('△1,234', '-1234', '-'), ('▲500千円', '-500000', '円'), ('マイナス五％', '-5', '%'),
    ('マイナス2.7%', '-2.7', '%'), ('十九市町村', '19', '市町村'), ('三千五百人', '3500', '人'),
    ('一万二千六百', '12600', '-'), ('二兆円', '2000000000000', '円'), ('1.5万人', '15000', '人'),
    ('3割5分', '35', '%'), ('二十', '20', '-'), ('十二', '12', '-'), ('百', 'none', '-'),
    ('一人', 'none', '-'), ('一部', 'none', '-'), ('四万十市', 'none', '-'), ('〇〇人', 'none', '-'),
    ('三・四年生', 'none', '-'), ('第1回', 'none', '-'), ('R5.3.14', 'none', '-'), ('十十', 'none', '-'),
    ('二三十', 'none', '-'), ('万億', 'none', '-'), ('－', 'none', '-'), ('…', 'none', '-'),
    ('一千万円', '10000000', '円'), ('千万円', 'none', '-'), ('百万円未満', 'none', '-'), ('一億円', '100000000', '円'),
    ('十億円', 'none', '-'), ('百万円', 'none', '-'), ('一億二千万円', '120000000', '円'), ('五%', '5', '%'),
    ('二〇〇〇人', '2000', '人'), ('九九・九％', '99.9', '%'), ('一〇〇％', '100', '%'),
]:
    N(*row)
for row in [
    ('約100人', '100', '人', '約'), ('およそ三千人', '3000', '人', 'およそ'), ('概ね5割', '50', '%', '概ね'),
    ('100人余', '100', '人', '余'), ('1万余人', '10000', '人', '余'), ('三千人余り', '3000', '人', '余り'),
    ('20件程度', '20', '件', '程度'), ('50%以上', '50', '%', '以上'), ('10人未満', '10', '人', '未満'),
    ('100億円超', '10000000000', '円', '超'), ('300人前後', '300', '人', '前後'),
    ('約１２億円', '1200000000', '円', '約'), ('約100人以上', '100', '人', '約 以上'), ('3割強', '30', '%', '強'),
('100人以下', '100', '人', '以下'), ('約 3,000 人', '3000', '人', '約'),
]:
    N(*row)

numerals.append('# generated: random integers in each written form')
units = [('円', '円'), ('人', '人'), ('件', '件'), ('回', '回'), ('', '-')]
for _ in range(60):
    n = R.choice([R.randint(11, 99), R.randint(100, 9999), R.randint(10000, 10**8), R.randint(10**8, 10**13)])
    w, u = R.choice(units)
    # One kanji alone is a word, not a figure (`一人`, `十日町`).
    # ...and so is kanji without a digit (`百万円未満` is a unit).
    if len(composed(n)) < 2 or not any(c in '一二三四五六七八九' for c in composed(n)):
        n += 1
    N(composed(n) + w, n, u)
    N(composed(n, ichi=True) + w, n, u)
    N(mixed(n) + w, n, u)
    N(mixed_small(n) + w, n, u)
    if n < 10**6:
        N(positional(n) + w, n, u)
        N(f'{n:,}'.translate(FW) + w, n, u)
    if n < 10**8:
        N(composed(n, daiji=True) + w, n, u)
numerals.append('# generated: decimals with ・ and qualifiers')
for _ in range(30):
    i, f = R.randint(10, 99), R.randint(1, 99)
    frac = f'{f:02d}'.rstrip('0')
    N(positional(i) + '・' + positional(int(frac)).rjust(len(frac), '〇') + '％', f'{i}.{frac}', '%')
    n = R.randint(1, 9999)
    q = R.choice(['約', 'およそ', '概ね'])
    N(q + composed(n) + '人', n, '人', q)
    q = R.choice(['以上', '未満', '程度', '前後', '超', '余'])
    N(str(n) + '件' + q, n, '件', q)

dates = [
    '# input\tkind\tstart\tend\tdocument date ("-": none)\t[raw, when the mention is part of the input]; start "invalid": a problem is reported; kind "none": no date',
    '# hand-written corners',
]
def D(text, kind, start, end=None, doc='-', raw=None):
    dates.append(f'{text}\t{kind}\t{start}\t{end or start}\t{doc}' + (f'\t{raw}' if raw else ''))

for row in [
    ('令和7年秋', 'date_range', '2025-09-01', '2025-11-30'), ('令和7年春', 'date_range', '2025-03-01', '2025-05-31'),
    ('令和7年夏', 'date_range', '2025-06-01', '2025-08-31'), ('令和6年冬', 'date_range', '2024-12-01', '2025-02-28'),
    ('令和7年冬', 'date_range', '2025-12-01', '2026-02-28'), ('令和5年冬', 'date_range', '2023-12-01', '2024-02-29'),
    ('令和5年9月上旬', 'date_range', '2023-09-01', '2023-09-10'), ('令和5年9月中旬', 'date_range', '2023-09-11', '2023-09-20'),
    ('令和5年9月下旬', 'date_range', '2023-09-21', '2023-09-30'), ('令和6年2月下旬', 'date_range', '2024-02-21', '2024-02-29'),
    ('令和4年3月末日', 'date', '2022-03-31'), ('令和4年2月末', 'date', '2022-02-28'), ('令和12年度末', 'date', '2031-03-31'),
    ('2027年度末', 'date', '2028-03-31'), ('令和4年末', 'date', '2022-12-31'),
    ('令和３年度から令和７年度まで', 'fiscal_range', '2021-04-01', '2026-03-31'),
    ('令和３年度から７年度まで', 'fiscal_range', '2021-04-01', '2026-03-31'),
    ('2015年度から2019年度まで', 'fiscal_range', '2015-04-01', '2020-03-31'),
    ('2015年から2060年まで', 'date_range', '2015-01-01', '2060-12-31'),
    ('令和3年4月1日から同年9月30日まで', 'date_range', '2021-04-01', '2021-09-30'),
    ('令和4年7月21日～8月1日', 'date_range', '2022-07-21', '2022-08-01'),
    ('令和4年12月1日～1月15日', 'date_range', '2022-12-01', '2023-01-15'),
    ('令和4年7月21日～23日', 'date_range', '2022-07-21', '2022-07-23'),
    ('令和5年4月上旬～5月下旬', 'date_range', '2023-04-01', '2023-05-31'),
    ('R4～R7', 'fiscal_range', '2022-04-01', '2026-03-31'), ('H27～R6年度', 'fiscal_range', '2015-04-01', '2025-03-31'),
    ('平成19～20年度', 'fiscal_range', '2007-04-01', '2009-03-31'), ('令和4年度〜令和7年度', 'fiscal_range', '2022-04-01', '2026-03-31'),
    ('9月12日～10月3日', 'date_range', '2025-09-12', '2025-10-03', '2025-06-01'),
    ('本年三月二日から四月十日', 'date_range', '2023-03-02', '2023-04-10', '2023-01-10'),
    ('本年', 'year', '2023-01-01', '2023-12-31', '2023-05-01'), ('昨年', 'year', '2022-01-01', '2022-12-31', '2023-05-01'),
    ('来年', 'year', '2024-01-01', '2024-12-31', '2023-05-01'), ('今年度', 'fiscal_year', '2023-04-01', '2024-03-31', '2023-05-01'),
    ('今年度', 'fiscal_year', '2022-04-01', '2023-03-31', '2023-02-01'), ('前年度', 'fiscal_year', '2022-04-01', '2023-03-31', '2023-05-01'),
    ('翌年度', 'fiscal_year', '2024-04-01', '2025-03-31', '2023-05-01'), ('本年度末', 'date', '2024-03-31', None, '2023-05-01'),
    ('昨年10月', 'month', '2022-10-01', '2022-10-31', '2023-05-01'),
    ('㍼50年4月1日', 'date', '1975-04-01'), ('㍻元年', 'year', '1989-01-01', '1989-12-31'), ('㋿2年度', 'fiscal_year', '2020-04-01', '2021-03-31'),
    ('㍽10年', 'year', '1921-01-01', '1921-12-31'), ('㍾40年', 'year', '1907-01-01', '1907-12-31'),
    ('2 0 1 9 年', 'year', '2019-01-01', '2019-12-31'), ('2018 年 1 月 16 日', 'date', '2018-01-16'),
    ('西暦2019年', 'year', '2019-01-01', '2019-12-31'), ('西暦２０２５年４月', 'month', '2025-04-01', '2025-04-30'),
    ('令和4年7月21日(木)', 'date', '2022-07-21'), ('令和4年7月21日（木）', 'date', '2022-07-21'),
    ('令和4年7月21日木曜日', 'date', '2022-07-21'), ('令和4年7月21日(木曜日)', 'date', '2022-07-21'),
    ('令和元年', 'year', '2019-01-01', '2019-12-31'), ('令和元年度', 'fiscal_year', '2019-04-01', '2020-03-31'),
    ('平成元年', 'year', '1989-01-01', '1989-12-31'), ('平成31年4月30日', 'date', '2019-04-30'), ('令和元年5月1日', 'date', '2019-05-01'),
    ('R5.3.14', 'date', '2023-03-14'), ('H28.4.1', 'date', '2016-04-01'), ('R3.4月', 'month', '2021-04-01', '2021-04-30'),
    ('令和８．３', 'month', '2026-03-01', '2026-03-31'), ('二〇二一年', 'year', '2021-01-01', '2021-12-31'),
    ('令和四年七月二十一日', 'date', '2022-07-21'), ('2021(令和3)年度', 'fiscal_year', '2021-04-01', '2022-03-31'),
    ('2026-08-15', 'date', '2026-08-15'), ('2026/8/15', 'date', '2026-08-15'), ('2026-02-30', 'date', 'invalid'),
    ('2021-2025', 'none', '-'), ('39歳', 'none', '-'), ('H2O', 'none', '-'), ('15:00~17:00', 'none', '-'),
    ('前年度比', 'none', '-', None, '2023-05-01'), ('1990年代', 'none', '-'), ('10年後', 'none', '-'), ('元気な町', 'none', '-'),
    ('本年度', 'none', '-'), ('秋', 'none', '-'), ('上旬', 'none', '-'),
    ('日本年金機構', 'none', '-', None, '2023-05-01'), ('将来年度', 'none', '-', None, '2023-05-01'),
    ('令和4年秋田県', 'year', '2022-01-01', '2022-12-31', '-', '令和4年'),
    ('令和4年春日部市', 'year', '2022-01-01', '2022-12-31', '-', '令和4年'),
    ('なお本年度は', 'fiscal_year', '2023-04-01', '2024-03-31', '2023-05-01', '本年度'), ('2026/8/15/2', 'none', '-'), ('2026-08-15T10:00', 'none', '-'),
    ('令和4年2月30日', 'date', 'invalid'), ('令和0年', 'year', 'invalid'), ('2月30日', 'date', 'invalid'),
    ('令和4年13月', 'month', 'invalid'), ('令和5年2月29日', 'date', 'invalid'), ('令和4年13月上旬', 'date_range', 'invalid'),
    ('平成32年度', 'fiscal_year', 'invalid'), ('令和4年7月32日', 'date', 'invalid'),
]:
    D(*row)

ERAS = [('明治', 'M', '㍾', datetime.date(1868, 1, 25)), ('大正', 'T', '㍽', datetime.date(1912, 7, 30)),
        ('昭和', 'S', '㍼', datetime.date(1926, 12, 25)), ('平成', 'H', '㍻', datetime.date(1989, 1, 8)),
        ('令和', 'R', '㋿', datetime.date(2019, 5, 1))]
WD = '月火水木金土日'

def era_of(d):
    for name, letter, lig, first in reversed(ERAS):
        if d >= first:
            return name, letter, lig, d.year - first.year + 1
    return None

def kan(n):
    return composed(n)

def year_word(y):
    return '元' if y == 1 else str(y)

dates.append('# generated: random days in each notation')
for _ in range(70):
    d = datetime.date(1950, 1, 1) + datetime.timedelta(days=R.randint(0, 365 * 80))
    name, letter, lig, ey = era_of(d)
    iso = d.isoformat()
    w = WD[d.weekday()]
    D(f'{name}{year_word(ey)}年{d.month}月{d.day}日', 'date', iso)
    D(f'{name}{ey}年{d.month}月{d.day}日'.translate(FW), 'date', iso)
    D(f'{name}{"元" if ey == 1 else kan(ey)}年{kan(d.month)}月{kan(d.day)}日', 'date', iso)
    D(f'{lig}{ey}年{d.month}月{d.day}日（{w}）', 'date', iso)
    if letter in 'RH':
        D(f'{letter}{ey}.{d.month}.{d.day}', 'date', iso)
    D(f'{d.year}年{d.month}月{d.day}日({w})', 'date', iso)
    D(f'{d.year}年{d.month}月{d.day}日{w}曜日', 'date', iso)
    D(f'{positional(d.year)}年{kan(d.month)}月{kan(d.day)}日', 'date', iso)

dates.append('# generated: fiscal years, months, seasons, parts of months, ranges')
for _ in range(40):
    y = R.randint(1990, 2040)
    d = datetime.date(y, 4, 1)
    name, letter, lig, ey = era_of(d)
    fy = (f'{y}-04-01', f'{y + 1}-03-31')
    D(f'{name}{year_word(ey)}年度', 'fiscal_year', *fy)
    D(f'{letter}{ey}年度', 'fiscal_year', *fy)
    D(f'{y}年度', 'fiscal_year', *fy)
    D(f'{y}（{name}{year_word(ey)}）年度', 'fiscal_year', *fy)
    D(f'{name}{year_word(ey)}年度末', 'date', f'{y + 1}-03-31')
    m = R.randint(1, 12)
    md = datetime.date(y, m, 1)
    me = calendar.monthrange(y, m)[1]
    ename, _, _, mey = era_of(md)
    D(f'{ename}{year_word(mey)}年{m}月', 'month', md.isoformat(), f'{y}-{m:02d}-{me:02d}')
    D(f'{ename}{year_word(mey)}年{m}月末日', 'date', f'{y}-{m:02d}-{me:02d}')
    part, (a, b) = R.choice([('上旬', (1, 10)), ('中旬', (11, 20)), ('下旬', (21, me))])
    D(f'{ename}{year_word(mey)}年{m}月{part}', 'date_range', f'{y}-{m:02d}-{a:02d}', f'{y}-{m:02d}-{b:02d}')
    s, (f, l) = R.choice([('春', (3, 5)), ('夏', (6, 8)), ('秋', (9, 11))])
    D(f'{y}年{s}', 'date_range', f'{y}-{f:02d}-01', f'{y}-{l:02d}-{calendar.monthrange(y, l)[1]:02d}')
    z = y + R.randint(1, 9)
    zname, _, _, zey = era_of(datetime.date(z, 4, 1))
    span = (f'{y}-04-01', f'{z + 1}-03-31')
    D(f'{name}{year_word(ey)}年度～{zname}{year_word(zey)}年度', 'fiscal_range', *span)
    D(f'{name}{year_word(ey)}年度から{zname}{year_word(zey)}年度まで', 'fiscal_range', *span)
    D(f'{y}年度〜{z}年度', 'fiscal_range', *span)

open('tests/examples/numerals.tsv', 'w').write('\n'.join(numerals) + '\n')
open('tests/examples/dates.tsv', 'w').write('\n'.join(dates) + '\n')
print(sum(1 for l in numerals if not l.startswith('#')), 'numerals,',
      sum(1 for l in dates if not l.startswith('#')), 'dates')
