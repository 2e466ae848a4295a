#include "config.h"

#include <glib/gi18n-lib.h>

#include "hy-card-stock.h"
#include "hy-card.h"
#include "hy-demo.h"
#include "hy-error.h"
#include "hy-field.h"
#include "hy-id-number.h"
#include "hy-item.h"
#include "hy-ledger.h"
#include "hy-level.h"
#include "hy-member.h"
#include "hy-operator.h"

/* Members per transaction: big enough to amortise the fsync, small enough to keep
 * the WAL short. */
#define HY_DEMO_BATCH 2000

/* The most common surnames, most common first, so frequent ones come up more. */
static const gchar *const hy_demo_surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵",	  "吴",	  "周",	  "徐",	  "孙", "马",
	"朱", "胡", "郭", "何", "高", "林", "罗", "郑",	  "梁",	  "谢",	  "宋",	  "唐", "许",
	"韩", "冯", "邓", "曹", "彭", "曾", "肖", "田",	  "董",	  "袁",	  "潘",	  "于", "蒋",
	"蔡", "余", "杜", "叶", "程", "苏", "魏", "吕",	  "丁",	  "任",	  "沈",	  "姚", "卢",
	"姜", "崔", "钟", "谭", "陆", "汪", "范", "金",	  "石",	  "廖",	  "贾",	  "夏", "韦",
	"付", "方", "白", "邹", "孟", "熊", "秦", "邱",	  "江",	  "尹",	  "薛",	  "闫", "段",
	"雷", "侯", "龙", "史", "陶", "黎", "贺", "顾",	  "毛",	  "郝",	  "龚",	  "邵", "万",
	"钱", "严", "覃", "武", "戴", "莫", "孔", "欧阳", "司马", "上官", "诸葛",
};

static const gchar *const hy_demo_given_male[] = {
	"伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏",
	"华", "飞", "鑫", "波", "斌", "宇", "浩", "凯", "健", "俊", "帆", "帅", "旭", "宁",
	"龙", "林", "阳", "建", "国", "志", "文", "博", "峰", "亮", "成", "东", "海", "晨",
};

static const gchar *const hy_demo_given_female[] = {
	"芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "燕", "玲", "桂", "丹", "萍",
	"红", "玉", "兰", "英", "梅", "琳", "雪", "倩", "婷", "慧", "颖", "佳", "欣", "怡",
	"晶", "莉", "雯", "璐", "琪", "悦", "瑶", "月", "蕾", "洁", "薇", "妍", "涵", "梦",
};

static const struct {
	const gchar *province;
	const gchar *city;
	const gchar *district;
	const gchar *zip;
	const gchar *region; /* the first six digits of an ID number issued there */
} hy_demo_places[] = {
	{"北京市", "北京市", "朝阳区", "100020", "110105"},
	{"北京市", "北京市", "海淀区", "100080", "110108"},
	{"上海市", "上海市", "浦东新区", "200120", "310115"},
	{"上海市", "上海市", "徐汇区", "200030", "310104"},
	{"广东省", "广州市", "天河区", "510630", "440106"},
	{"广东省", "深圳市", "南山区", "518052", "440305"},
	{"浙江省", "杭州市", "西湖区", "310012", "330106"},
	{"江苏省", "南京市", "鼓楼区", "210008", "320106"},
	{"四川省", "成都市", "武侯区", "610041", "510107"},
	{"湖北省", "武汉市", "江汉区", "430015", "420103"},
	{"江西省", "九江市", "浔阳区", "332000", "360403"},
	{"山东省", "青岛市", "市南区", "266001", "370202"},
};

static const gchar *const hy_demo_streets[] = {
	"建国路", "人民路", "解放路", "中山路", "长安街", "和平路", "新华路", "文化路",
};

static const gchar *const hy_demo_mobile_prefixes[] = {
	"138", "139", "158", "159", "186", "187", "135", "136", "150", "151", "188", "189",
	"137", "182", "183", "130", "131", "132", "155", "156", "133", "153", "177", "180",
};

static const struct {
	const gchar *name;
	gint rank;
	gint points_bp;
	gint discount_bp;
} hy_demo_levels[] = {
	{"银卡会员", 1, 12000, 9500},
	{"金卡会员", 2, 15000, 9000},
	{"钻石会员", 3, 20000, 8500},
};

static const struct {
	const gchar *code;
	const gchar *name;
	const gchar *barcode;
	gint64 price;
	const gchar *category;
	const gchar *brand;
} hy_demo_items[] = {
	{"WASH", "精致洗车", NULL, 3000, "汽车美容", NULL},
	{"WAX", "打蜡抛光", NULL, 15000, "汽车美容", NULL},
	{"SWIM", "游泳", NULL, 4000, "健身", NULL},
	{"GYM", "健身房单次", NULL, 5000, "健身", NULL},
	{"POOL", "台球（每小时）", NULL, 3000, "娱乐", NULL},
	{"CUT", "洗剪吹", NULL, 6800, "美发", NULL},
	{"WATER", "矿泉水 550ml", "6921168509256", 200, "饮料", "农夫山泉"},
	{"TEA", "冰红茶 500ml", "6921317905038", 350, "饮料", "康师傅"},
	{"SHAMPOO", "洗发露 400ml", "6903148091430", 3990, "日化", "海飞丝"},
	{"TOWEL", "纯棉毛巾", "6932590612345", 1590, "日化", NULL},
};

