import { shuffled, type Rng } from './random';

export const COUNTY = { code: '330822', name: '常山县' } as const;

export type StreetKind = '街道' | '镇' | '乡';
export interface StreetIdentity {
  code: string;
  name: string;
  kind: StreetKind;
}

// The real 街道 and 乡镇 of 常山县 with their statistical codes, then room for generated ones in
// the same numbering blocks (001–099 街道, 100–199 镇, 200–999 乡).
const REAL_STREETS: [string, string, StreetKind][] = [
  ['001', '天马街道', '街道'],
  ['002', '紫港街道', '街道'],
  ['003', '金川街道', '街道'],
  ['111', '球川镇', '镇'],
  ['115', '辉埠镇', '镇'],
  ['116', '芳村镇', '镇'],
  ['109', '青石镇', '镇'],
  ['108', '招贤镇', '镇'],
  ['104', '白石镇', '镇'],
  ['200', '何家乡', '乡'],
  ['211', '同弓乡', '乡'],
  ['213', '大桥头乡', '乡'],
  ['221', '东案乡', '乡'],
  ['219', '新昌乡', '乡'],
];
// NBS 2023 codes as in ../shared/data/township-codes.csv; generated ones skip the real codes.
const GENERATED_BLOCKS: [number, number, StreetKind][] = [
  [4, 99, '街道'],
  [100, 199, '镇'],
  [200, 999, '乡'],
];
const REAL_CODES = new Set(REAL_STREETS.map(([suffix]) => Number(suffix)));

// Real names in and around the county seat come first; the rest is built from syllables common
// in Zhejiang place names.
const COMMUNITY_STEMS = [
  '文峰',
  '定阳',
  '东门',
  '紫港',
  '天马',
  '金川',
  '南门',
  '西门',
  '北门',
  '城南',
  '城北',
  '和平',
  '东明',
  '白马',
  '红旗',
  '太公山',
  '青龙',
  '五里',
  '滨江',
  '阁底',
  '东鲁',
  '长风',
  '芙蓉',
  '十五里',
];
const STREET_STEMS = ['城东', '城西', '城南', '城北'];
const FIRST = [
  ...'文定东紫天金青白石花柳梅新华和平安康福永兴龙凤云芳桂松竹兰荷春秋明光丰庆宁泰瑞祥嘉锦翠清月星南西北中上下长太古大小双三五',
];
const SECOND = [...'峰阳门港马川山溪桥园苑塘源坞岭湾洲林坪畈口湖江田庄亭坂埠渡泽岩滩阁河堂家坊圩'];
const VARIANTS = ['', '东', '西', '南', '北', '一', '二', '三'];

/** An endless supply of distinct place-name stems: fixed ones, shuffled pairs, then variants. */
export class StemPool {
  private readonly used = new Set<string>();
  private readonly pairs: string[];
  private fixedAt = 0;
  private pairAt = 0;
  private round = 0;

  constructor(
    rng: Rng,
    private readonly fixed: readonly string[],
    reserved: Iterable<string> = [],
  ) {
    const all: string[] = [];
    for (const a of FIRST) for (const b of SECOND) if (a !== b) all.push(a + b);
    this.pairs = shuffled(rng, all);
    for (const r of reserved) this.used.add(r);
  }

  next(): string {
    for (;;) {
      let stem: string;
      if (this.fixedAt < this.fixed.length) stem = this.fixed[this.fixedAt++]!;
      else {
        if (this.pairAt === this.pairs.length) {
          this.pairAt = 0;
          this.round++;
        }
        const pair = this.pairs[this.pairAt++]!;
        stem =
          this.round < VARIANTS.length ? pair + VARIANTS[this.round]! : `${pair}${this.round - VARIANTS.length + 1}`;
      }
      if (!this.used.has(stem)) {
        this.used.add(stem);
        return stem;
      }
    }
  }
}

/** Identities of `count` streets, in order: the real ones first, then generated ones. */
export function streetIdentities(rng: Rng, count: number): StreetIdentity[] {
  const out = REAL_STREETS.slice(0, count).map(([suffix, name, kind]) => ({ code: COUNTY.code + suffix, name, kind }));
  const reserved = REAL_STREETS.map(([, name, kind]) => name.slice(0, -kind.length));
  const pool = new StemPool(rng, STREET_STEMS, reserved);
  for (const [from, to, kind] of GENERATED_BLOCKS) {
    for (let n = from; n <= to && out.length < count; n++) {
      if (REAL_CODES.has(n)) continue;
      out.push({ code: COUNTY.code + String(n).padStart(3, '0'), name: pool.next() + kind, kind });
    }
  }
  if (out.length < count) throw new RangeError(`demo city: ${count} streets exceed the 999 a county can number`);
  return out;
}

/** Community names unique within the county: 社区 under a 街道, 村 under a 镇 or 乡. */
export class CommunityNamer {
  private readonly pool: StemPool;
  constructor(rng: Rng) {
    this.pool = new StemPool(rng, COMMUNITY_STEMS);
  }
  next(kind: StreetKind): string {
    return this.pool.next() + (kind === '街道' ? '社区' : '村');
  }
}

export const gridName = (community: string, n: number): string => `${community}第${String(n).padStart(2, '0')}网格`;

export const MAJOR_ROAD_NAMES = [
  '人民路',
  '定阳路',
  '天马路',
  '文峰路',
  '白马路',
  '红旗街',
  '紫港路',
  '金川路',
  '东明路',
];
export const AVENUE_NAME = '常山大道';
export const RIVER_NAME = '常山港';

/** Generated road names after the real ones: 路 for arterials, 大道 for diagonals, 巷/弄/街 for lanes. */
export class RoadNamer {
  private readonly pool: StemPool;
  private majorAt = 0;
  private minorAt = 0;
  constructor(rng: Rng) {
    this.pool = new StemPool(
      rng,
      [],
      [...MAJOR_ROAD_NAMES, AVENUE_NAME].map((n) => n.replace(/(路|街|大道)$/, '')),
    );
  }
  major(diagonal: boolean): string {
    if (this.majorAt < MAJOR_ROAD_NAMES.length && !diagonal) return MAJOR_ROAD_NAMES[this.majorAt++]!;
    return this.pool.next() + (diagonal ? '大道' : '路');
  }
  minor(): string {
    return this.pool.next() + ['巷', '弄', '街'][this.minorAt++ % 3]!;
  }
}
