import { computeDeadline } from '../../api/domain/deadlines';
import { substream, type Rng } from './random';

/**
 * The demo city's problems as a PLAN: for each problem a place, a category, a source and the
 * list of steps of its life (report, verify, assign, fix, accept, revisit, side paths) at
 * increasing instants. Pure and deterministic in (seed, city, categories, window): problem i
 * draws from its own stream, so the first N plans are the same whatever the count, and a chunk
 * of a million-problem plan can be made without the rest. Two writers replay it: through the
 * services users use (data/demo/problems-seed.ts) and with set-based SQL for benchmarks
 * (data/demo/problems-bulk.ts).
 */

export const PLAN_SOURCES = ['patrol', 'inspection', 'citizen', 'camera', 'undercover', 'higher_level'] as const;
export type PlanSource = (typeof PLAN_SOURCES)[number];
export type PlanState =
  'reported' | 'invalid' | 'duplicate' | 'verified' | 'assigned' | 'suspended' | 'fixed' | 'closed';
export type PlanAction =
  | 'report'
  | 'verify'
  | 'reject'
  | 'mark_duplicate'
  | 'mark_urgent'
  | 'assign'
  | 'return'
  | 'fix'
  | 'accept'
  | 'rework'
  | 'request_extension'
  | 'approve_extension'
  | 'deny_extension'
  | 'request_suspension'
  | 'approve_suspension'
  | 'deny_suspension'
  | 'resume'
  | 'revisit';
/**
 * Who takes a step: the reporter (by source), a reviewer (督查组/指挥中心), the assigned unit's
 * staff, or the grid's own staff. The writers turn these into accounts.
 */
export type PlanActor = 'reporter' | 'reviewer' | 'unit' | 'grid';

export interface PlanStep {
  action: PlanAction;
  /** epoch ms */
  at: number;
  by: PlanActor;
  comment?: string;
  /** reject, return, rework, extension and suspension requests */
  reason?: string;
  /** request_extension: hours added to the deadline in force */
  extendHours?: number;
  /** revisit */
  holds?: boolean;
  /** mark_duplicate: the index of the problem this one repeats (reported earlier, still open then) */
  duplicateOf?: number;
  /** assign after a return: to another unit than the one that returned it */
  otherUnit?: boolean;
  /** fix / revisit: which of the demo photos (an index into a small pool) */
  photo?: number;
}

export interface PlannedProblem {
  index: number;
  lon: number;
  lat: number;
  /** the grid the generator placed it in; null = deliberately outside every grid */
  gridCode: string | null;
  categoryCode: string;
  source: PlanSource;
  description: string;
  address: string | null;
  urgent: boolean;
  /** steps[0] is the report; all at increasing instants ≤ the window's end */
  steps: PlanStep[];
  /** the state after the last step (the sweep's notices change no state) */
  state: PlanState;
}