gchar *
hy_demo_phone (guint index, guint64 seed)
{
	/* index × an odd multiplier not divisible by 5 is a bijection modulo 10^8, so
	 * the suffixes are unique for up to 10^8 members */
	guint64 suffix = ((guint64) index * 7919u + seed * 104729u) % 100000000u;
	const gchar *prefix =
		hy_demo_mobile_prefixes[(index + seed) % G_N_ELEMENTS (hy_demo_mobile_prefixes)];
	return g_strdup_printf ("%s%08" G_GUINT64_FORMAT, prefix, suffix);
}

static gchar *
hy_demo_name (GRand *rand, gboolean male)
{
	const gchar *const *given = male ? hy_demo_given_male : hy_demo_given_female;
	guint n_given =
		male ? G_N_ELEMENTS (hy_demo_given_male) : G_N_ELEMENTS (hy_demo_given_female);
	/* squaring a uniform number favours the front of the surname list */
	guint64 u = (guint64) g_rand_int_range (rand, 0, 1000);
	const gchar *surname = hy_demo_surnames[u * u * G_N_ELEMENTS (hy_demo_surnames) / 1000000];
	const gchar *first = given[g_rand_int_range (rand, 0, n_given)];
	if (g_rand_int_range (rand, 0, 3) == 0)
		return g_strconcat (surname, first, NULL);
	return g_strconcat (surname, first, given[g_rand_int_range (rand, 0, n_given)], NULL);
}

static gchar *
hy_demo_id_number (const gchar *region, const gchar *birthday, gboolean male, guint serial)
{
	g_autofree gchar *body = NULL;
	gint sequence = (gint) (serial % 499) * 2 + (male ? 1 : 0); /* odd = male */
	body = g_strdup_printf ("%s%c%c%c%c%c%c%c%c%03d", region, birthday[0], birthday[1],
				birthday[2], birthday[3], birthday[5], birthday[6], birthday[8],
				birthday[9], sequence);
	return hy_id_number_complete (body);
}

static gboolean
hy_demo_catalogue (HyDb *db, const HyActor *actor, GError **error)
{
	for (guint i = 0; i < G_N_ELEMENTS (hy_demo_levels); i++) {
		if (!hy_level_add (db, actor, hy_demo_levels[i].name, hy_demo_levels[i].rank,
				   hy_demo_levels[i].points_bp, hy_demo_levels[i].discount_bp, NULL,
				   error))
			return FALSE;
	}
	if (!hy_card_kind_add (db, actor, "计次卡", FALSE, TRUE, TRUE, FALSE, 365, NULL, error) ||
	    !hy_card_kind_add (db, actor, "计时卡", FALSE, TRUE, FALSE, TRUE, 365, NULL, error))
		return FALSE;
	for (guint i = 0; i < G_N_ELEMENTS (hy_demo_items); i++) {
		if (!hy_item_add (db, actor, hy_demo_items[i].code, hy_demo_items[i].name,
				  hy_demo_items[i].barcode, hy_demo_items[i].price,
				  hy_demo_items[i].category, hy_demo_items[i].brand, NULL, error))
			return FALSE;
	}
	if (!hy_field_add (
		    db, actor, HY_FIELD_ENTITY_MEMBER, "occupation", "职业", HY_FIELD_TYPE_CHOICE,
		    FALSE, 0, NULL,
		    (const gchar *const[]){"教师", "医生", "工程师", "学生", "个体", "其他", NULL},
		    FALSE, error))
		return FALSE;
	if (!hy_field_add (db, actor, HY_FIELD_ENTITY_MEMBER, "wechat", "微信号",
			   HY_FIELD_TYPE_TEXT, FALSE, 32, NULL, NULL, TRUE, error))
		return FALSE;
	return TRUE;
}

