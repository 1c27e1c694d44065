"""
Demo content for ``seed_demo_data``: Tianjin's districts, a few sources and a dozen stories.

Story texts are written for this project; facts in the Wuqing story follow a public
municipal news item of 24 November 2020.
"""

DISTRICTS = [
    ("Heping", "The historic city centre, home to the Five Great Avenues."),
    ("Hedong", "East of the Hai River, with the railway hub at Tianjin Station."),
    ("Hexi", "South of the centre, seat of the Cultural Centre and the Meijiang area."),
    ("Nankai", "The university district, named after Nankai University."),
    ("Hebei", "North of the Hai River, with the Italian-style quarter."),
    ("Hongqiao", "The north-west of the old city, around the Grand Canal."),
    ("Dongli", "The eastern suburb, around Tianjin Binhai International Airport."),
    ("Xiqing", "The western suburb, with Yangliuqing's woodblock New Year prints."),
    ("Jinnan", "The southern suburb, between the city and the coast."),
    ("Beichen", "The northern suburb, along the Beiyun River."),
    ("Wuqing", "Between Beijing and Tianjin, on the high-speed rail corridor."),
    ("Baodi", "The north-east of the municipality, on the road to Beijing."),
    ("Ninghe", "The north-eastern plains and wetlands."),
    ("Jinghai", "The south-western district of farms and industry parks."),
    ("Jizhou", "The mountainous north, with Panshan and the Great Wall at Huangyaguan."),
    ("Binhai New Area", "The port and free-trade zone on the Bohai coast."),
    ("Tongzhou (Beijing)", "Beijing's sub-centre, a neighbour of Wuqing."),
    ("Langfang (Hebei)", "The Hebei city between Beijing and Tianjin."),
]

SOURCES = [
    ("exploringtianjin.com", "http://www.exploringtianjin.com/"),
    ("Tianjin Municipal Government", ""),
    ("Wuqing District Government", ""),
    ("Binhai New Area Information Office", ""),
    ("Tianjin Daily", ""),
]
# The sources' Chinese names; a website's address has none, so the Chinese interface shows the
# name itself.
SOURCE_NAMES_ZH = {
    "Tianjin Municipal Government": "天津市人民政府",
    "Wuqing District Government": "武清区人民政府",
    "Binhai New Area Information Office": "滨海新区人民政府新闻办公室",
    "Tianjin Daily": "天津日报",
}

# A site-wide notice, so the demo shows the alert banner (dismissible, information).
DEMO_NOTICE = (
    "This is a demonstration site: the stories are examples written for Newsroom, "
    "not official announcements."
)

