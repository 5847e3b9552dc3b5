"""Accuracy of nianbao.regions on real agency names beyond the corpus.

Each case is an agency as a report names it, the facts its opening gives (an address, a telephone
number, a 邮编, the places it names — the contact lines, not the report text) and where the body
is, looked up by hand: (province, prefecture, county, township).  The names come from published
政府信息公开工作年度报告 of 2021–2023 (township, county and city governments and departments) and
from well-known governments chosen for the hard cases (names shared by several divisions, renamed
divisions, cities without counties, counties under a province).

    python benchmarks/regions.py          # prints each miss and the accuracy
"""

from __future__ import annotations

import sys

from nianbao.regions import resolve

# (agency, facts from the report's opening, expected (province, city, county, township))
CASES: list[tuple[str, str, tuple[str | None, ...]]] = [
    # From published reports
    ("杭州市滨江区人民政府长河街道办事处", "联系电话：0571-86624908；地址：杭州市滨江区长河街道长江北路18号；邮编：310051",
     ("浙江省", "杭州市", "滨江区", "长河街道")),
    ("官渡区人民政府太和街道办事处", "地址：官渡区和平新村15号，邮编：650000，联系电话：0871—63132651",
     ("云南省", "昆明市", "官渡区", "太和街道")),
    ("平城区促进外来投资局", "地址：平城区迎宾街426号，电话：0352-5209182，邮编：037008", ("山西省", "大同市", "平城区", None)),
    ("清远市清新区人民政府办公室", "地址：清新区府前路3号，邮编：511800，电话：0763—5826518", ("广东省", "清远市", "清新区", None)),
    ("北戴河区人民政府办公室", "", ("河北省", "秦皇岛市", "北戴河区", None)),
    ("重庆市九龙坡区二郎街道办事处", "", ("重庆市", "重庆市", "九龙坡区", "二郎街道")),
    ("肃南裕固族自治县人民政府", "请联系肃南县政务公开办，电话：0936-6125260", ("甘肃省", "张掖市", "肃南裕固族自治县", None)),
    ("五常市民意乡人民政府", "地址：五常市民意乡人民政府，邮编：150207，电话：0451-55843017", ("黑龙江省", "哈尔滨市", "五常市", "民意乡")),
    ("五常市背荫河镇", "地址：五常市背荫河镇背荫河大街，邮编：150227，电话：0451-55851927", ("黑龙江省", "哈尔滨市", "五常市", "背荫河镇")),
    ("舟曲县八楞乡人民政府", "", ("甘肃省", "甘南藏族自治州", "舟曲县", "八楞乡")),
    ("桃江县松木塘镇人民政府", "", ("湖南省", "益阳市", "桃江县", "松木塘镇")),
    ("马头铺镇人民政府", "地址：新乐市新藁路与662乡道交叉口西北80米", ("河北省", "石家庄市", "新乐市", "马头铺镇")),
    ("县乡村振兴局", "2021年县乡村振兴局以青川县门户网站为主要公开平台", ("四川省", "广元市", "青川县", None)),
    ("广州市生态环境局", "", ("广东省", "广州市", None, None)),
    ("咸宁市生态环境局", "", ("湖北省", "咸宁市", None, None)),
    ("深圳市生态环境局", "", ("广东省", "深圳市", None, None)),
    ("北京市生态环境局", "", ("北京市", "北京市", None, None)),
    ("镇江市生态环境局", "", ("江苏省", "镇江市", None, None)),
    ("上海市人民政府", "本年度报告电子版可从上海市人民政府网站下载", ("上海市", "上海市", None, None)),
    ("平潭综合实验区管理委员会", "", ("福建省", "福州市", "平潭县", None)),
    # Governments chosen for the hard cases
    ("南京市鼓楼区人民政府", "", ("江苏省", "南京市", "鼓楼区", None)),
    ("鼓楼区人民政府", "地址：福州市鼓楼区；电话：0591-87000000", ("福建省", "福州市", "鼓楼区", None)),
    ("朝阳区人民政府", "地址：北京市朝阳区日坛北路33号", ("北京市", "北京市", "朝阳区", None)),
    ("朝阳区人民政府", "电话：0431-85000000", ("吉林省", "长春市", "朝阳区", None)),
    ("浦东新区人民政府", "", ("上海市", "上海市", "浦东新区", None)),
    ("深圳市南山区人民政府", "", ("广东省", "深圳市", "南山区", None)),
    ("成都市武侯区人民政府", "", ("四川省", "成都市", "武侯区", None)),
    ("西安市雁塔区人民政府", "", ("陕西省", "西安市", "雁塔区", None)),
    ("海淀区人民政府", "", ("北京市", "北京市", "海淀区", None)),
    ("广西壮族自治区人民政府办公厅", "", ("广西壮族自治区", None, None, None)),
    ("内蒙古自治区人民政府", "", ("内蒙古自治区", None, None, None)),
    ("新疆维吾尔自治区教育厅", "", ("新疆维吾尔自治区", None, None, None)),
    ("延边朝鲜族自治州人民政府", "", ("吉林省", "延边朝鲜族自治州", None, None)),
    ("恩施土家族苗族自治州人民政府", "", ("湖北省", "恩施土家族苗族自治州", None, None)),
    ("儋州市人民政府", "", ("海南省", "儋州市", None, None)),
    ("仙桃市人民政府", "", ("湖北省", None, "仙桃市", None)),
    ("济源市人民政府", "", ("河南省", None, "济源市", None)),
    ("襄樊市人民政府", "", ("湖北省", "襄阳市", None, None)),
    ("杭州市江干区人民政府", "", ("浙江省", "杭州市", "上城区", None)),
    ("沭阳县发展和改革局", "", ("江苏省", "宿迁市", "沭阳县", None)),
    ("昆山市人民政府", "", ("江苏省", "苏州市", "昆山市", None)),
    ("义乌市市场监督管理局", "", ("浙江省", "金华市", "义乌市", None)),
]


def measure() -> tuple[int, list[str]]:
    misses = []
    for agency, facts, expected in CASES:
        r = resolve(agency, facts)
        got = (r.province, r.city, r.county, r.township)
        if got != expected:
            misses.append(f"{agency} | {facts[:30]} → {got}（应为 expected {expected}）")
    return len(CASES) - len(misses), misses


if __name__ == "__main__":
    right, misses = measure()
    for miss in misses:
        print(miss)
    print(f"{right}/{len(CASES)} = {right / len(CASES):.1%}")
    sys.exit(0)