export type PlanPolygon = [number, number][][]; // outer ring, then holes (lon/lat)
export interface PlanCity {
  county: PlanPolygon[];
  grids: { code: string; polygons: PlanPolygon[] }[];
  /** road centre lines (lon/lat) with their names, for density and addresses */
  roads: { name: string | null; coordinates: [number, number][] }[];
}
export interface PlanCategory {
  code: string;
  nameZh: string;
  /** names of the 大类 and 小类 above the leaf */
  parentNamesZh: string[];
  deadlineHours: number;
  /** the deadline counts Beijing working days (api/domain/deadlines.ts) */
  workingDays: boolean;
  revisitDays: number;
  urgent: boolean;
}
export interface PlanOptions {
  seed: number;
  /** the window's start and end (epoch ms or Date); the end is "now": later steps are not taken yet */
  from: Date | number;
  to: Date | number;
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** how many after-photos the writers keep: blobs dedupe by hash, so the database stays small */
export const PLAN_PHOTOS = 8;

const SOURCE_SHARE: [PlanSource, number][] = [
  ['patrol', 0.5],
  ['inspection', 0.15],
  ['citizen', 0.13],
  ['camera', 0.1],
  ['undercover', 0.08],
  ['higher_level', 0.04],
];
const SOURCE_CUMULATIVE = Float64Array.from(
  SOURCE_SHARE.map((_, k) => SOURCE_SHARE.slice(0, k + 1).reduce((s, x) => s + x[1], 0)),
);
// Hours of the day (Beijing) at which each source reports.
const SOURCE_HOURS: Record<PlanSource, [number, number]> = {
  patrol: [7.5, 18],
  inspection: [8.5, 17.5],
  citizen: [7, 22.5],
  camera: [0, 24],
  undercover: [9, 17],
  higher_level: [8.5, 17.5],
};

// Shares of the side paths (per problem, or per assignment cycle).
const P = {
  outside: 0.004,
  duplicate: 0.03,
  invalid: 0.04,
  neglected: 0.004,
  urgentAtReport: 0.025,
  urgentLater: 0.01,
  ret: 0.06,
  extension: 0.05,
  extensionDenied: 0.2,
  suspension: 0.02,
  suspensionDenied: 0.15,
  late: 0.13,
  stuck: 0.02,
  gridFixes: 0.3,
  rework: 0.08,
  relapse: 0.08,
};

/**
 * Kinds of problem by keyword on the leaf's name (then its 小类, 大类): how common each is in a
 * 创文 campaign (exposed garbage and clutter everywhere, illegal buildings and dry toilets rare)
 * and what reports and fix notes say. Keys follow the seeded taxonomy (migration 006); a leaf an
 * admin adds later falls into its parent's kind or the default. A kind's weight is shared among
 * the leaves that fall into it.
 */
interface Group {
  keys: string[];
  weight: number;
  what: string[];
  fix: string[];
}
const G = (keys: string[], weight: number, what: string[], fix: string[]): Group => ({ keys, weight, what, fix });
const GROUPS: Group[] = [
  G(
    ['违章建筑', '违法建设', '两违'],
    0.3,
    [
      '{road}旁新建砖混结构房屋一处，约{n}0平方米，未见规划许可公示',
      '{place}楼顶加建彩钢房，疑似违法建设',
      '{road}{num}号后院私自扩建，占用公共通道',
    ],
    ['已移交执法部门立案，违建部分已拆除', '当事人已自行拆除加建部分，现场恢复原状'],
  ),
  G(
    ['乱搭乱建', '搭建'],
    1.5,
    ['{place}门前私搭雨棚，占用人行道', '{road}{num}号沿街搭建简易棚屋', '{place}侧面用彩钢板围出杂物间'],
    ['私搭雨棚已拆除', '简易棚屋已拆除清运，地面已清扫'],
  ),
  G(
    ['乱堆', '杂物', '物料'],
    6,
    ['{road}{num}号旁人行道堆放建材约{n}立方米', '{place}楼道口堆放废旧家具、纸箱', '{road}绿化带内堆放杂物，未设围挡'],
    ['堆放物已全部清运，地面已清扫', '废旧家具已清运，楼道已清扫', '杂物已清除，绿化带已恢复'],
  ),
  G(
    ['乱拉乱挂', '晾晒', '横幅'],
    2,
    ['{road}行道树上私拉绳索晾晒衣物', '{place}门前护栏悬挂过期横幅', '{road}{num}号电线杆上悬挂广告布'],
    ['悬挂物已全部拆除', '晾晒衣物已收回，绳索已拆除'],
  ),
  G(
    ['乱摆乱放', '乱摆', '店外'],
    10,
    [
      '{road}{num}号店外摆放货架、纸箱，占用人行道约{n}米',
      '{place}门口桌椅摆放至人行道，影响行人通行',
      '{road}沿街商铺门前摆放招牌、花架',
    ],
    ['物品已移回店内，人行道恢复畅通', '已督促店主将货物收回店内，并签订门前四包责任书'],
  ),
  G(
    ['小广告', '牛皮癣', '乱贴'],
    6,
    ['{road}{num}号电线杆上张贴小广告', '{road}公交站台张贴"牛皮癣"广告约{n}处', '{place}楼道墙面喷涂办证电话'],
    ['小广告已清除，墙面已复涂', '站台广告已铲除清洗，无残胶'],
  ),
  G(
    ['乱涂乱画', '涂鸦', '乱画'],
    2,
    ['{place}外墙有乱涂乱画，面积约{n}平方米', '{road}{num}号桥洞墙面被涂写'],
    ['涂画已清洗覆盖，色调与周边一致', '墙面已重新粉刷'],
  ),
  G(
    ['架空线缆', '线缆', '蜘蛛网'],
    2.5,
    ['{road}{num}号附近空中线缆杂乱下垂', '{road}通信线缆脱落悬挂，离地不足两米', '{place}上空废弃线缆缠绕成"蜘蛛网"'],
    ['线缆已整理捆扎，废弃线缆已拆除', '脱落线缆已由运营商重新架设并挂牌'],
  ),
  G(
    ['飞线', '私拉乱接', '电线'],
    1.5,
    ['{place}楼上私拉电线为电动车充电', '{road}{num}号跨路私接电线'],
    ['飞线已拆除，已引导使用集中充电桩', '私接电线已拆除，复查无新增'],
  ),
  G(
    ['井盖'],
    1,
    ['{road}{num}号门前井盖缺失，已临时放置警示桩', '{road}人行道井盖破损下沉'],
    ['井盖已补齐，与路面平顺', '破损井盖已更换'],
  ),
  G(
    ['护栏', '路灯', '市政设施'],
    1.5,
    ['{road}中央护栏倒伏约{n}米', '{road}{num}号附近路灯不亮', '{place}旁隔离栏锈蚀断裂'],
    ['护栏已扶正加固', '路灯已维修，恢复照明', '隔离栏已更换'],
  ),
  G(
    ['破损广告牌', '店招', '招牌'],
    1.5,
    ['{place}店招破损、字体缺失', '{road}{num}号广告牌锈蚀松动，存在坠落隐患'],
    ['破损店招已更换', '广告牌已拆除，隐患已消除'],
  ),
  G(
    ['户外广告'],
    1,
    ['{road}{num}号楼顶设置未经审批的广告牌', '{place}门前设置落地广告牌占用人行道'],
    ['违规广告已拆除', '已补办审批手续，按批准内容设置'],
  ),
  G(
    ['烟草'],
    0.6,
    ['{place}店内外张贴烟草广告', '{road}{num}号便利店设置烟草灯箱广告'],
    ['烟草广告已撤除，已张贴"不向未成年人售烟"标识', '灯箱广告已拆除'],
  ),
  G(
    ['公益广告'],
    1.5,
    ['{road}沿线公益广告褪色破损', '{place}周边公益广告内容过期'],
    ['公益广告已更换为现行主题', '已补设公益广告，画面完整'],
  ),
  G(
    ['流动摊贩'],
    5,
    ['{road}{num}号门口流动摊贩占道经营', '{place}门前水果摊占用盲道', '{road}路口三轮车流动售卖'],
    ['已劝离流动摊贩，引导至便民疏导点经营', '摊点已清离，连续巡查无回潮'],
  ),
  G(
    ['出店经营', '占道经营'],
    4,
    ['{road}{num}号汽修店在人行道上维修车辆', '{place}店外经营，桌椅摆放至人行道', '{road}{num}号洗车店占道洗车'],
    ['经营活动已收回店内', '已责令店主将桌椅收回店内，门前整洁'],
  ),
  G(
    ['马路市场', '夜市'],
    1.5,
    ['{road}早市摊点超出划定区域经营', '{road}自发形成夜市，摊位约{n}个'],
    ['摊点已迁入规划市场，道路恢复通行', '已规范至划定区域内经营，地面已清扫'],
  ),
  G(
    ['非机动车', '乱停乱放'],
    5,
    ['{road}人行道上电动车乱停乱放，约{n}辆', '{place}门前共享单车堆叠倒伏，占用盲道'],
    ['电动车已规范停放到划定区域', '共享单车已由运维人员调度清理'],
  ),
  G(
    ['机动车'],
    4,
    ['{road}{num}号人行道上机动车乱停约{n}辆', '{place}消防通道被私家车占用'],
    ['违停车辆已驶离，已贴单处理', '已设置隔离桩，消防通道畅通'],
  ),
  G(
    ['遛犬', '牵绳'],
    1,
    ['{place}附近有人遛犬未牵绳', '{road}大型犬未戴嘴套'],
    ['已对犬主进行劝导教育', '犬主已签订文明养犬承诺书'],
  ),
  G(
    ['犬只粪便', '粪便'],
    1,
    ['{road}人行道上有犬只粪便未清理', '{place}草坪内犬只粪便较多'],
    ['粪便已清理，已设置文明养犬提示牌', '地面已冲洗干净'],
  ),
  G(
    ['渣土撒漏', '撒漏', '抛洒'],
    1,
    ['{road}有渣土车沿途抛洒，路面污染约{n}0米', '{road}{num}号路口泥浆撒漏'],
    ['路面已冲洗，已对运输单位立案处罚', '泥浆已清除，肇事车辆已查处'],
  ),
  G(
    ['渣土车', '未密闭', '渣土'],
    0.8,
    ['{road}渣土车未密闭行驶', '{place}工地出入口车辆带泥上路'],
    ['车辆已完成密闭改装', '工地已设置洗车平台，车辆冲洗后上路'],
  ),
  G(
    ['围挡'],
    1,
    ['{place}工地围挡破损倾斜约{n}米', '{road}{num}号施工点未设置围挡'],
    ['围挡已修复，连续封闭', '已按规定设置围挡及公益广告'],
  ),
  G(
    ['扬尘', '工地'],
    1.2,
    ['{road}{num}号建筑工地裸土未覆盖', '{place}工地未洒水降尘，扬尘明显'],
    ['裸土已全部覆盖防尘网', '已落实洒水降尘措施，现场无明显扬尘'],
  ),
  G(
    ['乱倒', '倾倒'],
    3,
    ['{road}{num}号路边有乱倒的建筑垃圾', '{place}后侧空地被倾倒大件垃圾'],
    ['倾倒物已清运，已设置禁倒提示', '建筑垃圾已清运，已对倾倒人批评教育'],
  ),
  G(
    ['污水', '乱排'],
    1.5,
    ['{place}向雨水井倾倒餐厨污水', '{road}{num}号洗车污水直排路面'],
    ['已加装隔油池，污水接入污水管网', '直排已停止，雨水井已清掏'],
  ),
  G(
    ['垃圾桶', '满溢'],
    5,
    ['{place}后侧垃圾桶满溢，周边散落生活垃圾', '{road}{num}号垃圾箱破损无盖'],
    ['垃圾已清运，垃圾桶已清空并消毒', '垃圾箱已更换，周边已清扫'],
  ),
  G(
    ['卫生死角', '死角'],
    4,
    ['{road}背街小巷卫生死角堆积垃圾约{n}袋', '{place}楼院角落长期积存杂物'],
    ['卫生死角已清理，已纳入日常保洁', '积存杂物已清除，地面已清扫'],
  ),
  G(
    ['暴露垃圾', '垃圾'],
    12,
    [
      '{road}{num}号旁绿化带内有暴露垃圾',
      '{place}门前散落烟头、纸屑，未及时清扫',
      '{road}河道边有漂浮及暴露垃圾',
      '{road}与小巷交叉口有生活垃圾堆积',
    ],
    ['垃圾已清运，周边已冲洗', '已增加清扫频次，安排保洁员定时巡查'],
  ),
  G(
    ['旱厕'],
    0.3,
    ['{place}附近仍有旱厕在用，卫生条件差', '{road}旁有露天粪坑未改造'],
    ['旱厕已改造为水冲式厕所', '粪坑已填埋并消杀'],
  ),
  G(
    ['公厕', '厕所'],
    1.5,
    ['{road}公厕无人保洁，异味明显', '{place}公厕便池堵塞、地面积水'],
    ['已落实保洁人员，公厕已清洗消毒', '设施已维修，已张贴所长制公示牌'],
  ),
  G(
    ['油烟'],
    1.5,
    ['{place}餐饮店油烟直排，未安装净化设施', '{road}{num}号烧烤店油烟扰民'],
    ['已安装油烟净化器并清洗管道', '净化设施已正常运行，已提供清洗记录'],
  ),
  G(
    ['防鼠', '防蝇', '三防', '防制'],
    1,
    ['{road}{num}号餐饮店未设置防鼠板', '{place}食品店无纱窗纱门、灭蝇灯'],
    ['"三防"设施已配齐', '防鼠板、灭蝇灯已安装并正常使用'],
  ),
  G(
    ['蚊', '积水'],
    2,
    ['{place}后院积水容器多处，有蚊幼虫孳生', '{road}绿化带内废弃轮胎积水'],
    ['积水容器已清除，已喷洒灭蚊药物', '废弃轮胎已清走，复查无蚊幼虫'],
  ),
  G(
    ['鼠'],
    1.5,
    ['{place}绿化带内发现鼠洞{n}处', '{road}{num}号餐饮店后门发现鼠迹'],
    ['鼠洞已堵塞并投放毒饵站', '已投放毒饵站，复查无新鲜鼠迹'],
  ),
  G(
    ['蝇'],
    1,
    ['{place}垃圾堆放点蝇类密集', '{road}农贸市场周边蝇类孳生'],
    ['孳生物已清除，已完成消杀', '设施已密闭，复查无明显蝇类'],
  ),
  G(
    ['夜间施工'],
    0.8,
    ['{place}夜间施工噪音扰民', '{road}{num}号工地22时后仍在作业'],
    ['已责令停止夜间施工', '施工单位已取得夜间施工许可并公示'],
  ),
  G(
    ['噪音', '噪声'],
    1.5,
    ['{road}{num}号商铺使用高音喇叭招揽顾客', '{place}广场舞音响音量过大'],
    ['高音喇叭已停用，店主已签订承诺书', '已协调降低音量并调整活动时间'],
  ),
  G(
    ['吸烟', '禁烟'],
    0.8,
    ['{place}室内有人吸烟，未张贴禁烟标识', '{road}{num}号网吧内吸烟现象普遍'],
    ['已张贴禁烟标识并撤除烟具', '场所管理人员已落实劝阻'],
  ),
  G(
    ['焚烧'],
    0.5,
    ['{road}旁有人露天焚烧垃圾', '{place}附近焚烧落叶、秸秆'],
    ['明火已扑灭，残留已清理', '已对焚烧人劝导教育'],
  ),
];
const DEFAULT_GROUP: Group = G(
  [],
  1,
  ['{road}{num}号附近发现{cat}问题，影响市容环境', '{place}存在{cat}问题，请尽快处置'],
  ['已按结案标准整改到位', '问题已处理，现场已恢复'],
);
const PLACES = [
  '农贸市场',
  '菜市场',
  '阳光小区',
  '实验小学',
  '沿街商铺',
  '便利店',
  '小吃店',
  '公交站',
  '文化广场',
  '城市公园',
  '宾馆',
  '超市',
  '县人民医院',
  '社区卫生服务站',
  '银行网点',
  '老旧小区',
  '五金店',
  '早餐店',
  '商业街',
  '客运站',
];
const REJECT = [
  '经现场核实，未发现所反映问题',
  '不属于城市管理范围，已告知反映人',
  '现场问题已自行消失，不予立案',
  '反映位置不清，经联系无法核实',
];
const RETURN = [
  '该点位不在本单位包保范围，请重新交办',
  '该问题属于其他部门职责，申请退回',
  '经核实为产权单位责任，非本单位事项',
];
const REWORK = [
  '现场仍有残留，整改不彻底',
  '整改照片与问题位置不符，请补充',
  '只做了临时处理，未达到结案标准',
  '复查时问题仍存在',
];
const EXTENSION = [
  '需协调产权单位，申请延期',
  '整改需采购材料，申请延期',
  '涉及多部门联合处置，申请延期',
  '连续降雨无法施工，申请延期',
];
const SUSPENSION = ['涉及拆迁规划，暂时无法整改，申请挂账', '产权纠纷未解决，申请挂账', '需列入年度改造计划，申请挂账'];
const REVISIT_OK = ['回头看：现场保持良好，未反弹', '回头看：问题未复发', '回头看：整改效果巩固'];
const REVISIT_BAD = ['回头看：问题反弹，重新交办', '回头看：现场再次出现同类问题'];

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const between = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng();
const ms = (t: Date | number) => (typeof t === 'number' ? t : t.getTime());
/** hour of the day in Beijing (UTC+8, no DST) */
const bjHour = (t: number) => ((((t + 8 * HOUR) % DAY) + DAY) % DAY) / HOUR;
const bjMidnight = (t: number) => Math.floor((t + 8 * HOUR) / DAY) * DAY - 8 * HOUR;

// ---- geometry (local metres about the county's centre; the county spans tens of km at most) ----

function inRing(x: number, y: number, ring: [number, number][]): boolean {
  let c = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!,
      [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}
const inPolygons = (x: number, y: number, polys: PlanPolygon[]) =>
  polys.some(([shell, ...holes]) => inRing(x, y, shell!) && !holes.some((h) => inRing(x, y, h)));

function bboxOf(polys: PlanPolygon[]): [number, number, number, number] {
  let w = Infinity,
    s = Infinity,
    e = -Infinity,
    n = -Infinity;
  for (const p of polys)
    for (const [x, y] of p[0]!) {
      w = Math.min(w, x);
      s = Math.min(s, y);
      e = Math.max(e, x);
      n = Math.max(n, y);
    }
  return [w, s, e, n];
}
function ringArea(ring: [number, number][]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++)
    a += (ring[j]![0] + ring[i]![0]) * (ring[j]![1] - ring[i]![1]);
  return Math.abs(a) / 2;
}
const polysArea = (polys: PlanPolygon[]) =>
  polys.reduce((s, [shell, ...holes]) => s + ringArea(shell!) - holes.reduce((h, r) => h + ringArea(r), 0), 0);

/** The city prepared once: grid weights, a bucket index of road segments, gap points. */
export interface PlanContext {
  seed: number;
  from: number;
  to: number;
  grids: { code: string; polygons: PlanPolygon[]; bbox: [number, number, number, number] }[];
  gridByCode: Map<string, { code: string; polygons: PlanPolygon[] }>;
  /** cumulative grid weights (denser near the centre) */
  cumulative: Float64Array;
  categories: { cat: PlanCategory; group: Group }[];
  categoryCumulative: Float64Array;
  /** points inside the county and outside every grid (empty when the grids cover it) */
  gaps: [number, number][];
  nearestRoad: (lon: number, lat: number) => { name: string | null; metres: number } | null;
}

export function preparePlan(city: PlanCity, categories: PlanCategory[], options: PlanOptions): PlanContext {
  const from = ms(options.from),
    to = ms(options.to);
  if (!(to > from)) throw new RangeError('problem plan: the window must end after it starts');
  if (city.grids.length === 0) throw new RangeError('problem plan: the city has no grids');
  if (categories.length === 0) throw new RangeError('problem plan: no leaf categories');
  const [cw, cs, ce, cn] = bboxOf(city.county.length ? city.county : city.grids.flatMap((g) => g.polygons));
  const lon0 = (cw + ce) / 2,
    lat0 = (cs + cn) / 2;
  const kx = 111320 * Math.cos((lat0 * Math.PI) / 180),
    ky = 110574;
  const radius = Math.max((ce - cw) * kx, (cn - cs) * ky) / 2;

  const grids = [...city.grids]
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
    .map((g) => ({ ...g, bbox: bboxOf(g.polygons) }));
  const cumulative = new Float64Array(grids.length);
  let sum = 0;
  grids.forEach((g, i) => {
    const [w, s, e, n] = g.bbox;
    const d = Math.hypot(((w + e) / 2 - lon0) * kx, ((s + n) / 2 - lat0) * ky);
    // More problems where more happens: bigger grids somewhat, central ones much more.
    const areaM2 = polysArea(g.polygons) * kx * ky;
    sum += Math.sqrt(Math.max(areaM2, 1)) * (0.3 + Math.exp(-((d / (0.45 * radius)) ** 2)));
    cumulative[i] = sum;
  });

  const cats = [...categories]
    .sort((a, b) => (a.code < b.code ? -1 : 1))
    .map((cat) => {
      const names = [cat.nameZh, ...[...cat.parentNamesZh].reverse()];
      const group =
        names.map((n) => GROUPS.find((g) => g.keys.some((k) => n.includes(k)))).find(Boolean) ?? DEFAULT_GROUP;
      return { cat, group };
    });
  const perGroup = new Map<Group, number>();
  for (const c of cats) perGroup.set(c.group, (perGroup.get(c.group) ?? 0) + 1);
  const categoryCumulative = new Float64Array(cats.length);
  let cs2 = 0;
  cats.forEach((c, i) => {
    cs2 += c.group === DEFAULT_GROUP ? DEFAULT_GROUP.weight : c.group.weight / perGroup.get(c.group)!;
    categoryCumulative[i] = cs2;
  });

  // Roads: segments bucketed in 250 m cells, so the nearest one is a few lookups away.
  const CELL = 250;
  const buckets = new Map<number, number[]>();
  const segs: number[] = []; // x1 y1 x2 y2 roadIndex
  const key = (i: number, j: number) => (i + 50_000) * 100_000 + (j + 50_000);
  city.roads.forEach((r, ri) => {
    for (let k = 1; k < r.coordinates.length; k++) {
      const [ax, ay] = r.coordinates[k - 1]!,
        [bx, by] = r.coordinates[k]!;
      const x1 = (ax - lon0) * kx,
        y1 = (ay - lat0) * ky,
        x2 = (bx - lon0) * kx,
        y2 = (by - lat0) * ky;
      const at = segs.length / 5;
      segs.push(x1, y1, x2, y2, ri);
      for (let i = Math.floor(Math.min(x1, x2) / CELL); i <= Math.floor(Math.max(x1, x2) / CELL); i++)
        for (let j = Math.floor(Math.min(y1, y2) / CELL); j <= Math.floor(Math.max(y1, y2) / CELL); j++) {
          const b = buckets.get(key(i, j));
          if (b) b.push(at);
          else buckets.set(key(i, j), [at]);
        }
    }
  });
  const nearestRoad = (lon: number, lat: number) => {
    const x = (lon - lon0) * kx,
      y = (lat - lat0) * ky;
    const ci = Math.floor(x / CELL),
      cj = Math.floor(y / CELL);
    let best = Infinity,
      road = -1;
    for (let i = ci - 1; i <= ci + 1; i++)
      for (let j = cj - 1; j <= cj + 1; j++) {
        for (const s of buckets.get(key(i, j)) ?? []) {
          const x1 = segs[s * 5]!,
            y1 = segs[s * 5 + 1]!,
            dx = segs[s * 5 + 2]! - x1,
            dy = segs[s * 5 + 3]! - y1;
          const len2 = dx * dx + dy * dy;
          const u = len2 > 0 ? Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / len2)) : 0;
          const d = Math.hypot(x - x1 - u * dx, y - y1 - u * dy);
          if (d < best) {
            best = d;
            road = segs[s * 5 + 4]!;
          }
        }
      }
    return road < 0 ? null : { name: city.roads[road]!.name, metres: best };
  };

  // Places inside the county but in no grid: a coverage gap, where reports must still land.
  const gaps: [number, number][] = [];
  if (city.county.length) {
    const rng = substream(options.seed, 'problem-gaps');
    const gridBuckets = new Map<number, number[]>();
    const GC = 0.01; // degrees
    grids.forEach((g, gi) => {
      for (let i = Math.floor(g.bbox[0] / GC); i <= Math.floor(g.bbox[2] / GC); i++)
        for (let j = Math.floor(g.bbox[1] / GC); j <= Math.floor(g.bbox[3] / GC); j++) {
          const b = gridBuckets.get(key(i, j));
          if (b) b.push(gi);
          else gridBuckets.set(key(i, j), [gi]);
        }
    });
    for (let tries = 0; tries < 4000 && gaps.length < 64; tries++) {
      const x = between(rng, cw, ce),
        y = between(rng, cs, cn);
      if (!inPolygons(x, y, city.county)) continue;
      const near = gridBuckets.get(key(Math.floor(x / GC), Math.floor(y / GC))) ?? [];
      // 1 m of margin from every grid, so rounding cannot put it back on an edge
      const m = 1 / ky;
      if (
        near.some((gi) =>
          [
            [0, 0],
            [m, 0],
            [-m, 0],
            [0, m],
            [0, -m],
          ].some(([dx, dy]) => inPolygons(x + dx!, y + dy!, grids[gi]!.polygons)),
        )
      )
        continue;
      gaps.push([round7(x), round7(y)]);
    }
  }
  return {
    seed: options.seed,
    from,
    to,
    grids,
    gridByCode: new Map(grids.map((g) => [g.code, g])),
    cumulative,
    categories: cats,
    categoryCumulative,
    gaps,
    nearestRoad,
  };
}