# Each story: slug, title, summary, body paragraphs, districts, source, state, days ago;
# optionally a lead image drawn by articles/demo_images.py, "featured" (leads the home page)
# and "language" (English when absent).
# State is one of: published, scheduled (days ago negative: in the future), draft, in_review,
# urgent (published urgently, awaiting another editor's confirmation), withdrawn (with a
# public explanation, withdrawn "withdrawn_days_ago").
# Optionally "correction" (first published with "first_body", corrected as a major change
# "hours_after" publication, with a public change note) and "pending_changes" (unpublished
# changes in review).
STORIES = [
    {
        "slug": "wuqing-works-with-other-areas-to-boost-business",
        "title": "Wuqing works with neighbouring areas to boost business",
        "summary": (
            "Projects from Beijing are arriving in Wuqing as the district takes on functions "
            "moved out of the capital under Beijing-Tianjin-Hebei coordination."
        ),
        "body": [
            "Wuqing District is turning its position between Beijing and Tianjin into growth, "
            "taking on functions that Beijing no longer keeps in the capital and joining "
            "regional development plans.",
            "From January to September the district signed 111 projects from Beijing, worth "
            "5.76 billion yuan (about 876 million US dollars) in actual investment.",
            "Larger schemes are also under way, among them a Beijing-Tianjin big data base "
            "costing 10.2 billion yuan and an innovation park built jointly by the two cities. "
            "Industry parks for biology and high technology have been planned.",
            "New railways and highways linking Beijing and Langfang have opened, and more are "
            "due in the coming years as the region integrates its transport.",
            "During the COVID-19 outbreak Wuqing helped more than 120 local suppliers restart, "
            "keeping supply chains running for companies in Beijing such as Mercedes and "
            "Xiaomi, and sent over 1,000 tonnes of farm produce to the capital.",
            "Joint work by Tongzhou, Langfang and Wuqing to cut industrial pollution and "
            "vehicle emissions has improved air and water quality in all three districts.",
            "More than 120 intelligent-technology companies now work in the district, in "
            "fields from database construction to blockchain, and a financial services "
            "alliance lent 35 million yuan to over 150 technology firms in 2020.",
        ],
        "districts": ["wuqing", "tongzhou-beijing", "langfang-hebei"],
        "source": "exploringtianjin-com",
        "source_url": "http://www.exploringtianjin.com/",
        "state": "published",
        "published": "2020-11-24T09:00:00+08:00",
        "featured": True,
    },
    {
        "slug": "binhai-one-window-business-registration",
        "title": "Binhai New Area opens a one-window hall for business registration",
        "summary": "Companies can now register, get a licence and open a tax account at one counter.",
        "body": [
            "A new service hall in the Binhai New Area brings business registration, licensing "
            "and tax set-up to a single counter.",
            "Officials say a straightforward application can be completed in one visit, and "
            "most documents can also be submitted online beforehand.",
        ],
        "districts": ["binhai-new-area"],
        "source": "binhai-new-area-information-office",
        "state": "published",
        "days_ago": 1,
    },
    {
        "slug": "heping-restores-facades-on-wudadao",
        "title": "Heping restores historic facades on the Five Great Avenues",
        "summary": "Forty buildings from the early twentieth century get repaired brickwork and windows.",
        "body": [
            "Restoration work on forty historic buildings along the Five Great Avenues has "
            "finished, the Heping District government said.",
            "Craftspeople repaired brickwork, replaced rotten window frames with matching timber "
            "and cleaned carved stone, following the original drawings where they survive.",
        ],
        "districts": ["heping"],
        "source": "tianjin-municipal-government",
        "state": "published",
        "days_ago": 2,
    },
    {
        "slug": "heating-season-begins-across-the-city",
        "title": "Heating season begins across the city",
        "summary": "Central heating is on from today; residents with cold radiators can call the hotline.",
        "body": [
            "The municipal heating season starts today and runs until the middle of March.",
            "Residents whose radiators stay cold after two days should call the public service "
            "hotline 12345, which passes reports to the heating company responsible.",
        ],
        "districts": [],
        "source": "tianjin-municipal-government",
        "state": "published",
        "days_ago": 3,
        # First published with a wrong number, corrected the next morning as a major change.
        "correction": {
            "hours_after": 18,
            "kind": "correction",
            "note": "The first version gave the wrong hotline number. The number is 12345.",
            "first_body": [
                "The municipal heating season starts today and runs until the middle of March.",
                "Residents whose radiators stay cold after two days should call the public "
                "service hotline 12319, which passes reports to the heating company responsible.",
            ],
        },
    },
    {
        "slug": "jizhou-reopens-mountain-trails",
        "title": "Jizhou reopens mountain trails after autumn maintenance",
        "summary": "Paths around Panshan have new handrails and clearer signs.",
        "body": [
            "Hiking trails around Panshan reopened this weekend after a month of maintenance.",
            "Workers fitted new handrails on steep sections and replaced the trail signs with "
            "bilingual ones showing distances and emergency numbers.",
        ],
        "districts": ["jizhou"],
        "source": "tianjin-daily",
        "state": "published",
        "days_ago": 4,
        "lead_image": {
            "scene": "trail",
            "alt": "Forested ridges above a footpath climbing towards Panshan.",
            "caption": "The reopened trails climb through pine forest towards Panshan.",
            "credit": "Newsroom demo illustration",
        },
    },
    {
        "slug": "xiqing-expands-community-canteens",
        "title": "Xiqing expands its community canteens for older residents",
        "summary": "Twelve more neighbourhoods now serve low-cost lunches to residents over 60.",
        "body": [
            "Twelve more neighbourhoods in Xiqing District now run canteens serving low-cost "
            "lunches to residents aged 60 and over.",
            "Volunteers deliver meals to people who cannot leave home; the district plans to "
            "cover every neighbourhood by the end of next year.",
        ],
        "districts": ["xiqing"],
        "source": "tianjin-municipal-government",
        "state": "published",
        "days_ago": 6,
    },
    {
        "slug": "nankai-libraries-extend-evening-hours",
        "title": "Nankai District libraries stay open later",
        "summary": "Three branch libraries now open until 9 pm on weekdays.",
        "body": [
            "Three branch libraries in Nankai District now open until 9 pm from Monday to "
            "Friday, after students asked for more evening study space.",
        ],
        "districts": ["nankai"],
        "source": "tianjin-daily",
        "state": "published",
        "days_ago": 8,
        # A correction waiting for an editor: readers still see the text above.
        "pending_changes": {
            "summary": "Three branch libraries now open until 10 pm on weekdays.",
            "body": [
                "Three branch libraries in Nankai District now open until 10 pm from Monday "
                "to Friday, after students asked for more evening study space.",
            ],
        },
    },
    {
        "slug": "jinnan-new-metro-feeder-buses",
        "title": "New feeder bus routes link Jinnan villages to the metro",
        "summary": "Four routes connect outlying villages with Line 6 stations every fifteen minutes.",
        "body": [
            "Four new bus routes link villages in Jinnan District with stations on metro "
            "Line 6, running every fifteen minutes at peak times.",
        ],
        "districts": ["jinnan"],
        "source": "tianjin-municipal-government",
        "state": "published",
        "days_ago": 10,
    },
    {
        "slug": "dongli-flood-prevention-drill",
        "title": "Dongli holds a flood-prevention drill along the Haihe",
        "summary": "Emergency teams practised moving pumps and sandbags to low-lying streets.",
        "body": [
            "More than 300 people from emergency services, water authorities and neighbourhood "
            "committees took part in a flood-prevention drill in Dongli District.",
            "Teams practised setting up mobile pumps and sandbag walls and evacuating residents "
            "from two low-lying streets.",
        ],
        "districts": ["dongli"],
        "source": "tianjin-daily",
        "state": "published",
        "days_ago": 12,
        "lead_image": {
            "scene": "river",
            "alt": "City towers and a bridge reflected in the river at dusk.",
            "caption": "The Haihe at dusk; low-lying streets along its banks were part of the drill.",
            "credit": "Newsroom demo illustration",
        },
    },
    {
        "slug": "北辰区举办秋季招聘会",
        "title": "北辰区举办秋季招聘会",
        "summary": "两百余家企业提供四千多个岗位，现场设有政策咨询台。",
        "body": [
            "北辰区秋季招聘会在区人力资源市场举行，两百余家企业带来四千多个岗位。",
            "现场设有就业政策咨询台，为求职者解答社保和创业补贴等问题。",
        ],
        "districts": ["beichen"],
        "source": "tianjin-municipal-government",
        "state": "published",
        "days_ago": 5,
        "language": "zh-hans",
    },
    {
        "slug": "hexi-riverside-greenway-opens",
        "title": "Hexi's riverside greenway opens to walkers and cyclists",
        "summary": "A six-kilometre path along the river links three parks.",
        "body": [
            "A six-kilometre greenway along the river in Hexi District opens to the public, "
            "linking three parks with separate lanes for walkers and cyclists.",
        ],
        "districts": ["hexi"],
        "source": "tianjin-municipal-government",
        "state": "scheduled",
        "days_ago": -3,
    },
    {
        "slug": "ninghe-wetland-bird-survey",
        "title": "Ninghe wetland survey counts more migrating birds",
        "summary": "Volunteers recorded 42 species at the Qilihai wetland this autumn.",
        "body": [
            "Volunteers and researchers counted 42 bird species at the Qilihai wetland this "
            "autumn, five more than last year.",
        ],
        "districts": ["ninghe"],
        "source": "tianjin-daily",
        "state": "in_review",
    },
    {
        "slug": "jinghai-farm-produce-fair",
        "title": "Jinghai farm produce fair returns next month",
        "summary": "Growers from every township will sell directly to shoppers.",
        "body": ["Draft: confirm dates and venue with the Jinghai agriculture bureau."],
        "districts": ["jinghai"],
        "source": "tianjin-daily",
        "state": "draft",
    },
    {
        "slug": "binhai-ferry-services-suspended-in-fog",
        "title": "Binhai ferry services suspended as dense fog covers the coast",
        "summary": "Passenger ferries stay in port until visibility improves; check before travelling.",
        "body": [
            "Passenger ferry services from Binhai New Area are suspended because of dense fog "
            "along the Bohai coast, the port authority said.",
            "Services will resume when visibility improves. Travellers should check the port's "
            "service line before setting out.",
        ],
        "districts": ["binhai-new-area"],
        "source": "binhai-new-area-information-office",
        "state": "urgent",
        "days_ago": 0,
        "urgent_reason": "Fog warning: travellers are on their way to the port now.",
    },
    {
        "slug": "heping-weekend-road-closures-for-city-marathon",
        "title": "Heping closes roads this weekend for the city marathon",
        "summary": "Roads around the Five Great Avenues close from 5 a.m. to 2 p.m. on Sunday.",
        "body": [
            "Roads around the Five Great Avenues in Heping District close to traffic from 5 a.m. "
            "to 2 p.m. on Sunday for the city marathon.",
            "Buses on affected routes will divert; stops along the course are suspended.",
        ],
        "districts": ["heping"],
        "source": "tianjin-municipal-government",
        "state": "withdrawn",
        "days_ago": 9,
        "withdrawn_days_ago": 7,
        "withdrawal_explanation": (
            "The marathon was postponed, so these road closures will not take place. "
            "New dates will be announced separately."
        ),
    },
]