static gboolean
hy_demo_member (
	HyDb *db, const HyActor *actor, GRand *rand, guint index, guint64 seed, GError **error)
{
	static const gchar *const occupations[] = {"教师", "医生", "工程师",
						   "学生", "个体", "其他"};
	g_autoptr (HyMember) member = hy_member_new ();
	g_autofree gchar *card = NULL;
	gboolean male = g_rand_boolean (rand);
	guint place = g_rand_int_range (rand, 0, G_N_ELEMENTS (hy_demo_places));
	gint year = g_rand_int_range (rand, 1955, 2007);
	gint month = g_rand_int_range (rand, 1, 13);
	gint day = g_rand_int_range (rand, 1, g_date_get_days_in_month (month, year) + 1);
	gint roll = g_rand_int_range (rand, 0, 100);
	const gchar *level = NULL;

	member->name = hy_demo_name (rand, male);
	member->gender = g_strdup (male ? "male" : "female");
	member->phone = hy_demo_phone (index, seed);
	member->birthday = g_strdup_printf ("%04d-%02d-%02d", year, month, day);
	member->province = g_strdup (hy_demo_places[place].province);
	member->city = g_strdup (hy_demo_places[place].city);
	member->district = g_strdup (hy_demo_places[place].district);
	member->zip = g_strdup (hy_demo_places[place].zip);
	member->address =
		g_strdup_printf ("%s%d号", hy_demo_streets[index % G_N_ELEMENTS (hy_demo_streets)],
				 g_rand_int_range (rand, 1, 300));
	if (roll < 30)
		member->id_number = hy_demo_id_number (hy_demo_places[place].region,
						       member->birthday, male, index);
	if (roll % 4 == 0)
		member->email = g_strdup_printf ("member%u@example.cn", index);
	member->fields = g_hash_table_new (g_str_hash, g_str_equal);
	g_hash_table_insert (
		member->fields, (gpointer) "occupation",
		(gpointer) occupations[g_rand_int_range (rand, 0, G_N_ELEMENTS (occupations))]);
	if (roll > 60)
		level = hy_demo_levels[roll % G_N_ELEMENTS (hy_demo_levels)].name;
	if (!hy_member_register (db, actor, member, level, NULL, NULL, NULL, &card, error))
		return FALSE;

	/* history: most members have topped up, some spent, some earned bonus points */
	if (roll < 60) {
		gint64 amount = (gint64) g_rand_int_range (rand, 1, 21) * 10000;
		if (!hy_ledger_recharge (db, actor, card, amount, NULL, NULL, error))
			return FALSE;
		if (roll < 20 &&
		    !hy_ledger_withdraw (db, actor, card, amount / 4, NULL, NULL, error))
			return FALSE;
	}
	if (roll % 3 == 0 &&
	    !hy_ledger_adjust_points (db, actor, card,
				      (gint64) g_rand_int_range (rand, 1, 500) * 100,
				      "开卡赠送积分", NULL, error))
		return FALSE;
	if (index % 97 == 5 && !hy_card_report_lost (db, actor, card, error))
		return FALSE;
	if (index % 211 == 7 && !hy_card_replace (db, actor, card, NULL, NULL, error))
		return FALSE;
	return TRUE;
}

/* Every demo member gets a card and a few get a second one: make sure this store's
 * card stock has the serials, assigning the next free range when it does not. */
static gboolean
hy_demo_ensure_card_stock (HyDb *db, const HyActor *actor, guint n_members, GError **error)
{
	const gint64 block = 1000000;
	gint64 needed = (gint64) n_members + n_members / 50 + 16;
	gint64 available = 0;
	gint64 first = 0;

	if (!hy_card_stock_count_free (db, hy_actor_get_store_id (actor), &available, error))
		return FALSE;
	if (available >= needed)
		return TRUE;
	if (!hy_card_stock_next_free_serial (db, &first, error))
		return FALSE;
	return hy_card_stock_add (db, actor, hy_actor_get_store_id (actor), first,
				  first + (needed - available + block - 1) / block * block - 1,
				  error);
}

static guint
hy_demo_count_members (HyDb *db)
{
	g_autoptr (HyStmt) stmt = hy_db_prepare (db, "SELECT count(*) FROM members", NULL);
	gboolean has_row = FALSE;
	if (stmt == NULL || !hy_db_step_row (db, stmt, &has_row, NULL) || !has_row)
		return 0;
	return (guint) sqlite3_column_int64 (stmt, 0);
}

gboolean
hy_demo_generate (HyDb *db, const HyActor *actor, guint n_members, guint64 seed, GError **error)
{
	g_autoptr (GRand) rand = g_rand_new_with_seed ((guint32) (seed ^ (seed >> 32)));
	g_autoptr (HyLevel) existing = hy_level_find (db, hy_demo_levels[0].name, NULL);
	/* a second run continues the numbering so phones stay unique */
	guint first = hy_demo_count_members (db);

	if (!hy_demo_ensure_card_stock (db, actor, n_members, error))
		return FALSE;

	/* a second run adds members but not the catalogue again */
	if (existing == NULL) {
		g_autoptr (HyTxn) txn = hy_db_begin (db, error);
		if (txn == NULL || !hy_demo_catalogue (db, actor, error))
			return FALSE;
		if (!hy_txn_commit (txn, error))
			return FALSE;
	}
	for (guint start = first; start < first + n_members; start += HY_DEMO_BATCH) {
		g_autoptr (HyTxn) txn = hy_db_begin (db, error);
		if (txn == NULL)
			return FALSE;
		for (guint i = start; i < MIN (first + n_members, start + HY_DEMO_BATCH); i++) {
			if (!hy_demo_member (db, actor, rand, i, seed, error)) {
				g_prefix_error (error, _ ("demo member %u: "), i + 1);
				return FALSE;
			}
		}
		if (!hy_txn_commit (txn, error))
			return FALSE;
	}
	return TRUE;
}
