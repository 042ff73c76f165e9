import { describe, expect, it } from 'vitest';
import {
  clusterCoreRadius,
  clusterLabel,
  clusterRadius,
  coreRadius,
  featureFill,
  featureLineWidth,
  featureRadius,
  featureText,
  flag,
  haloRadius,
  hexToRgba,
  hidden,
  isCluster,
  LABEL_CHARACTERS,
  OVERDUE_COLOR,
  pinFill,
  pinLine,
  pinLineWidth,
  pinRadius,
  STATE_COLORS,
  underRadius,
  type Look,
} from '../../web/src/features/problems/map/problem-layers';
import { beijingInput, periodFrom, toBeijingInput } from '../../web/src/features/problems/period';

const all: Look = { k: 1, overdueOnly: false };
const overdueOnly: Look = { k: 1, overdueOnly: true };
const pin = (p: Record<string, unknown>) => ({
  id: 1,
  state: 'assigned',
  category: 3,
  source: 'patrol',
  overdue: false,
  urgent: false,
  ...p,
});
const cluster = (count: number, overdue: number, open = count) => ({ count, overdue, urgent: 0, open });

describe('problem pins', () => {
  it('are coloured by state, each state its own colour', () => {
    const states = ['reported', 'verified', 'assigned', 'fixed', 'closed', 'suspended'];
    const fills = states.map((state) => JSON.stringify(pinFill(pin({ state }))));
    expect(new Set(fills).size).toBe(states.length);
    expect(pinFill(pin({ state: 'verified' }))).toEqual(hexToRgba(STATE_COLORS.verified!));
  });

  it('turn red, ringed and haloed when overdue, whatever the state', () => {
    const late = pin({ overdue: true });
    expect(pinFill(late)).toEqual(hexToRgba(OVERDUE_COLOR));
    expect(pinLine(late)).not.toEqual(pinLine(pin({})));
    expect(pinLineWidth(late, all)).toBeGreaterThan(pinLineWidth(pin({}), all));
    expect(pinRadius(late, all)).toBeGreaterThan(pinRadius(pin({}), all));
    expect(haloRadius(late, all)).toBeGreaterThan(pinRadius(late, all));
    expect(haloRadius(pin({}), all)).toBe(0);
  });

  it('mark urgent ones with "!" on a bigger disc', () => {
    expect(featureText(pin({ urgent: true }), all, 'zh-CN')).toBe('!');
    expect(featureText(pin({}), all, 'zh-CN')).toBe('');
    expect(pinRadius(pin({ urgent: true }), all)).toBeGreaterThan(pinRadius(pin({}), all));
  });

  it('read MVT booleans in any of their encodings', () => {
    for (const v of [true, 1, 'true', 't']) expect(flag(v)).toBe(true);
    for (const v of [false, 0, 'false', null, undefined]) expect(flag(v)).toBe(false);
  });

  it('grow with the UI scale for a wall screen', () => {
    const wall: Look = { k: 1.6, overdueOnly: false };
    expect(pinRadius(pin({}), wall)).toBeCloseTo(pinRadius(pin({}), all) * 1.6);
    expect(pinLineWidth(pin({ overdue: true }), wall)).toBeCloseTo(3 * 1.6);
  });

  it('hide all but overdue ones under the overdue-only filter', () => {
    expect(hidden(pin({}), overdueOnly)).toBe(true);
    expect(pinRadius(pin({}), overdueOnly)).toBe(0);
    expect(pinLineWidth(pin({}), overdueOnly)).toBe(0);
    expect(hidden(pin({ overdue: true }), overdueOnly)).toBe(false);
    expect(hidden(pin({}), all)).toBe(false);
  });
});

describe('problem clusters', () => {
  it('are told from pins by their count', () => {
    expect(isCluster(cluster(5, 0))).toBe(true);
    expect(isCluster(pin({}))).toBe(false);
  });

  it('grow with the log of the count, within bounds', () => {
    expect(clusterRadius(1, 1)).toBe(10);
    expect(clusterRadius(100, 1)).toBeCloseTo(22);
    expect(clusterRadius(10_000, 1)).toBeCloseTo(34);
    expect(clusterRadius(1e9, 1)).toBe(40);
    expect(clusterRadius(0, 1)).toBe(0);
    expect(clusterRadius(100, 2)).toBeCloseTo(44);
  });

  it('show the overdue share as a red core of the same share of area', () => {
    const c = cluster(100, 25);
    const r = featureRadius(c, all);
    const core = clusterCoreRadius(c, all);
    expect((core * core) / (r * r)).toBeCloseTo(0.25);
    expect(coreRadius(cluster(100, 0), all)).toBe(0);
    expect(coreRadius(cluster(10, 10), all)).toBeCloseTo(featureRadius(cluster(10, 10), all));
    // pins have no core, clusters no halo
    expect(coreRadius(pin({ overdue: true }), all)).toBe(0);
    expect(underRadius(cluster(10, 10), all)).toBe(0);
  });

  it('count only the overdue under the overdue-only filter, and vanish without any', () => {
    expect(featureText(cluster(120, 7), overdueOnly, 'zh-CN')).toBe('7');
    expect(featureRadius(cluster(120, 7), overdueOnly)).toBeCloseTo(clusterRadius(7, 1));
    expect(hidden(cluster(120, 0), overdueOnly)).toBe(true);
    expect(featureLineWidth(cluster(120, 0), overdueOnly)).toBe(0);
    expect(featureText(cluster(120, 0), overdueOnly, 'zh-CN')).toBe('');
  });

  it('are paler when nothing in them is open', () => {
    expect(featureFill(cluster(10, 0, 0), all)).not.toEqual(featureFill(cluster(10, 0, 3), all));
  });

  it('label counts briefly in each language, with characters the font atlas holds', () => {
    expect(clusterLabel(987, 'zh-CN')).toBe('987');
    expect(clusterLabel(4321, 'zh-CN')).toBe('4321');
    expect(clusterLabel(12_345, 'zh-CN')).toBe('1.2万');
    expect(clusterLabel(1_000_000, 'zh-CN')).toBe('100万');
    expect(clusterLabel(1234, 'en')).toBe('1.2k');
    expect(clusterLabel(2000, 'en')).toBe('2k');
    expect(clusterLabel(250_000, 'en')).toBe('250k');
    for (const label of ['1.2万', '1.2k', '!', '100万']) for (const ch of label) expect(LABEL_CHARACTERS).toContain(ch);
  });
});

describe('problem periods (Beijing days)', () => {
  // 2026-03-10 01:30 in Beijing is still 2026-03-09 in UTC
  const now = Date.parse('2026-03-10T01:30:00+08:00');
  it('start at Beijing midnight', () => {
    expect(periodFrom('all', now)).toBeNull();
    expect(periodFrom('today', now)).toBe('2026-03-10T00:00:00+08:00');
    expect(periodFrom('7d', now)).toBe('2026-03-04T00:00:00+08:00');
    expect(periodFrom('30d', now)).toBe('2026-02-09T00:00:00+08:00');
  });
  it('read and write datetime-local values as Beijing time', () => {
    expect(beijingInput('2026-03-10T18:00')).toBe('2026-03-10T18:00:00+08:00');
    expect(beijingInput('nonsense')).toBeNull();
    expect(toBeijingInput('2026-03-10T10:00:00Z')).toBe('2026-03-10T18:00');
  });
});
