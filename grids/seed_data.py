"""Reference facts the seed loads: Haidian's 29 street offices and towns, its 13 departments and
their stations in streets, and an outline of the district.

Names and counts come from the source document (see ../shared/domain.md). The outline and the
street seed points are approximate (a coarse trace of the district and each unit's rough
centre); the boundaries derived from them are synthetic but tile the district exactly.
"""

DISTRICT = {"code": "110108", "name": "海淀区"}

# (lng, lat) vertices of a coarse outline of Haidian, scaled to its 430.77 km².
DISTRICT_OUTLINE = [
    (116.300, 39.894), (116.339, 39.899), (116.380, 39.949), (116.381, 40.002),
    (116.366, 40.023), (116.374, 40.058), (116.326, 40.068), (116.276, 40.084),
    (116.259, 40.134), (116.155, 40.142), (116.095, 40.118), (116.086, 40.068),
    (116.129, 40.023), (116.163, 39.990), (116.205, 39.956), (116.233, 39.921),
    (116.267, 39.907),
]

# (name, kind, seed lng, seed lat): 22 street offices then 7 towns, in the order of their codes.
STREETS = [
    ("万寿路街道", "street", 116.292, 39.905),
    ("永定路街道", "street", 116.268, 39.915),
    ("羊坊店街道", "street", 116.322, 39.905),
    ("甘家口街道", "street", 116.334, 39.925),
    ("八里庄街道", "street", 116.296, 39.930),
    ("紫竹院街道", "street", 116.316, 39.946),
    ("北下关街道", "street", 116.346, 39.952),
    ("北太平庄街道", "street", 116.372, 39.964),
    ("学院路街道", "street", 116.352, 39.996),
    ("中关村街道", "street", 116.322, 39.980),
    ("海淀街道", "street", 116.302, 39.968),
    ("青龙桥街道", "street", 116.272, 40.002),
    ("清华园街道", "street", 116.328, 40.004),
    ("燕园街道", "street", 116.307, 39.992),
    ("香山街道", "street", 116.200, 39.992),
    ("清河街道", "street", 116.342, 40.032),
    ("花园路街道", "street", 116.374, 39.982),
    ("西三旗街道", "street", 116.350, 40.055),
    ("马连洼街道", "street", 116.282, 40.034),
    ("田村路街道", "street", 116.246, 39.930),
    ("上地街道", "street", 116.312, 40.040),
    ("曙光街道", "street", 116.286, 39.955),
    ("四季青镇", "town", 116.240, 39.962),
    ("海淀镇", "town", 116.286, 39.984),
    ("东升镇", "town", 116.358, 40.016),
    ("西北旺镇", "town", 116.246, 40.050),
    ("温泉镇", "town", 116.178, 40.040),
    ("苏家坨镇", "town", 116.118, 40.100),
    ("上庄镇", "town", 116.200, 40.112),
]

# Streets that carry the district's four road grids (the busiest arteries run through them).
ROAD_GRID_STREETS = ["中关村街道", "学院路街道", "海淀街道", "万寿路街道"]

COMMUNITIES_TOTAL = 570
UNIT_GRIDS_COMMUNITY = 620
UNIT_GRIDS_KEY_UNIT = 19
UNIT_GRIDS_ROAD = 4
SERVICE_STATIONS_TOTAL = 495

# (code, name, short name, name of its stations in streets, management mode of those stations).
# The source moved 司法所 and 统计所 to street management, 城管分队 mainly to the street, and put
# 派出所, 工商所, 交通大队, 房管所 and 卫生监督站 under dual management.
DEPARTMENTS = [
    ("police", "公安海淀分局", "公安分局", "派出所", "dual"),
    ("market", "工商海淀分局", "工商分局", "工商所", "dual"),
    ("traffic", "公安交通管理局海淀交通支队", "交通支队", "交通大队", "dual"),
    ("urban_enforcement", "海淀区城市管理综合行政执法监察大队", "城管大队", "城管分队", "street"),
    ("urban_command", "海淀区城市服务管理监督和应急指挥中心", "城管监督应急指挥中心", "", ""),
    ("fire", "海淀消防支队", "消防支队", "", ""),
    ("health", "海淀区卫生局(卫生监督所)", "卫生局", "卫生监督站", "dual"),
    ("justice", "海淀区司法局", "司法局", "司法所", "street"),
    ("housing", "海淀区房屋管理局", "房管局", "房管所", "dual"),
    ("hrss", "海淀区人力资源和社会保障局", "人力社保局", "", ""),
    ("statistics", "海淀区统计局", "统计局", "统计所", "street"),
    ("landscaping", "海淀区园林绿化局", "园林绿化局", "", ""),
    ("sanitation", "海淀区环境卫生服务中心", "环卫中心", "", ""),
]

# The sections (科室) of every street and town, the same codes everywhere: (code, name).
STREET_SECTIONS = [
    ("urban_management", "城市管理科"),
    ("public_safety", "平安建设办"),
    ("community_building", "社区建设科"),
    ("social_affairs", "社会事务科"),
    ("work_safety", "安全生产科"),
    ("economy", "经济发展科"),
    ("environment", "环境保护科"),
]
# Each street's joint enforcement team (联合执法队), staffed from its department stations.
JOINT_TEAM_NAME = "联合执法队"

# The sunk-down forces of the source: 13,922 people in four groups.
STAFF_FORCE_GROUPS = [
    ("district_bureau", 1467),
    ("street_section", 2325),
    ("coordinator", 5947),
    ("community", 4183),
]

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
    "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段漕钱汤尹黎易常武乔贺赖龚文"
)
GIVEN_NAME_CHARS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉海燕晓东雪梅春林立新文斌宇浩然子涵欣"
    "怡梓萱一诺浩宇俊杰佳怡思远嘉怡雨泽晨阳"
)