const round7 = (v: number) => Math.round(v * 1e7) / 1e7;
function search(cum: Float64Array, r: number): number {
  const target = r * cum[cum.length - 1]!;
  let lo = 0,
    hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** A report instant: more on weekdays and as the campaign goes on, at the source's hours. */
function reportInstant(rng: Rng, ctx: PlanContext, source: PlanSource): number {
  const days = Math.max(1, Math.ceil((ctx.to - ctx.from) / DAY));
  const [h0, h1] = SOURCE_HOURS[source];
  for (let tries = 0; ; tries++) {
    const dayStart = bjMidnight(ctx.from) + Math.floor(rng() * (days + 1)) * DAY;
    const t = dayStart + between(rng, h0, h1) * HOUR;
    if (t < ctx.from || t > ctx.to) {
      if (tries < 50) continue;
      return ctx.from + rng() * (ctx.to - ctx.from);
    }
    const weekday = new Date(t + 8 * HOUR).getUTCDay();
    const weight = (weekday === 0 || weekday === 6 ? 0.6 : 1) * (0.7 + 0.3 * ((t - ctx.from) / (ctx.to - ctx.from)));
    // 暗访 comes in waves, twice a month
    const dom = new Date(t + 8 * HOUR).getUTCDate();
    if (source === 'undercover' && ![3, 4, 5, 17, 18, 19].includes(dom) && tries < 60) continue;
    if (rng() < weight || tries >= 60) return t;
  }
}

/** People act in office hours: a step falling at night moves to the next morning. */
function office(rng: Rng, t: number): number {
  const h = bjHour(t);
  if (h >= 8 && h < 21) return t;
  return bjMidnight(t + (h >= 21 ? DAY : 0)) + (8 + rng() * 1.5) * HOUR;
}

/** A description from a template; `num` is the house number, the same as in the address. */
function fill(rng: Rng, template: string, road: string | null, cat: string, num: number): string {
  return template
    .replaceAll('{road}', road ?? pick(rng, ['县前街', '定阳路', '人民路', '紫港路', '天马路', '文峰路']))
    .replaceAll('{place}', pick(rng, PLACES))
    .replaceAll('{num}', String(num))
    .replaceAll('{n}', String(2 + Math.floor(rng() * 18)))
    .replaceAll('{cat}', cat);
}

interface Place {
  lon: number;
  lat: number;
  gridCode: string | null;
  road: { name: string | null; metres: number } | null;
}

function place(rng: Rng, ctx: PlanContext): Place {
  if (ctx.gaps.length && rng() < P.outside) {
    const [lon, lat] = pick(rng, ctx.gaps);
    return { lon, lat, gridCode: null, road: ctx.nearestRoad(lon, lat) };
  }
  const g = ctx.grids[search(ctx.cumulative, rng())]!;
  const [w, s, e, n] = g.bbox;
  // Denser along roads: of a few candidates in the grid, usually the one nearest a road.
  const candidates: Place[] = [];
  const want = rng() < 0.7 ? 3 : 1;
  for (let tries = 0; candidates.length < want && tries < 200; tries++) {
    const lon = round7(between(rng, w, e)),
      lat = round7(between(rng, s, n));
    if (inPolygons(lon, lat, g.polygons))
      candidates.push({ lon, lat, gridCode: g.code, road: ctx.nearestRoad(lon, lat) });
  }
  if (!candidates.length) {
    // a sliver the sampler keeps missing: its first vertex nudged towards the bbox centre
    const [x, y] = g.polygons[0]![0]![0]!;
    const lon = round7(x + ((w + e) / 2 - x) * 0.01),
      lat = round7(y + ((s + n) / 2 - y) * 0.01);
    return { lon, lat, gridCode: g.code, road: ctx.nearestRoad(lon, lat) };
  }
  return candidates.reduce((a, b) => ((b.road?.metres ?? Infinity) < (a.road?.metres ?? Infinity) ? b : a));
}

/** Is problem i planned as a duplicate? (The first draw of its stream, so others can ask cheaply.) */
const streamOf = (ctx: PlanContext, i: number) => substream(ctx.seed, `problem:${i}`);

/** Plan of problem i (0-based). */
export function planProblem(ctx: PlanContext, i: number): PlannedProblem {
  const rng = streamOf(ctx, i);
  const dup = rng() < P.duplicate;
  if (dup) {
    const d = planDuplicate(ctx, i, rng);
    if (d) return d;
  }
  return planLife(ctx, i, rng);
}

/** the open interval of a problem: from its report until it is first closed or made final */
function openUntil(p: PlannedProblem): number {
  const end = p.steps.find((s) => s.action === 'accept' || s.action === 'reject' || s.action === 'mark_duplicate');
  return end ? end.at : Infinity;
}

function planDuplicate(ctx: PlanContext, i: number, rng: Rng): PlannedProblem | null {
  // The original: an earlier index that is not itself a duplicate, still open a while later.
  for (
    let back = 1 + Math.floor(rng() * 40), tries = 0;
    tries < 4 && i - back >= 0;
    back += 1 + Math.floor(rng() * 5), tries++
  ) {
    const j = i - back;
    if (streamOf(ctx, j)() < P.duplicate) continue;
    const original = planLife(
      ctx,
      j,
      (() => {
        const r = streamOf(ctx, j);
        r();
        return r;
      })(),
    );
    const reportedAt = Math.round(original.steps[0]!.at + between(rng, 0.5, 36) * HOUR);
    const markAt = Math.round(office(rng, reportedAt + between(rng, 0.3, 5) * HOUR));
    if (markAt > ctx.to || markAt >= openUntil(original) - 60_000) continue;
    const source = pick(rng, ['citizen', 'patrol', 'camera', 'citizen'] as const);
    // a few metres away: the same thing seen by someone else
    const lon = round7(original.lon + between(rng, -1, 1) * 0.0002),
      lat = round7(original.lat + between(rng, -1, 1) * 0.0002);
    // same grid as the original (a gap's problem is not repeated: it would need a gap around it)
    const g = original.gridCode === null ? undefined : ctx.gridByCode.get(original.gridCode);
    if (!g || !inPolygons(lon, lat, g.polygons)) continue;
    const cat = ctx.categories.find((c) => c.cat.code === original.categoryCode)!; // a few dozen leaves
    const road = ctx.nearestRoad(lon, lat);
    return {
      index: i,
      lon,
      lat,
      gridCode: original.gridCode,
      categoryCode: original.categoryCode,
      source,
      description:
        fill(
          rng,
          pick(rng, cat.group.what),
          road && road.metres < 300 ? road.name : null,
          cat.cat.nameZh,
          Number(/(\d+)号/.exec(original.address ?? '')?.[1] ?? 1 + Math.floor(rng() * 300)),
        ) + '（重复反映）',
      address: original.address,
      urgent: false,
      steps: [
        { action: 'report', at: reportedAt, by: 'reporter' },
        { action: 'mark_duplicate', at: markAt, by: 'reviewer', duplicateOf: j, comment: '与已受理问题重复，合并处理' },
      ],
      state: 'duplicate',
    };
  }
  return null;
}

function planLife(ctx: PlanContext, i: number, rng: Rng): PlannedProblem {
  const source = SOURCE_SHARE[search(SOURCE_CUMULATIVE, rng())]![0];
  const { cat, group } = ctx.categories[search(ctx.categoryCumulative, rng())]!;
  const where = place(rng, ctx);
  const roadName = where.road && where.road.metres < 300 ? where.road.name : null;
  const num = 1 + Math.floor(rng() * 300);
  const description = fill(rng, pick(rng, group.what), roadName, cat.nameZh, num);
  const address = roadName ? `${roadName}${num}号附近` : null;
  const urgent = cat.urgent || rng() < P.urgentAtReport;
  const deadlineFrom = (at: number) => computeDeadline(new Date(at), cat).getTime();
  const reportedAt = Math.round(reportInstant(rng, ctx, source));

  const steps: PlanStep[] = [{ action: 'report', at: reportedAt, by: 'reporter' }];
  let t = reportedAt;
  /** the next step's instant: after the last one by at least a minute */
  const step = (s: Omit<PlanStep, 'at'>, at: number) => {
    t = Math.max(Math.round(at), t + 60_000);
    steps.push({ ...s, at: t });
  };
  const fixNote = () => pick(rng, group.fix);

  // 立案: within hours in office time; a few neglected for days.
  step(
    { action: rng() < P.invalid ? 'reject' : 'verify', by: 'reviewer' },
    rng() < P.neglected ? t + between(rng, 2, 12) * DAY : office(rng, t + between(rng, 0.3, 6) * HOUR),
  );
  if (steps[1]!.action === 'reject') {
    steps[1]!.reason = pick(rng, REJECT);
    return finish(ctx, {
      index: i,
      lon: where.lon,
      lat: where.lat,
      gridCode: where.gridCode,
      categoryCode: cat.code,
      source,
      description,
      address,
      urgent,
      steps,
    });
  }
  if (!urgent && rng() < P.urgentLater)
    step(
      { action: 'mark_urgent', by: 'reviewer', comment: '群众反映强烈，列为紧急' },
      t + between(rng, 0.05, 1) * HOUR,
    );

  step({ action: 'assign', by: 'reviewer' }, office(rng, t + between(rng, 0.2, 3) * HOUR));
  let deadline = deadlineFrom(t);
  let returned = false,
    reworks = 0,
    relapses = 0;
  for (;;) {
    // one assignment cycle: side paths, then the fix, then acceptance or rework
    const start = t;
    if (!returned && rng() < P.ret) {
      returned = true;
      step({ action: 'return', by: 'unit', reason: pick(rng, RETURN) }, t + between(rng, 0.05, 0.4) * (deadline - t));
      step({ action: 'assign', by: 'reviewer', otherUnit: true }, office(rng, t + between(rng, 0.5, 4) * HOUR));
      deadline = deadlineFrom(t);
      continue;
    }
    if (rng() < P.extension) {
      step(
        { action: 'request_extension', by: 'unit', reason: pick(rng, EXTENSION), extendHours: pick(rng, [24, 48, 72]) },
        start + between(rng, 0.3, 0.7) * (deadline - start),
      );
      const req = steps[steps.length - 1]!;
      if (rng() < P.extensionDenied)
        step(
          { action: 'deny_extension', by: 'reviewer', comment: '理由不充分，请按期整改' },
          office(rng, t + between(rng, 0.5, 6) * HOUR),
        );
      else {
        step({ action: 'approve_extension', by: 'reviewer' }, office(rng, t + between(rng, 0.5, 6) * HOUR));
        deadline += req.extendHours! * HOUR;
      }
    } else if (rng() < P.suspension) {
      step(
        { action: 'request_suspension', by: 'unit', reason: pick(rng, SUSPENSION) },
        start + between(rng, 0.2, 0.6) * (deadline - start),
      );
      if (rng() < P.suspensionDenied)
        step(
          { action: 'deny_suspension', by: 'reviewer', comment: '不符合挂账条件，请继续整改' },
          office(rng, t + between(rng, 1, 12) * HOUR),
        );
      else {
        step({ action: 'approve_suspension', by: 'reviewer' }, office(rng, t + between(rng, 1, 12) * HOUR));
        const suspendedAt = t;
        step(
          { action: 'resume', by: 'reviewer', comment: '挂账条件已消除，恢复整改' },
          office(rng, t + between(rng, 5, 30) * DAY),
        );
        deadline += t - suspendedAt; // the service moves it by the time suspended
      }
    }
    // The fix: mostly in time, some late (supervision, maybe accountability), a few stuck for days.
    const r = rng();
    const fixAt =
      r < P.stuck
        ? deadline + between(rng, 3, 25) * DAY
        : r < P.stuck + P.late
          ? deadline + (0.5 + -Math.log(1 - rng() * 0.999) * 10) * HOUR
          : t + (0.15 + 0.8 * rng() ** 0.8) * Math.max(deadline - t - 60_000, 60_000);
    step(
      {
        action: 'fix',
        by: source === 'patrol' && rng() < P.gridFixes ? 'grid' : 'unit',
        comment: fixNote(),
        photo: Math.floor(rng() * PLAN_PHOTOS),
      },
      fixAt,
    );
    // 验收: a reviewer looks within a day or so; sometimes it is not good enough (rework, deadline kept).
    const lookAt = office(rng, t + between(rng, 1, 30) * HOUR);
    if (reworks < 2 && rng() < P.rework) {
      reworks++;
      step({ action: 'rework', by: 'reviewer', reason: pick(rng, REWORK) }, lookAt);
      // rework buys no time: the same deadline, often already behind
      step(
        { action: 'fix', by: 'unit', comment: fixNote(), photo: Math.floor(rng() * PLAN_PHOTOS) },
        t + between(rng, 2, 30) * HOUR,
      );
      step(
        { action: 'accept', by: 'reviewer', comment: '复查合格，予以销号' },
        office(rng, t + between(rng, 1, 24) * HOUR),
      );
    } else step({ action: 'accept', by: 'reviewer', comment: '整改到位，予以销号' }, lookAt);
    // 回头看 after the category's days: holds, or relapses once into a new cycle.
    const revisitAt = office(rng, t + cat.revisitDays * DAY + between(rng, 0, 2) * DAY);
    const relapse = relapses < 1 && rng() < P.relapse;
    step(
      {
        action: 'revisit',
        by: source === 'patrol' && rng() < 0.3 ? 'grid' : 'reviewer',
        holds: !relapse,
        comment: pick(rng, relapse ? REVISIT_BAD : REVISIT_OK),
        ...(relapse ? { photo: Math.floor(rng() * PLAN_PHOTOS) } : {}),
      },
      revisitAt,
    );
    if (!relapse) break;
    relapses++;
    deadline = deadlineFrom(t);
  }
  return finish(ctx, {
    index: i,
    lon: where.lon,
    lat: where.lat,
    gridCode: where.gridCode,
    categoryCode: cat.code,
    source,
    description,
    address,
    urgent,
    steps,
  });
}

const AFTER: Partial<Record<PlanAction, (s: PlanStep, from: PlanState) => PlanState>> = {
  verify: () => 'verified',
  reject: () => 'invalid',
  mark_duplicate: () => 'duplicate',
  assign: () => 'assigned',
  return: () => 'verified',
  fix: () => 'fixed',
  accept: () => 'closed',
  rework: () => 'assigned',
  approve_suspension: () => 'suspended',
  resume: () => 'assigned',
  revisit: (s) => (s.holds ? 'closed' : 'assigned'),
};

/** Drops the steps after the window's end ("not yet") and works out the state now. */
function finish(ctx: PlanContext, p: Omit<PlannedProblem, 'state'>): PlannedProblem {
  const cut = p.steps.findIndex((s) => s.at > ctx.to);
  const steps = cut < 0 ? p.steps : p.steps.slice(0, cut);
  let state: PlanState = 'reported';
  for (const s of steps.slice(1)) state = AFTER[s.action]?.(s, state) ?? state;
  return { ...p, steps, state };
}

/** A whole plan: its window and the problems, in index order (not in time order). */
export interface ProblemPlan {
  seed: number;
  from: number;
  to: number;
  problems: PlannedProblem[];
}

/** The first `count` plans. */
export function planProblems(
  city: PlanCity,
  categories: PlanCategory[],
  options: PlanOptions & { count: number },
): ProblemPlan {
  const ctx = preparePlan(city, categories, options);
  return {
    seed: ctx.seed,
    from: ctx.from,
    to: ctx.to,
    problems: Array.from({ length: options.count }, (_, i) => planProblem(ctx, i)),
  };
}