# Vocabulary for generated stories (``seed_demo_data --articles N``).
GENERATED_TOPICS_EN = [
    "opens a new community health centre",
    "upgrades water mains in older neighbourhoods",
    "plants trees along the river embankment",
    "launches an online appointment service",
    "holds a job fair for graduates",
    "repairs rural roads before winter",
    "adds charging points for electric buses",
    "publishes its budget for public comment",
    "expands after-school care in primary schools",
    "signs agreements with Beijing technology firms",
]
GENERATED_TOPICS_ZH = [
    "新建社区卫生服务中心",
    "改造老旧小区供水管网",
    "开展河道绿化植树活动",
    "推出网上预约办事服务",
    "举办高校毕业生招聘会",
    "入冬前完成农村道路维修",
    "增设公交充电设施",
    "公开财政预算征求意见",
    "签约一批京津冀协同投资项目",
]
# Chinese names of the districts above: their names in the Chinese interface, and used in
# generated Chinese stories so that searches such as 武清 find something.
DISTRICT_NAMES_ZH = {
    "Heping": "和平区",
    "Hedong": "河东区",
    "Hexi": "河西区",
    "Nankai": "南开区",
    "Hebei": "河北区",
    "Hongqiao": "红桥区",
    "Dongli": "东丽区",
    "Xiqing": "西青区",
    "Jinnan": "津南区",
    "Beichen": "北辰区",
    "Wuqing": "武清区",
    "Baodi": "宝坻区",
    "Ninghe": "宁河区",
    "Jinghai": "静海区",
    "Jizhou": "蓟州区",
    "Binhai New Area": "滨海新区",
    "Tongzhou (Beijing)": "北京市通州区",
    "Langfang (Hebei)": "河北省廊坊市",
}
GENERATED_SENTENCES_EN = [
    "The district government said the work would be finished within the year.",
    "Residents can send comments through the public service hotline 12345.",
    "Officials thanked neighbourhood committees for their help during planning.",
    "The project is part of the city's plan for coordinated regional development.",
    "Funding comes from the municipal budget and district matching funds.",
    "A second phase will be announced after the first one is reviewed.",
    "The district expects the scheme to attract new investment from Beijing companies.",
]
GENERATED_SENTENCES_ZH = [
    "区政府表示，相关工作将于年内完成。",
    "市民可通过12345政务服务便民热线提出意见建议。",
    "该项目是京津冀协同发展规划的一部分。",
    "项目资金由市级财政和区级配套资金共同承担。",
    "今年以来，全区新增社会投资项目百余个。",
]
