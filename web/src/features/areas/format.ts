import type { AreaSummary } from '@schemas/areas';

/** 1 亩 = 10000/15 m² (exactly 666.67 m²), the unit city staff think in for land. */
const M2_PER_MU = 10000 / 15;

export interface AreaFigures {
  m2: string;
  km2: string;
  mu: string;
}

export function formatArea(m2: number, locale: string): AreaFigures {
  const int = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const km = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: m2 < 10_000 ? 4 : 2 });
  return { m2: int.format(m2), km2: km.format(m2 / 1e6), mu: int.format(m2 / M2_PER_MU) };
}

/** The last digits that distinguish an area among its siblings (3 per level below the county). */
export function shortCode(area: Pick<AreaSummary, 'code'>): string {
  return area.code.length > 6 ? area.code.slice(-3) : area.code;
}

/** "文峰社区第01网格" → "第01网格" where the community is named beside it (as on the map); other names whole. */
export function gridShortName(name: string): string {
  const at = name.indexOf('第');
  return at > 0 ? name.slice(at) : name;
}
