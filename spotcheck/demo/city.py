"""The demo city's data (演示城市): entities, directory entries, items, inspectors, rules texts.

Pure Python, no database: :mod:`spotcheck.demo` writes what this module generates, and
the benchmarks in ``bench/`` use the same generator for their million rows.

Everything is deterministic. Entity number ``i`` is the same for every run with the same seed
(each block of :data:`BLOCK` entities has its own ``random.Random``), so a city can grow from
20,000 to 1,000,000 entities by generating only the numbers it does not have yet. Codes are
valid: the 统一社会信用代码 (GB 32100) carries a 9-character organisation code with its GB 11714
check character, and its own check character from ``stdnum.cn.uscc``; ID numbers of inspectors
carry the GB 11643 check digit (``stdnum.cn.ric``). The city is Hangzhou (杭州市, GB/T 2260 3301).
"""
from __future__ import annotations

import random
from bisect import bisect
from datetime import date, timedelta
from itertools import accumulate
from typing import Iterator

from stdnum.cn import ric, uscc

from spotcheck.tenants.common.vocabulary.reference import ENTITY_STATUSES, ENTITY_TYPES

DEMO_SEED = 3301
BLOCK = 1024  # entities per random stream

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, Z, S, V
_USCC_VALUE = {c: n for n, c in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # GB 32100-2015
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714-1997
_ORG_VALUE = {c: (int(c) if c.isdigit() else ord(c) - 55) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


def org_code_check(body: str) -> str:
    """The check character of a GB 11714 organisation code body (8 digits or capital letters)."""
    check = 11 - sum(w * _ORG_VALUE[c] for w, c in zip(_ORG_WEIGHTS, body)) % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def credit_code(prefix: str, region: str, org_body: str) -> str:
    """A 统一社会信用代码: authority + type (2), region (6), organisation code (8 + check), check
    (the same computation as ``stdnum.cn.uscc.calc_check_digit``, which the tests hold it to)."""
    base = prefix + region + org_body + org_code_check(org_body)
    return base + _USCC_ALPHABET[(31 - sum(_USCC_VALUE[c] * w for c, w in zip(base, _USCC_WEIGHTS))) % 31]


def _base31(n: int, width: int) -> str:
    chars = []
    for _ in range(width):
        n, r = divmod(n, 31)
        chars.append(_USCC_ALPHABET[r])
    return "".join(reversed(chars))


def org_body(i: int, style: str) -> str:
    """The organisation code body of entity ``i``: distinct for every ``i`` (a bijection of ``i``),
    in the form of newer codes (``MA``/``MJ`` + 6) or of older all-digit codes."""
    if style == "digits":
        return f"{(i * 7_654_321 + 13_579_111) % 10**8:08d}"
    width = 8 - len(style)
    return style + _base31((i * 1_000_003 + 24_681_357) % 31**width, width)


# --- the city: districts, streets, roads ------------------------------------------------------

#: (GB/T 2260 code, name, short name, weight for businesses, weight for farm cooperatives, towns, roads)
DISTRICTS = [
    ("330102", "上城区", "上城", 10, 0, ("湖滨街道", "清波街道", "小营街道", "南星街道", "紫阳街道", "望江街道", "四季青街道",
                                     "笕桥街道", "九堡街道", "彭埠街道"),
     ("解放路", "延安路", "中山南路", "庆春路", "江城路", "秋涛路", "望江路", "钱江路")),
    ("330105", "拱墅区", "拱墅", 10, 0, ("米市巷街道", "湖墅街道", "小河街道", "和睦街道", "拱宸桥街道", "大关街道", "上塘街道",
                                     "祥符街道", "半山街道", "石桥街道"),
     ("莫干山路", "湖墅南路", "上塘路", "丽水路", "大关路", "登云路", "石桥路", "新天地街")),
    ("330106", "西湖区", "西湖", 11, 2, ("北山街道", "西溪街道", "灵隐街道", "翠苑街道", "文新街道", "古荡街道", "转塘街道",
                                     "留下街道", "蒋村街道", "三墩镇", "双浦镇"),
     ("文三路", "文二路", "天目山路", "古墩路", "教工路", "学院路", "紫荆花路", "留和路")),
    ("330108", "滨江区", "滨江", 8, 0, ("西兴街道", "长河街道", "浦沿街道"),
     ("江南大道", "网商路", "滨盛路", "江虹路", "长河路", "月明路", "滨安路", "东信大道")),
    ("330109", "萧山区", "萧山", 14, 6, ("城厢街道", "北干街道", "蜀山街道", "新塘街道", "闻堰街道", "宁围街道", "新街街道",
                                     "瓜沥镇", "义桥镇", "临浦镇", "党湾镇"),
     ("人民路", "市心中路", "金城路", "建设一路", "通惠路", "萧绍路", "山阴路", "育才路")),
    ("330110", "余杭区", "余杭", 12, 5, ("五常街道", "仓前街道", "余杭街道", "闲林街道", "中泰街道", "良渚街道", "瓶窑镇",
                                     "径山镇", "黄湖镇"),
     ("文一西路", "五常大道", "良睦路", "荆长大道", "舒心路", "良渚大道", "禹航路", "世纪大道")),
    ("330111", "富阳区", "富阳", 6, 8, ("富春街道", "春江街道", "东洲街道", "银湖街道", "新登镇", "场口镇", "万市镇"),
     ("桂花路", "金桥北路", "江滨西大道", "富春街", "迎宾北路", "公望街")),
    ("330112", "临安区", "临安", 5, 9, ("锦城街道", "锦北街道", "玲珑街道", "青山湖街道", "於潜镇", "太湖源镇", "昌化镇"),
     ("钱王大街", "衣锦街", "苕溪北路", "城中街", "万马路", "大园路")),
    ("330113", "临平区", "临平", 7, 3, ("临平街道", "东湖街道", "南苑街道", "乔司街道", "运河街道", "崇贤街道", "塘栖镇"),
     ("人民大道", "迎宾路", "汀城路", "星光街", "南苑街", "望梅路")),
    ("330114", "钱塘区", "钱塘", 6, 2, ("白杨街道", "下沙街道", "河庄街道", "义蓬街道", "临江街道", "前进街道"),
     ("学林街", "月雅路", "文泽路", "福城路", "幸福南路", "江东大道")),
    ("330122", "桐庐县", "桐庐", 4, 9, ("城南街道", "旧县街道", "桐君街道", "富春江镇", "横村镇", "分水镇"),
     ("迎春南路", "白云源路", "学圣路", "富春路", "梅林路")),
    ("330127", "淳安县", "淳安", 3, 12, ("千岛湖镇", "文昌镇", "石林镇", "汾口镇", "威坪镇", "姜家镇"),
     ("新安大街", "环湖北路", "梦姑路", "开元路", "排岭路")),
    ("330182", "建德市", "建德", 4, 10, ("新安江街道", "洋溪街道", "更楼街道", "寿昌镇", "乾潭镇", "梅城镇", "大同镇"),
     ("新安路", "严州大道", "江滨中路", "府前路", "白沙路")),
]
CITY_REGION = "330100"

# --- industries (GB/T 4754-2017 classes) -----------------------------------------------------

#: (class, words in an enterprise's name, words in a shop's name, weight among enterprises,
#: weight among individual businesses, kind used by the directories)
INDUSTRIES = [
    ("H6210", ("餐饮管理", "餐饮", "酒店管理"), ("饭店", "酒家", "菜馆", "餐厅", "土菜馆", "农家乐"), 30, 60, "food_service"),
    ("H6220", ("快餐", "餐饮连锁"), ("快餐店", "盒饭店", "汉堡店"), 8, 40, "food_service"),
    ("H6239", ("茶饮", "饮品"), ("奶茶店", "饮品店", "果汁店"), 5, 25, "food_service"),
    ("H6291", ("小吃", "食品"), ("小吃店", "面馆", "馄饨店", "包子铺", "片儿川面馆"), 3, 50, "food_service"),
    ("H6110", ("大酒店", "酒店"), (), 6, 0, "lodging"),
    ("H6121", ("酒店管理", "连锁酒店"), (), 5, 0, "lodging"),
    ("H6130", ("民宿", "乡村旅游"), ("民宿", "客栈"), 3, 10, "lodging"),
    ("F5211", ("百货", "商厦"), (), 4, 0, "food_retail"),
    ("F5212", ("超市", "商贸"), ("超市",), 10, 8, "food_retail"),
    ("F5213", ("便利店连锁", "便利"), ("便利店", "小卖部"), 10, 30, "food_retail"),
    ("F5222", ("食品", "烘焙"), ("面包房", "糕点店", "烘焙坊"), 4, 10, "food_retail"),
    ("F5223", ("农产品", "果蔬"), ("水果店", "蔬菜店", "果蔬店"), 4, 40, "food_retail"),
    ("F5224", ("水产", "肉类食品"), ("鲜肉店", "水产店", "禽蛋店"), 4, 35, "food_retail"),
    ("F5226", ("茶叶", "酒业"), ("茶叶店", "烟酒店", "茶庄"), 6, 30, "food_retail"),
    ("F5232", ("服饰", "服装"), ("服装店", "服饰店"), 12, 40, "retail"),
    ("F5251", ("大药房", "医药连锁"), ("药店",), 10, 5, "pharmacy"),
    ("F5261", ("汽车销售", "汽车"), (), 6, 0, "car_sales"),
    ("F5262", ("二手车", "旧机动车交易"), (), 3, 0, "car_sales"),
    ("F5265", ("石油", "能源"), (), 5, 0, "fuel_retail"),
    ("F5281", ("五金", "建材"), ("五金店", "建材店"), 5, 15, "retail"),
    ("F5292", ("电子商务", "网络科技", "电商"), ("网店",), 25, 30, "online"),
    ("F5121", ("粮油", "米业"), (), 8, 0, "wholesale"),
    ("F5123", ("农产品", "蔬菜"), (), 6, 0, "wholesale"),
    ("F5127", ("茶业", "酒业", "饮品"), (), 6, 0, "wholesale"),
    ("F5132", ("服装", "纺织品"), (), 10, 0, "wholesale"),
    ("F5162", ("石化", "石油化工", "能源"), (), 3, 0, "fuel_wholesale"),
    ("F5165", ("建材", "建筑材料"), (), 10, 0, "wholesale"),
    ("F5169", ("化工", "化学品"), (), 6, 0, "hazchem_trade"),
    ("F5174", ("五金", "机电"), (), 8, 0, "wholesale"),
    ("F5191", ("报废汽车回收", "报废机动车回收拆解"), (), 1, 0, "scrap_cars"),
    ("F5191", ("再生资源", "物资回收"), ("废品回收站",), 3, 5, "recycling"),
    ("C1431", ("食品", "米面制品"), ("米面加工坊",), 6, 5, "food_production"),
    ("C1432", ("速冻食品", "食品"), (), 3, 0, "food_production"),
    ("C1514", ("酒业", "黄酒"), (), 3, 0, "food_production"),
    ("C1530", ("茶业", "茶叶"), ("茶厂",), 5, 3, "food_production"),
    ("C1810", ("服饰", "服装"), ("制衣坊",), 18, 5, "manufacturing"),
    ("C1711", ("纺织", "纱业"), (), 8, 0, "manufacturing"),
    ("C2110", ("家具", "木业"), (), 8, 0, "manufacturing"),
    ("C2231", ("包装", "纸业"), (), 5, 0, "manufacturing"),
    ("C2319", ("印务", "印刷"), (), 6, 0, "manufacturing"),
    ("C2614", ("化工", "精细化工"), (), 4, 0, "chemicals"),
    ("C2641", ("涂料", "化工"), (), 3, 0, "chemicals"),
    ("C2669", ("化学", "新材料"), (), 3, 0, "chemicals"),
    ("C2710", ("药业", "生物医药"), (), 2, 0, "pharma"),
    ("C2720", ("制药", "药业"), (), 2, 0, "pharma"),
    ("C2927", ("塑料制品", "塑业"), (), 8, 0, "manufacturing"),
    ("C3021", ("建材", "水泥制品"), (), 4, 0, "manufacturing"),
    ("C3311", ("钢结构", "钢构"), (), 8, 0, "manufacturing"),
    ("C3360", ("金属表面处理", "热处理"), (), 5, 0, "manufacturing"),
    ("C3670", ("汽车零部件", "汽配"), (), 12, 0, "manufacturing"),
    ("C3982", ("电子", "电路"), (), 8, 0, "manufacturing"),
    ("B1011", ("矿业", "石料"), (), 2, 0, "mining"),
    ("B1012", ("石材", "矿业"), (), 2, 0, "mining"),
    ("B1019", ("砂石", "建材"), (), 2, 0, "mining"),
    ("G5431", ("物流", "运输"), (), 20, 0, "transport"),
    ("G5435", ("危险货物运输", "危险品运输"), (), 3, 0, "hazchem_logistics"),
    ("G5920", ("仓储", "供应链管理"), (), 6, 0, "transport"),
    ("G5930", ("冷链物流", "冷藏"), (), 3, 0, "cold_storage"),
    ("G5941", ("油气储运", "石油储运"), (), 1, 0, "hazchem_logistics"),
    ("G5942", ("化工仓储", "危险品仓储"), (), 2, 0, "hazchem_logistics"),
    ("E4710", ("建设", "建筑工程"), (), 10, 0, "construction"),
    ("E4790", ("建设工程",), (), 5, 0, "construction"),
    ("E4813", ("市政工程", "路桥工程"), (), 5, 0, "construction"),
    ("E4910", ("机电安装", "电力工程"), (), 6, 0, "construction"),
    ("E5011", ("装饰工程", "幕墙"), (), 8, 0, "construction"),
    ("E5012", ("装饰", "家居装饰"), (), 14, 0, "construction"),
    ("I6513", ("网络科技", "软件", "信息技术"), (), 60, 0, "online"),
    ("I6429", ("网络", "信息科技", "数字科技"), (), 25, 0, "online"),
    ("L7251", ("广告", "网络传媒"), (), 15, 0, "advertising"),
    ("L7259", ("文化传媒", "广告"), (), 15, 0, "advertising"),
    ("K7030", ("房地产经纪", "房产代理"), (), 15, 0, "general"),
    ("O8010", ("家政服务", "家政"), ("家政服务部",), 8, 5, "services"),
    ("O8040", ("洗涤", "洗衣"), ("洗衣店", "干洗店"), 3, 10, "services"),
    ("O8051", ("美容", "美发"), ("理发店", "美容美发店", "美甲店"), 8, 40, "services"),
    ("O8111", ("汽车服务", "汽车维修"), ("汽车修理厂", "汽车美容店"), 10, 20, "car_repair"),
]
_ENTERPRISE_INDUSTRIES = [row for row in INDUSTRIES if row[3]]
_ENTERPRISE_CUM = list(accumulate(row[3] for row in _ENTERPRISE_INDUSTRIES))
_SHOP_INDUSTRIES = [row for row in INDUSTRIES if row[4] and row[2]]
_SHOP_CUM = list(accumulate(row[4] for row in _SHOP_INDUSTRIES))

#: Farmers' cooperatives: (class, products)
COOPERATIVE_INDUSTRIES = [
    ("A0141", ("蔬菜", "果蔬", "高山蔬菜")), ("A0143", ("花卉苗木", "苗木")), ("A0151", ("杨梅", "水蜜桃", "水果")),
    ("A0164", ("茶叶", "龙井茶", "名茶")), ("A0412", ("水产养殖", "渔业")),
]
#: Social organisations: (class, USCC prefix, name patterns)
NGO_KINDS = [
    ("S9522", "51", ("杭州市{topic}行业协会", "杭州市{district}{topic}商会")),
    ("S9521", "51", ("杭州市{topic}学会",)),
    ("S9530", "53", ("杭州{brand}公益基金会",)),
    ("Q8521", "52", ("杭州市{district}{brand}社会工作服务中心",)),
    ("Q8514", "52", ("杭州市{district}{brand}养老服务中心",)),
    ("P8310", "52", ("杭州市{district}{brand}幼儿园",)),
]
NGO_TOPICS = ("餐饮", "物流", "电子商务", "建筑业", "家具", "美容美发", "茶叶", "软件", "汽车流通", "食品", "服装",
              "再生资源", "家政服务", "质量管理", "安全生产", "消费者权益")
INSTITUTION_KINDS = [
    ("Q8411", ("杭州市{district}第{nth}人民医院", "杭州市{district}中医院")),
    ("Q8421", ("杭州市{district}{town}社区卫生服务中心",)),
    ("P8321", ("杭州市{district}{town_short}小学",)),
    ("R8831", ("杭州市{district}图书馆",)),
]

BRAND_CHARS = ("华鑫盛通达恒瑞丰泰源宏兴昌博诚信德利佳美新润和安康明远锦顺祥永金宇天海江汇正卓越益中嘉禾晨星"
               "辰鼎绿森峰聚合众启致匠云智优品尚创展航腾飞龙凤祺福乐逸轩雅韵朗晟沁钱塘望湘浙南")
SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶余"
            "潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段钱汤尹黎易常武乔贺赖龚文楼俞应")
GIVEN_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁浩凯健俊峰建国志文海东晨阳林宇亮斌森瑞"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞燕玲婷雪慧颖琳倩洁晶莉红梅萍佳琪怡欣悦蕾薇岚婧瑶"
NTH = ("一", "二", "三")

_STATUS_CUM = list(accumulate((930, 35, 15, 20)))
_STATUSES = ("active", "deregistered", "revoked", "moved")
_TYPE_CUM = list(accumulate((520, 420, 20, 25, 15)))
_TYPES = ("enterprise", "individual", "cooperative", "ngo", "institution")
_DISTRICT_CUM = list(accumulate(d[3] for d in DISTRICTS))
_RURAL_CUM = list(accumulate(d[4] for d in DISTRICTS))


def _brand(rnd: random.Random) -> str:
    first = rnd.choice(BRAND_CHARS)
    second = rnd.choice(BRAND_CHARS)
    while second == first:
        second = rnd.choice(BRAND_CHARS)
    return first + second


def _pick(rnd: random.Random, items, cum):
    return items[bisect(cum, rnd.random() * cum[-1])]


def _address(rnd: random.Random, district, *, office: bool) -> tuple[str, str]:
    code, name, short, _w, _r, towns, roads = district
    town = rnd.choice(towns)
    address = f"浙江省杭州市{name}{town}{rnd.choice(roads)}{rnd.randint(1, 899)}号"
    if office and rnd.random() < 0.45:
        address += f"{rnd.randint(1, 12)}幢{rnd.randint(1, 22)}{rnd.randint(1, 20):02d}室"
    return town, address


def _entity(i: int, rnd: random.Random, today: date) -> dict:
    """Registry row ``i`` in the form ``clean_entity`` returns (plus ``_kind`` for the directories)."""
    entity_type = _pick(rnd, _TYPES, _TYPE_CUM)
    district = _pick(rnd, DISTRICTS, _RURAL_CUM if entity_type == "cooperative" else _DISTRICT_CUM)
    code_region = district[0]
    town, address = _address(rnd, district, office=entity_type in ("enterprise", "ngo"))
    town_short = town.removesuffix("街道").removesuffix("镇")
    brand = _brand(rnd)
    kind = "general"
    if entity_type == "enterprise":
        industry, words, _shops, _we, _wi, kind = _pick(rnd, _ENTERPRISE_INDUSTRIES, _ENTERPRISE_CUM)
        word = rnd.choice(words)
        form = rnd.random()
        if form < 0.45:
            name = f"杭州{brand}{word}有限公司"
        elif form < 0.65:
            name = f"杭州{district[2]}{brand}{word}有限公司"
        elif form < 0.75:
            name = f"杭州{brand}{word}有限责任公司"
        elif form < 0.85:
            name = f"浙江{brand}{word}有限公司"
        elif form < 0.88:
            name = f"浙江{brand}{word}股份有限公司"
        else:
            name = f"{brand}（杭州）{word}有限公司"
        prefix = "91"
        if rnd.random() < 0.15:
            code_region = CITY_REGION  # registered by the city bureau
        style = "MA2" if rnd.random() < 0.75 else "digits"
    elif entity_type == "individual":
        industry, _words, shops, _we, _wi, kind = _pick(rnd, _SHOP_INDUSTRIES, _SHOP_CUM)
        shop = rnd.choice(shops)
        form = rnd.random()
        if form < 0.55:
            name = f"杭州市{district[1]}{brand}{shop}"
        elif form < 0.8:
            name = f"杭州市{district[1]}{rnd.choice(SURNAMES)}记{shop}"
        else:
            name = f"杭州市{district[1]}{town_short}{brand}{shop}"
        prefix, style = "92", "MA2" if rnd.random() < 0.8 else "digits"
    elif entity_type == "cooperative":
        industry, products = rnd.choice(COOPERATIVE_INDUSTRIES)
        name = f"{district[1]}{town_short}{brand if rnd.random() < 0.5 else ''}{rnd.choice(products)}专业合作社"
        prefix, style, kind = "93", "MA2", "farming"
    elif entity_type == "ngo":
        industry, prefix, patterns = rnd.choice(NGO_KINDS)
        name = rnd.choice(patterns).format(topic=rnd.choice(NGO_TOPICS), district=district[1], brand=brand)
        code_region = CITY_REGION if rnd.random() < 0.5 else code_region
        style, kind = "MJ", "social"
    else:
        industry, patterns = rnd.choice(INSTITUTION_KINDS)
        name = rnd.choice(patterns).format(district=district[1], nth=rnd.choice(NTH), town=town, town_short=town_short)
        prefix, style, kind = "12", "digits", "hospital" if industry.startswith("Q84") else "public"
    code = credit_code(prefix, code_region, org_body(i, style))

    status = _pick(rnd, _STATUSES, _STATUS_CUM) if entity_type in ("enterprise", "individual", "cooperative") else "active"
    abnormal = rnd.random() < 0.03
    blacklisted = rnd.random() < 0.005
    roll = rnd.random()
    penalized_on = (today - timedelta(days=rnd.randint(1, 365)) if roll < 0.02
                    else today - timedelta(days=rnd.randint(366, 1500)) if roll < 0.035 else None)
    roll = rnd.random()
    complaints = rnd.randint(1, 3) if roll < 0.07 else rnd.randint(4, 15) if roll < 0.085 else 0
    roll = rnd.random()
    rating = None if roll < 0.15 else "A" if roll < 0.45 else "B" if roll < 0.9 else "C" if roll < 0.98 else "D"
    if blacklisted:
        rating = "D"
    elif abnormal and rating in (None, "A", "B"):
        rating = "C"
    return {
        "code": code, "name": name, "entity_type": entity_type, "industry_code": industry,
        "region_code": district[0], "address": address, "status": status, "abnormal": abnormal,
        "blacklisted": blacklisted, "penalized_on": penalized_on, "complaints": complaints, "credit_rating": rating,
        "_kind": kind,
    }


# --- directory entries of each department ---------------------------------------------------

_FOOD = ("food_service", "food_retail", "food_production")


_FLAGGED_RISK = (25, 45, 25, 5)  # flagged entities are classed higher


def _risk(rnd: random.Random, weights: tuple[int, int, int, int], flagged: bool) -> str:
    a, b, c, _d = _FLAGGED_RISK if flagged else weights
    roll = rnd.random() * 100
    return "A" if roll < a else "B" if roll < a + b else "C" if roll < a + b + c else "D"


def _tags(tags: list[str]) -> str:
    tags = sorted(set(tags))
    return ("," + ",".join(tags) + ",") if tags else ""


def _last_inspected(rnd: random.Random, today: date) -> date | None:
    return today - timedelta(days=rnd.randint(20, 3 * 365)) if rnd.random() < 0.35 else None


def directory_entries(row: dict, rnd: random.Random, today: date) -> dict[str, dict]:
    """The departments (by code) that supervise this entity, each with its own entry (category,
    risk A–D weighted to low risk, tags, last inspection) in the form ``clean_entry`` returns."""
    kind, industry, entity_type = row["_kind"], row["industry_code"], row["entity_type"]
    flagged = (row["abnormal"] or row["blacklisted"] or row["complaints"] > 3
               or (row["penalized_on"] is not None and (today - row["penalized_on"]).days <= 365))
    active = row["status"] == "active"
    entries: dict[str, dict] = {}

    # 市场监管局: every market entity (all statuses: the registry is its own), and hospitals (drugs, devices).
    if entity_type in ("enterprise", "individual", "cooperative") or kind == "hospital":
        category = {
            "food_service": "餐饮服务", "lodging": "住宿服务", "food_retail": "食品销售", "pharmacy": "药品经营",
            "fuel_retail": "加油站（计量）", "food_production": "食品生产", "pharma": "药品生产",
            "chemicals": "工业产品生产", "manufacturing": "工业产品生产", "online": "网络交易",
            "advertising": "广告经营", "farming": "农民专业合作社", "hospital": "医疗机构（药械使用）",
        }.get(kind, "一般市场主体")
        if industry.startswith("F5292"):
            category = "网络交易"
        weights = (6, 20, 44, 30) if kind in (*_FOOD, "pharmacy", "pharma", "fuel_retail", "hospital") else (3, 12, 35, 50)
        risk = _risk(rnd, weights, flagged)
        tags = []
        if kind in _FOOD and rnd.random() < 0.7:
            tags.append("食品安全")
        if kind in ("food_service", "food_retail") and rnd.random() < 0.05:
            tags.append("学校周边")
        if entity_type == "enterprise" and kind in ("food_retail", "pharmacy", "food_service") and rnd.random() < 0.12:
            tags.append("连锁经营")
        if kind == "online" or (kind in ("retail", "food_retail") and rnd.random() < 0.15):
            tags.append("网络经营")
        special = {"manufacturing": 0.3, "chemicals": 0.5, "transport": 0.25, "lodging": 0.5, "construction": 0.1,
                   "hospital": 0.8, "cold_storage": 0.5}.get(kind, 0)
        if rnd.random() < special:
            tags.append("特种设备")
        if kind in ("food_service", "food_retail") and rnd.random() < 0.003:
            tags.append("老字号")
        if risk == "A":
            tags.append("重点监管")
        entries["SCJ"] = {"category": category, "risk": risk, "tags": _tags(tags),
                          "last_inspected_on": _last_inspected(rnd, today)}

    # 应急管理局: mines, hazardous chemicals, industry and trade, construction (enterprises in business).
    if entity_type == "enterprise" and active:
        yjj = None
        tags = []
        if kind == "mining":
            yjj, weights = "非煤矿山", (15, 30, 35, 20)
            tags.append("露天矿山")
        elif kind == "chemicals":
            yjj, weights = "危险化学品生产", (15, 30, 35, 20)
            if rnd.random() < 0.2:
                tags.append("重大危险源")
            if rnd.random() < 0.3:
                tags.append("重点监管危险化工工艺")
        elif kind in ("hazchem_trade", "fuel_wholesale"):
            yjj, weights = "危险化学品经营", (10, 28, 40, 22)
        elif kind == "fuel_retail":
            yjj, weights = "危险化学品经营（加油站）", (8, 25, 42, 25)
        elif kind == "hazchem_logistics":
            yjj, weights = "危险化学品储存运输", (12, 30, 38, 20)
            if rnd.random() < 0.3:
                tags.append("重大危险源")
        elif kind == "cold_storage":
            yjj, weights = "工贸企业（冷库）", (8, 22, 40, 30)
            if rnd.random() < 0.4:
                tags.append("涉氨制冷")
        elif kind in ("manufacturing", "food_production", "pharma"):
            yjj, weights = "工贸企业", (5, 20, 40, 35)
            if industry in ("C2110", "C1431", "C3360", "C1711") and rnd.random() < 0.5:
                tags.append("粉尘涉爆")
            if industry in ("C2231", "C1514", "C1530", "C1432") and rnd.random() < 0.4:
                tags.append("有限空间作业")
            if industry.startswith(("C14", "C15")) and rnd.random() < 0.15:
                tags.append("涉氨制冷")
        elif kind == "construction":
            yjj, weights = "建筑施工", (6, 22, 42, 30)
            if rnd.random() < 0.5:
                tags.append("高处作业")
        if yjj:
            entries["YJJ"] = {"category": yjj, "risk": _risk(rnd, weights, flagged), "tags": _tags(tags),
                              "last_inspected_on": _last_inspected(rnd, today)}

    # 商务局: wholesale, retail, catering and household services; fuel, scrapped cars, recycling.
    if entity_type in ("enterprise", "individual") and active:
        swj = {"wholesale": "批发业", "hazchem_trade": "批发业", "fuel_wholesale": "成品油批发",
               "fuel_retail": "成品油零售", "scrap_cars": "报废机动车回收", "recycling": "再生资源回收",
               "car_sales": "汽车流通", "food_retail": "零售业", "retail": "零售业", "pharmacy": "零售业",
               "food_service": "住宿餐饮业", "lodging": "住宿餐饮业", "services": "居民服务业"}.get(kind)
        if industry == "F5292":
            swj = "零售业"
        if swj:
            tags = []
            if swj in ("零售业", "住宿餐饮业", "居民服务业") and rnd.random() < (0.3 if entity_type == "enterprise" else 0.1):
                tags.append("单用途预付卡")
            if entity_type == "enterprise" and industry in ("F5211", "F5212") and rnd.random() < 0.3:
                tags.append("大型商超")
            if entity_type == "enterprise" and swj in ("零售业", "住宿餐饮业") and rnd.random() < 0.1:
                tags.append("连锁经营")
            entries["SWJ"] = {"category": swj, "risk": _risk(rnd, (3, 12, 40, 45), flagged), "tags": _tags(tags),
                              "last_inspected_on": _last_inspected(rnd, today)}
    return entries


def city(start: int, stop: int, *, seed: int = DEMO_SEED, today: date) -> Iterator[tuple[dict, dict[str, dict]]]:
    """Entities ``start`` … ``stop - 1`` of the city with their directory entries per department."""
    block = start // BLOCK
    while block * BLOCK < stop:
        rnd = random.Random(seed * 1_000_003 + block)
        for i in range(block * BLOCK, (block + 1) * BLOCK):
            row = _entity(i, rnd, today)
            entries = directory_entries(row, rnd, today)
            if i >= stop:
                return
            if i >= start:
                del row["_kind"]
                if not uscc.is_valid(row["code"]):  # never expected: the generator computes the check characters
                    raise ValueError(f"demo entity {i}: invalid code {row['code']}")
                yield row, entries
        block += 1


def as_spreadsheet_row(row: dict) -> dict:
    """A registry row as a filled-in spreadsheet gives it: text cells, Chinese names, 是 for yes."""
    return {
        "code": row["code"], "name": row["name"], "entity_type": ENTITY_TYPES[row["entity_type"]],
        "industry_code": row["industry_code"], "region_code": row["region_code"], "address": row["address"],
        "status": ENTITY_STATUSES[row["status"]], "abnormal": "是" if row["abnormal"] else "",
        "blacklisted": "是" if row["blacklisted"] else "",
        "penalized_on": row["penalized_on"].isoformat() if row["penalized_on"] else "",
        "complaints": str(row["complaints"]), "credit_rating": row["credit_rating"] or "",
    }


# --- inspectors ---------------------------------------------------------------------------------

#: Per department: (certificate number prefix, how many, agencies, expert agencies,
#: categories with the chance of each, expertise)
INSPECTOR_PLAN = {
    "SCJ": ("33010021", 110,
            ("杭州市市场监督管理局", "杭州市市场监督管理局执法稽查局", "杭州市市场监督管理局西湖分局",
             "杭州市市场监督管理局上城分局", "杭州市市场监督管理局萧山分局", "杭州市市场监督管理局余杭分局"),
            ("浙江省特种设备科学研究院", "杭州市食品药品检验研究院", "浙江省质量科学研究院"),
            (("market", 0.8), ("food", 0.45), ("quality", 0.3), ("price", 0.25), ("drug", 0.15), ("ip", 0.1)),
            ("食品安全监管", "特种设备安全", "价格监督检查", "广告监管", "网络交易监管", "产品质量监督", "药品经营监管",
             "商标执法", "计量监督", "企业信用监管")),
    "YJJ": ("33010031", 45,
            ("杭州市应急管理局", "杭州市应急管理局执法监察支队"),
            ("浙江省安全生产科学研究院", "杭州市安全生产技术服务中心"),
            (("safety", 0.9), ("hazchem", 0.45), ("mining", 0.25), ("fire", 0.15)),
            ("危险化学品安全", "非煤矿山安全", "工贸行业安全", "粉尘防爆", "有限空间作业", "应急预案管理")),
    "SWJ": ("33010041", 35,
            ("杭州市商务局", "杭州市商务局市场运行和秩序处"),
            ("杭州市商业联合会",),
            (("commerce", 1.0), ("price", 0.1)),
            ("商贸流通管理", "单用途预付卡管理", "成品油流通管理", "再生资源回收管理", "报废机动车回收管理")),
    "SFJ": ("33010011", 10,
            ("杭州市司法局",),
            ("浙江省律师协会",),
            (("justice", 1.0),),
            ("律师管理", "司法鉴定管理", "公证管理", "基层法律服务管理")),
}
POSTS = ("一级主任科员", "二级主任科员", "三级主任科员", "四级主任科员", "一级科员", "二级科员", "科长", "副科长",
         "执法队员", "副队长")
BIRTH_REGIONS = ("330102", "330103", "330104", "330105", "330106", "330122", "330127", "330621", "330302", "330402",
                 "330501", "330702", "330203", "330602", "320106", "340104", "360102", "410102", "430102")


def id_number(rnd: random.Random, sex: str) -> str:
    """A 公民身份号码 that passes GB 11643 (region and birth date real, check digit computed)."""
    while True:
        birth = date(1968, 1, 1) + timedelta(days=rnd.randint(0, 30 * 365))
        seq = rnd.randint(0, 99) * 10 + rnd.choice((1, 3, 5, 7, 9) if sex == "M" else (0, 2, 4, 6, 8))
        base = f"{rnd.choice(BIRTH_REGIONS)}{birth:%Y%m%d}{seq:03d}"
        number = base + ric.calc_check_digit(base + "0")
        if ric.is_valid(number):
            return number


def person_name(rnd: random.Random, sex: str) -> str:
    given = GIVEN_MALE if sex == "M" else GIVEN_FEMALE
    name = rnd.choice(SURNAMES) + rnd.choice(given)
    return name + rnd.choice(given) if rnd.random() < 0.6 else name


def inspectors(department: str, *, seed: int = DEMO_SEED, today: date, scale: int = 1) -> list[dict]:
    """The department's inspectors as ``create_inspector`` takes them (~8 % with an expired
    certificate, ~5 % experts); ``scale`` times as many for an enlarged demo (the first ones are
    always the same people)."""
    prefix, count, agencies, expert_agencies, categories, expertise = INSPECTOR_PLAN[department]
    count *= scale
    rnd = random.Random(f"{seed}:inspectors:{department}")
    people, experts, names = [], 0, set()
    for n in range(1, count + 1):
        sex = "M" if rnd.random() < 0.62 else "F"
        is_expert = n % 20 == 7  # one in twenty
        chosen = [code for code, chance in categories if rnd.random() < chance] or [categories[0][0]]
        expired = n % 12 == 4  # one in twelve (never an expert: n is even)
        expires = today - timedelta(days=rnd.randint(1, 400)) if expired else today + timedelta(days=rnd.randint(30, 5 * 365))
        if is_expert:
            experts += 1
        name = person_name(rnd, sex)
        while name in names:  # namesakes exist, but in a demo they look like a duplicated row
            name = person_name(rnd, sex)
        names.add(name)
        people.append({
            "name": name, "sex": sex, "id_number": id_number(rnd, sex),
            "agency": rnd.choice(expert_agencies if is_expert else agencies),
            "post": "特聘专家" if is_expert else rnd.choice(POSTS),
            "cert_no": f"{prefix}-Z{experts:03d}" if is_expert else f"{prefix}-{n:04d}",
            "cert_expires_on": expires, "categories": chosen,
            "region": "杭州市" if rnd.random() < 0.4 else f"杭州市{rnd.choice(DISTRICTS)[1]}",
            "expertise": "、".join(rnd.sample(expertise, k=min(2, len(expertise)))), "is_expert": is_expert,
        })
    return people


RECUSAL_REASONS = ("近亲属在该单位担任负责人", "本人曾在该单位任职，离职未满三年", "配偶持有该单位股份",
                   "与该单位法定代表人存在利害关系", "近亲属在该单位从事财务工作")
RECUSALS_PER_DEPARTMENT = {"SCJ": 6, "YJJ": 3, "SWJ": 3}


# --- items (随机抽查事项清单) -------------------------------------------------------------------

_COMMON = {"inspector_requirements": "随机选派2名以上持有有效执法证件的执法人员，与检查对象有利害关系的应当回避",
           "result_use": "检查结果通过国家企业信用信息公示系统（浙江）向社会公示；发现违法违规行为的依法处理，"
                         "涉嫌犯罪的移送公安机关；检查结果记入市场主体信用记录，作为分类监管的依据"}


#: 抽查频次 of the demo's items: once a year.
YEARLY = (1, "year")


def _item(name, sub_item, legal_basis, target_type, content, methods, ratio, frequency, categories, *,
          field="market", kind="general", random_check=True, publish=True, remarks="", non_random_reason=""):
    """An item; one kept out of random checking states why, in writing (seed 001: 书面说明理由). ``ratio``: the
    least share checked in per cent (不低于…%), or None; ``frequency``: (times, period), or None."""
    times, period = frequency or (None, "")
    return {"name": name, "sub_item": sub_item, "legal_basis": legal_basis, "target_type": target_type,
            "content": content, "methods": list(methods), "ratio_bp": None if ratio is None else round(ratio * 100),
            "frequency_times": times, "frequency_period": period,
            "inspector_categories": list(categories), "field": field, "kind": kind, "random_check": random_check,
            "non_random_reason": non_random_reason, "remarks": remarks, "_publish": publish, **_COMMON}


ITEMS = {
    "SCJ": ("杭州市市场监督管理局", [
        _item("企业公示信息抽查", "企业年度报告、即时公示信息", "《企业信息公示暂行条例》第十四条、第十五条",
              "辖区内各类企业", "年度报告公示信息、即时公示信息的真实性、及时性", ("document", "onsite", "online"),
              3, YEARLY, ("market",)),
        _item("个体工商户公示信息抽查", "个体工商户年度报告信息", "《个体工商户年度报告暂行办法》第十三条",
              "辖区内个体工商户", "年度报告信息的真实性", ("document", "onsite"), 1, YEARLY, ("market",)),
        _item("农民专业合作社公示信息抽查", "农民专业合作社年度报告信息", "《农民专业合作社年度报告公示暂行办法》第十条",
              "辖区内农民专业合作社", "年度报告信息的真实性", ("document", "onsite"), 3, YEARLY, ("market",)),
        _item("食品经营者监督检查", "食品经营许可条件保持情况、进货查验和贮存", "《中华人民共和国食品安全法》第八十七条、第一百一十条；"
              "《食品生产经营监督检查管理办法》", "食品销售者、餐饮服务提供者", "许可条件保持、从业人员健康管理、进货查验记录、"
              "食品贮存及标签标识", ("onsite",), 5, YEARLY, ("food",), kind="key",
              remarks="按风险等级确定抽查比例，风险等级为A级的不低于20%"),
        _item("食品生产者监督检查", "食品生产许可条件及生产过程控制", "《中华人民共和国食品安全法》第一百一十条；《食品生产许可管理办法》",
              "食品生产企业", "生产环境、原料进货查验、生产过程控制、出厂检验", ("onsite", "testing"), 10, YEARLY,
              ("food",), kind="key"),
        _item("产品质量监督抽查", "生产、销售领域重点工业产品", "《中华人民共和国产品质量法》第十五条；《产品质量监督抽查管理暂行办法》",
              "工业产品生产者、销售者", "产品质量是否符合强制性标准及明示质量要求", ("testing",), 5, YEARLY,
              ("quality",)),
        _item("价格行为检查", "明码标价、价格欺诈", "《中华人民共和国价格法》第十三条、第三十四条；《明码标价和禁止价格欺诈规定》",
              "经营者", "明码标价执行情况、价格欺诈行为", ("onsite", "online"), 1, YEARLY, ("price",)),
        _item("广告发布行为检查", "广告发布者、广告经营者", "《中华人民共和国广告法》第四十九条", "广告发布者、广告经营者",
              "广告内容合法性、广告业务档案及承接登记", ("online", "onsite"), 3, YEARLY, ("market",)),
        _item("网络交易经营者检查", "网络交易平台经营者及平台内经营者", "《中华人民共和国电子商务法》第六条；《网络交易监督管理办法》",
              "网络交易经营者", "主体信息公示、交易规则、消费者权益保护", ("online",), 2, YEARLY, ("market",)),
        _item("特种设备使用单位监督检查", "电梯、锅炉、压力容器等使用管理", "《中华人民共和国特种设备安全法》第五十七条、第六十一条",
              "特种设备使用单位", "使用登记、定期检验、作业人员持证、安全管理制度", ("onsite",), 5, YEARLY,
              ("quality",), kind="key"),
        _item("药品经营企业监督检查", "药品零售企业经营质量管理", "《中华人民共和国药品管理法》第九十九条；《药品经营和使用质量监督管理办法》",
              "药品零售企业", "药品经营质量管理规范执行情况", ("onsite",), 10, YEARLY, ("drug",), kind="key"),
        _item("计量器具使用监督检查", "加油机、集贸市场计量器具", "《中华人民共和国计量法》第九条、第十八条",
              "使用强制检定计量器具的单位", "强制检定计量器具的检定及使用情况", ("onsite", "testing"), 5, YEARLY,
              ("quality",)),
        _item("商标使用行为检查", "注册商标使用、商标印制", "《中华人民共和国商标法》第四十九条、第六十二条", "商标使用人、商标印制单位",
              "注册商标使用规范、商标印制业务管理", ("onsite",), 1, YEARLY, ("ip",)),
        _item("直销企业经营行为检查", "直销企业及其分支机构", "《直销管理条例》第三十五条", "直销企业", "直销员招募培训、信息报备",
              ("onsite", "document"), None, YEARLY, ("market",), random_check=False,
              remarks="辖区直销企业数量少，实行全覆盖检查",
              non_random_reason="辖区直销企业仅数家，依《直销管理条例》逐户全覆盖检查，不适宜随机抽取。"),
        _item("认证活动检查", "认证机构及获证组织", "《中华人民共和国认证认可条例》第五十五条", "认证机构、获证组织",
              "认证活动规范性、认证证书及标志使用", ("document", "onsite"), 5, YEARLY, ("quality",),
              field="other"),
        _item("检验检测机构检查", "检验检测机构资质及能力", "《检验检测机构资质认定管理办法》第三十五条", "检验检测机构",
              "资质认定条件保持、检验检测报告规范性", ("onsite",), None, YEARLY, ("quality",), field="other",
              random_check=False, remarks="按省局统一部署开展",
              non_random_reason="按省市场监督管理局统一部署的专项检查开展，检查对象由上级确定，不适宜随机抽取。"),
        _item("集贸市场开办者检查（拟新增）", "市场开办者食用农产品管理", "《食用农产品市场销售质量安全监督管理办法》第三十九条",
              "集中交易市场开办者", "入场销售者登记、快速检测、信息公示", ("onsite",), 10, YEARLY, ("food",),
              publish=False, remarks="草稿，待局务会审议"),
    ]),
    "YJJ": ("杭州市应急管理局", [
        _item("危险化学品企业安全生产检查", "危险化学品生产企业", "《中华人民共和国安全生产法》第六十五条；《危险化学品安全管理条例》第六条",
              "危险化学品生产企业", "安全生产许可条件保持、重大危险源管控、特殊作业管理", ("onsite",), 20, YEARLY,
              ("safety", "hazchem"), kind="key"),
        _item("危险化学品经营单位安全检查", "危险化学品经营（含加油站）", "《危险化学品安全管理条例》第三十四条；《危险化学品经营许可证管理办法》",
              "危险化学品经营单位", "经营许可条件、储存场所、安全管理制度", ("onsite",), 10, YEARLY, ("hazchem",)),
        _item("非煤矿山安全检查", "露天矿山、尾矿库", "《中华人民共和国矿山安全法》第三十三条；《非煤矿矿山企业安全生产许可证实施办法》",
              "非煤矿山企业", "安全生产许可条件、边坡管理、爆破作业", ("onsite",), 30, YEARLY, ("mining",), kind="key"),
        _item("工贸企业粉尘防爆检查", "粉尘涉爆企业", "《中华人民共和国安全生产法》第四十一条；《工贸企业粉尘防爆安全规定》",
              "存在粉尘爆炸危险的工贸企业", "除尘系统、防爆措施、粉尘清理制度", ("onsite",), 10, YEARLY, ("safety",)),
        _item("工贸企业有限空间作业检查", "有限空间作业单位", "《工贸企业有限空间作业安全规定》第二十条", "存在有限空间作业的工贸企业",
              "有限空间辨识、作业审批、应急救援", ("onsite",), 5, YEARLY, ("safety",)),
        _item("涉氨制冷企业安全检查", "涉氨制冷冷库", "《中华人民共和国安全生产法》第六十五条", "涉氨制冷企业",
              "液氨储存、泄漏报警、应急处置", ("onsite",), 20, YEARLY, ("safety", "hazchem")),
        _item("安全生产培训情况检查", "主要负责人、安全管理人员、特种作业人员培训", "《安全生产培训管理办法》第三十二条",
              "生产经营单位", "培训计划、培训档案、持证上岗", ("document", "onsite"), 3, YEARLY, ("safety",),
              field="other"),
        _item("生产安全事故应急预案检查", "应急预案编制、评审、备案和演练", "《生产安全事故应急预案管理办法》第四十四条",
              "生产经营单位", "预案编制、评审备案、演练记录", ("document",), 3, YEARLY, ("safety",), field="other"),
        _item("烟花爆竹经营单位检查", "烟花爆竹零售经营", "《烟花爆竹安全管理条例》第三十六条", "烟花爆竹经营单位",
              "经营许可、储存条件、限量存放", ("onsite",), None, YEARLY, ("hazchem",), random_check=False,
              remarks="春节前全覆盖检查",
              non_random_reason="烟花爆竹零售点仅在春节前集中经营，须逐户全覆盖检查，不适宜随机抽取。"),
    ]),
    "SWJ": ("杭州市商务局", [
        _item("单用途商业预付卡发卡企业检查", "零售、住宿餐饮、居民服务业发卡企业", "《单用途商业预付卡管理办法（试行）》第三十五条",
              "单用途商业预付卡发卡企业", "备案情况、预收资金管理、发卡限额", ("document", "onsite"), 5, YEARLY,
              ("commerce",)),
        _item("成品油流通企业检查", "成品油零售经营企业", "《国务院对确需保留的行政审批项目设定行政许可的决定》（国务院令第412号）；"
              "《浙江省成品油市场管理办法》", "成品油批发、零售企业", "经营资格、进销存台账、油品来源", ("onsite",), 10,
              YEARLY, ("commerce",), kind="key"),
        _item("报废机动车回收企业检查", "报废机动车回收拆解", "《报废机动车回收管理办法》第十八条；《报废机动车回收管理办法实施细则》",
              "报废机动车回收拆解企业", "资质认定条件、拆解记录、回收证明开具", ("onsite",), 50, YEARLY,
              ("commerce",), kind="key"),
        _item("再生资源回收经营者检查", "再生资源回收经营者备案", "《再生资源回收管理办法》第二十一条", "再生资源回收经营者",
              "备案情况、回收登记、治安管理", ("onsite", "document"), 5, YEARLY, ("commerce",)),
        _item("零售商促销行为检查", "大型零售商促销", "《零售商促销行为管理办法》第二十二条", "零售商", "促销明示、促销规则、退换货",
              ("onsite", "online"), 3, YEARLY, ("commerce",)),
        _item("二手车交易市场经营者检查", "二手车交易市场、经销企业", "《二手车流通管理办法》第三十三条", "二手车交易市场经营者、经销企业",
              "经营备案、交易档案、信息报送", ("onsite",), 10, YEARLY, ("commerce",)),
        _item("洗染业经营者检查", "洗染经营服务规范", "《洗染业管理办法》第十八条", "洗染业经营者", "服务规范、纠纷处理、信息公示",
              ("onsite",), 3, YEARLY, ("commerce",), field="other"),
        _item("家政服务机构检查", "家政服务合同与信用信息", "《家政服务业管理暂行办法》第二十七条", "家政服务机构",
              "服务合同、从业人员信息登记", ("document",), None, YEARLY, ("commerce",), field="other",
              random_check=False, non_random_reason="家政服务机构以信用信息核查和投诉举报处理为主，不适宜随机抽取。"),
    ]),
    "SFJ": ("杭州市司法局", [
        _item("律师事务所执业活动检查", "律师事务所执业和管理", "《中华人民共和国律师法》第五十二条；《律师事务所管理办法》第六十三条",
              "律师事务所", "执业许可条件、收费管理、执业档案", ("document", "onsite"), 10, YEARLY, ("justice",),
              field="other"),
        _item("司法鉴定机构执业活动检查", "司法鉴定机构和鉴定人", "《全国人民代表大会常务委员会关于司法鉴定管理问题的决定》；"
              "《司法鉴定机构登记管理办法》第三十四条", "司法鉴定机构", "执业条件、鉴定程序、鉴定文书", ("onsite",), 20,
              YEARLY, ("justice",), field="other"),
        _item("公证机构执业活动检查", "公证机构执业", "《中华人民共和国公证法》第五条；《公证机构执业管理办法》", "公证机构",
              "执业规范、收费、档案管理", ("document", "onsite"), 30, YEARLY, ("justice",), field="other"),
        _item("基层法律服务所执业活动检查", "基层法律服务所", "《基层法律服务所管理办法》第三十条", "基层法律服务所",
              "执业证管理、收费、业务档案", ("document",), 10, YEARLY, ("justice",), field="other",
              random_check=False, non_random_reason="辖区基层法律服务所数量少，结合年度考核逐所检查，不适宜随机抽取。"),
    ]),
}


def items(department: str) -> list[dict]:
    """The department's item list; ``_publish`` says whether the demo publishes it."""
    body, rows = ITEMS[department]
    return [{**row, "checking_body": body} for row in rows]


# --- the rules document (一细则) ---------------------------------------------------------------

_RULES = """第一条 为规范{dept}“双随机、一公开”监管工作，根据《国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见》（国发〔2019〕5号）、本地实施方案等规定，结合本部门实际，制定本细则。

第二条 本细则所称“双随机、一公开”，是指在监管过程中随机抽取检查对象，随机选派执法检查人员，抽查情况及查处结果及时向社会公开。

第三条 本部门依照法律、法规、规章，建立随机抽查事项清单，明确抽查事项名称、检查依据、检查主体、检查内容和检查方式，并根据法律法规修订情况和工作实际动态调整，及时向社会公布。

第四条 本部门建立检查对象名录库，涵盖{targets}；建立执法检查人员名录库，涵盖所有具有行政执法资格的在编在岗人员，并根据人员变动及时更新。

第五条 年度抽查工作计划的编制、公布和报备，按本地实施方案的规定执行。

第六条 抽取检查对象时，根据信用风险分类结果合理确定抽查比例和频次：对信用风险高、被列入经营异常名录或严重违法失信名单、近期受到行政处罚或投诉举报较多的检查对象，适当提高抽查比例和频次；对信用风险低的，适当降低抽查比例和频次。

第七条 检查人员通过系统从执法检查人员名录库中随机选派，并指定组长。执法证件过期或与检查对象存在利害关系的人员不得被选派；检查人员与检查对象有利害关系的，应当主动申请回避。

第八条 抽取过程全程留痕，抽取结果和抽取凭证可供公开验证，任何人不得擅自重复抽取或更改抽取结果。

第九条 检查人员应当及时录入检查结果；抽查结果按照《企业信息公示暂行条例》规定的期限，通过国家企业信用信息公示系统等渠道向社会公示。

第十条 对抽查发现的违法违规行为，依法责令改正或立案查处；不属于本部门职责的，及时移送有关部门；涉嫌犯罪的，依法移送公安机关。

第十一条 检查人员应当严格遵守廉政纪律，不得妨碍被检查对象正常的生产经营活动，不得索取或收受财物，不得谋取其他利益。

第十二条 本细则自公布之日起施行。本细则未规定的期限、人数和比例，适用本地实施方案和国家规定。"""

RULES_TARGETS = {
    "SCJ": "辖区内企业、个体工商户、农民专业合作社及食品、药品、特种设备等重点领域检查对象",
    "YJJ": "辖区内非煤矿山、危险化学品生产经营储存、工贸行业及建筑施工等生产经营单位",
    "SWJ": "辖区内批发零售、住宿餐饮、居民服务、成品油、报废机动车回收及再生资源回收等经营主体",
    "SFJ": "辖区内律师事务所、司法鉴定机构、公证机构和基层法律服务所",
}


def rules_document(department: str, name: str, place: str) -> tuple[str, str]:
    """Title and text of a department's implementation rules that set no number of their own (the
    rulebook's apply): the demo's generic 细则, in ``place``."""
    return (f"{place}{name}“双随机、一公开”监管工作实施细则",
            _RULES.format(dept=f"{place}{name}", targets=RULES_TARGETS[department]))


# --- annual plans and campaigns (年度检查计划、抽查任务) ----------------------------------------

#: The annual plan's lines per department: item name → (planned ratio in basis points, months).
#: Methods and frequency are the item's own. Random-check items only (seed 001); YJJ leaves out
#: its ammonia refrigeration item, which it checks in a special action outside the plan.
PLAN_LINES = {
    "SCJ": {
        "企业公示信息抽查": (300, [7, 8, 9, 10, 11, 12]),  # after the annual reports (30 June)
        "个体工商户公示信息抽查": (100, [8, 9, 10, 11]),
        "农民专业合作社公示信息抽查": (300, [8, 9, 10]),
        "食品经营者监督检查": (500, [3, 6, 9, 10, 12]),
        "食品生产者监督检查": (1000, [4, 5, 10]),
        "产品质量监督抽查": (300, [5, 6, 9]),
        "价格行为检查": (100, [1, 2, 9, 12]),  # the holidays
        "广告发布行为检查": (300, [4, 5, 6]),
        "网络交易经营者检查": (200, [6, 11]),
        "特种设备使用单位监督检查": (500, [3, 4, 9, 10]),
        "药品经营企业监督检查": (1000, [3, 4, 5, 6]),
        "计量器具使用监督检查": (500, [5, 9, 10, 11, 12]),  # the filling stations in the fourth quarter
        "商标使用行为检查": (100, [8, 9]),
        "认证活动检查": (500, [7, 8]),
    },
    "YJJ": {
        "危险化学品企业安全生产检查": (2000, [3, 6, 9, 12]),
        "危险化学品经营单位安全检查": (1000, [4, 10, 11, 12]),
        "非煤矿山安全检查": (3000, [3, 4, 8, 9]),  # before and after the flood season
        "工贸企业粉尘防爆检查": (1000, [5, 10]),
        "工贸企业有限空间作业检查": (500, [6, 7, 8]),  # summer heat
        "安全生产培训情况检查": (300, [5, 11]),
        "生产安全事故应急预案检查": (300, [6, 11]),
    },
    "SWJ": {
        "单用途商业预付卡发卡企业检查": (500, [3, 9, 12]),
        "成品油流通企业检查": (1000, [5, 10, 11, 12]),
        "报废机动车回收企业检查": (5000, [4, 10]),
        "再生资源回收经营者检查": (500, [6, 9]),
        "零售商促销行为检查": (300, [1, 5, 10, 11]),
        "二手车交易市场经营者检查": (1000, [7, 8]),
        "洗染业经营者检查": (300, [8]),
    },
}

#: The lead departments of the enforcement fields outside market regulation that the platform
#: administrator names (seed 001 item 10): 应急管理局 leads 安全生产.
FIELD_LEADS = {"safety": "YJJ"}

#: The fields' yearly joint plans (年度联合抽查工作计划): written by the field's lead, published and
#: filed with the justice bureau (submitted on ``submitted``, month and day): the items its joint
#: checks cover with (ratio, months), and the departments they involve.
JOINT_PLANS = [
    {"lead": "YJJ", "field": "safety", "title": "杭州市安全生产领域{year}年度联合抽查工作计划", "submitted": (1, 14),
     "lines": {"危险化学品经营单位安全检查": (1000, [10, 11, 12]), "工贸企业有限空间作业检查": (500, [6, 7, 8])},
     "departments": ["SWJ", "SCJ"]},
]

#: Next year's plans, due at the justice bureau by 15 January (seed 001): the stage each is at,
#: and the supervisor's comment when returned.
NEXT_YEAR_PLANS = {
    "SCJ": ("draft", ""),
    "YJJ": ("returned", "请将涉氨制冷企业安全检查纳入年度检查计划，明确抽查比例和实施月份后重新报备。"),
    "SWJ": ("submitted", ""),
}


#: When each department submitted this year's plans (month, day; ``None``: not submitted): the
#: year's plan (``None`` key) due 15 January, the half-year plans of the non-market fields (1, 2)
#: due 15 January and 15 June (seed 001). Some on time, some late, one missing: the supervisor's
#: dashboard, the assessment and a notice of criticism have something to show.
PLAN_SUBMITTED = {
    "SCJ": {None: (1, 10), 1: (1, 10), 2: (6, 12)},
    "YJJ": {None: (1, 14), 1: (1, 14), 2: (6, 20)},
    "SWJ": {None: (2, 3), 1: (2, 3), 2: None},
}


def plan_title(department_name: str, year: int, half: int | None = None) -> str:
    if half:
        return f"杭州市{department_name}{year}年{'上' if half == 1 else '下'}半年非市场监管领域抽查工作计划"
    return f"杭州市{department_name}{year}年度行政执法检查计划"


#: How far a demo campaign goes, in order: 草稿, 已批准 (target draw committed), 对象名单已冻结,
#: 已抽取检查对象, 已抽取检查人员, 已指定组长.
CAMPAIGN_STAGES = ("draft", "approved", "frozen", "targets_drawn", "inspectors_drawn", "leaders", "results")
#: The results of a campaign at the "results" stage, visit by visit (the rest stay to inspect and,
#: once the window has passed, overdue): published, published then corrected, approved (to
#: publish), submitted (to review), returned (to fix), drafted.
RESULT_STAGES = ("published", "corrected", "approved", "submitted", "returned", "drafted")
#: The corrected visit's rectification order: 限30个工作日内改正 (late in the year it runs into the next,
#: whose official calendar is not out yet: a provisional deadline, counted again when it is entered).
RECTIFICATION_DAYS = 30
#: The testing institute, named with its person, that joins the first visit of a campaign at the
#: "results" stage as an expert (seed 001: 吸收检测机构、科研院所和专家学者等参与).
EXPERT_INSTITUTE, EXPERT_PERSON = "杭州市食品药品检验研究院", "陈立新"


def _strata(a, b, c, d, flagged=None, minimum=1) -> dict:
    """Sampling per stratum in basis points, each with a minimum (DRAW-SPEC); ``flagged`` gives
    entities on a list, with complaints or a recent penalty a stratum of their own (seed 002)."""
    rules = {s: {"ratio_bp": r, "min": minimum} for s, r in zip("ABCD", (a, b, c, d))}
    if flagged is not None:
        rules["flagged"] = {"ratio_bp": flagged, "min": minimum}
    return rules


def _campaign(title, items, stage, *, categories=(), regions=(), industries=(), entity_types=(), strata,
              window, capacity, method="onsite", reserve_size=3, exempt=None, observers=(), inspector_observers=()):
    return {"title": title, "items": list(items), "stage": stage, "strata": strata, "window": window,
            "capacity": capacity, "method": method, "reserve_size": reserve_size, "exempt": exempt,
            "target_filter": {"categories": list(categories), "regions": list(regions), "industries": list(industries),
                              "entity_types": list(entity_types)},
            "observers": list(observers), "inspector_observers": list(inspector_observers)}


CAPACITY_CITY = 20_000  # entities: the city the campaigns' capacities are set for

#: Each department's campaigns of the year, in the order they are approved and so numbered (市监抽〔2026〕1号 …;
#: a draft has no code yet, 未编号).
#: Titles take the year; ``window`` is (first day, last day) as MM-DD of that year; ``capacity``
#: (most visits per inspector) is for a city of :data:`CAPACITY_CITY` entities and grows with it.
#: Observers' inputs are what the people watching the draw typed in (DRAW-SPEC public inputs).
CAMPAIGNS = {
    "SCJ": [
        _campaign("{year}年第四季度西湖区食品经营者“双随机”监督检查", ["食品经营者监督检查"], "leaders",
                  categories=("餐饮服务", "食品销售"), regions=("330106",),
                  strata=_strata(2000, 1000, 300, 100, flagged=3000), window=("12-01", "12-31"), capacity=4,
                  observers=("observer:市人大代表 张某 0301", "observer:市政协委员 李某 5827"),
                  inspector_observers=("observer:杭州日报记者 王某 1126", "observer:市司法局 韩梅 7309")),
        _campaign("{year}年度企业公示信息抽查", ["企业公示信息抽查"], "approved", entity_types=("enterprise",),
                  strata=_strata(300, 300, 300, 300, flagged=1000), window=("12-01", "12-31"), capacity=15,
                  method="document"),
        _campaign("{year}年第三季度拱墅区食品销售者“双随机”监督检查", ["食品经营者监督检查"], "results",
                  categories=("食品销售",), regions=("330105",), strata=_strata(300, 200, 100, 100, flagged=1000),
                  window=("09-01", "10-31"), capacity=4,
                  observers=("observer:区人大代表 赵某 0917", "observer:消费者代表 钱某 3321"),
                  inspector_observers=("observer:区政协委员 孙某 0918",)),
        _campaign("{year}年岁末上城区、拱墅区明码标价专项检查", ["价格行为检查"], "draft",
                  categories=("餐饮服务", "食品销售", "住宿服务"), regions=("330102", "330105"),
                  strata=_strata(100, 100, 100, 100, flagged=500), window=("12-15", "12-31"), capacity=5),
    ],
    "YJJ": [
        _campaign("{year}年岁末年初涉氨制冷企业安全生产专项检查", ["涉氨制冷企业安全检查"], "leaders",
                  categories=("工贸企业（冷库）", "工贸企业"), industries=("C14", "C15", "G593"),
                  strata=_strata(5000, 3000, 1000, 500, flagged=6000), window=("12-01", "12-31"), capacity=5,
                  exempt=("production_safety", "落实市安全生产委员会办公室岁末年初安全生产大检查部署，对冷库及食品加工等"
                                               "涉氨制冷企业开展专项检查，该事项未列入本年度检查计划。"),
                  observers=("observer:市人大代表 陈某 1208", "observer:企业代表 杭州某冷链物流公司 4471"),
                  inspector_observers=("observer:市政协委员 周某 2390",)),
        _campaign("{year}年第四季度危险化学品企业安全生产“双随机”检查", ["危险化学品企业安全生产检查", "危险化学品经营单位安全检查"],
                  "frozen", categories=("危险化学品生产", "危险化学品经营", "危险化学品经营（加油站）", "危险化学品储存运输"),
                  strata=_strata(3000, 2000, 1000, 500, flagged=4000), window=("12-07", "12-31"), capacity=6),
    ],
    "SWJ": [
        _campaign("{year}年成品油流通企业“双随机”检查", ["成品油流通企业检查"], "targets_drawn",
                  categories=("成品油零售", "成品油批发"), strata=_strata(3000, 2000, 1000, 1000, flagged=4000),
                  window=("12-01", "12-31"), capacity=3, reserve_size=2,
                  observers=("observer:市人大代表 刘某 0925", "observer:行业协会代表 孙某 6612")),
        _campaign("{year}年居民服务业单用途商业预付卡检查", ["单用途商业预付卡发卡企业检查"], "draft",
                  categories=("居民服务业",), entity_types=("enterprise",), strata=_strata(500, 500, 500, 500, flagged=2000),
                  window=("12-10", "12-31"), capacity=3, method="document"),
    ],
}


#: The demo's joint campaign (联合抽查, 进一次门、查多项事): filling stations, which all three
#: departments supervise — 市场监管局 their fuel dispensers (计量), 应急管理局 their hazardous
#: chemicals, 商务局 their fuel trade. Each department's part: its item (in its filed plan), its
#: directory's category and its own rules. ``window`` as in :data:`CAMPAIGNS`.
JOINT_CAMPAIGN = {
    "title": "{year}年第四季度加油站联合“双随机”检查",
    "window": ("10-12", "12-31"), "team_size": 3, "reserve_size": 2,
    "parts": {
        "SCJ": {"items": ["计量器具使用监督检查"], "categories": ["加油站（计量）"], "strata": _strata(3000, 2000, 1500, 1000)},
        "YJJ": {"items": ["危险化学品经营单位安全检查"], "categories": ["危险化学品经营（加油站）"],
                "strata": _strata(4000, 3000, 2000, 1500)},
        "SWJ": {"items": ["成品油流通企业检查"], "categories": ["成品油零售"], "strata": _strata(2000, 2000, 1000, 1000)},
    },
    "observers": ("observer:市人大代表 郑某 1012", "observer:加油站行业协会代表 吴某 5580"),
    "inspector_observers": ("observer:市政协委员 冯某 1013",),
}
#: The joint campaign of an enlarged demo (``spotcheck demo --scale N``): left at its invitation, for
#: the departments to answer and the coordinator to take to published results through the pages —
#: a check of 安全生产, so 应急管理局's coordinator (yjj_coord) leads it, not 市场监管局's.
LARGE_JOINT_CAMPAIGN = {
    "title": "{year}年度危险化学品与成品油经营单位大规模联合检查",
    "window": ("12-01", "12-31"), "team_size": 2, "reserve_size": 2, "departments": ("YJJ", "SWJ"),
    "lead": "YJJ", "field": "safety",  # 安全生产: led by 应急管理局 within its filed joint plan (FIELD_LEADS)
}
#: How far the joint campaign's results go in each department, visit by visit (visits drawn by every
#: department first): published by all three first, then some further along in one department only.
JOINT_RESULT_STAGES = ("published", "published", "approved", "submitted", "drafted")
