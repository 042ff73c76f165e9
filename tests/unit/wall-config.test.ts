import { describe, expect, it } from 'vitest';
import {
  beijingDay,
  beijingMidnight,
  durationParts,
  levelOfCode,
  parseWallConfig,
  PANELS,
  withParam,
} from '../../web/src/features/wall/config';

describe('the wall configuration from its address', () => {
  it('reads token, scope, panels, tour, language and closed', () => {
    const c = parseWallConfig(
      '?token=wd_abcdefghijkl&scope=330822001&panels=kpi,feed,bogus,kpi&tour=30&lang=en&closed=1',
    );
    expect(c).toEqual({
      token: 'wd_abcdefghijkl',
      scope: '330822001',
      panels: ['kpi', 'feed'],
      tour: 30,
      lang: 'en',
      closed: true,
    });
  });
  it('defaults to every panel, no tour, no token, and refuses bad values', () => {
    const c = parseWallConfig('?token=<script>&scope=12&tour=-5&lang=fr');
    expect(c).toEqual({ token: null, scope: null, panels: [...PANELS], tour: 0, lang: null, closed: false });
    // any level down to a grid (15 digits); nothing else
    expect(parseWallConfig('?scope=330822001001001').scope).toBe('330822001001001');
    expect(parseWallConfig('?scope=3308220010010').scope).toBeNull();
    expect(parseWallConfig('?tour=1').tour).toBe(5);
    expect(parseWallConfig('?tour=99999').tour).toBe(3600);
    expect(parseWallConfig('?lang=zh').lang).toBe('zh-CN');
  });
  it('changes one parameter and keeps the others', () => {
    expect(withParam('?token=x&lang=zh', 'lang', 'en')).toBe('?token=x&lang=en');
    expect(withParam('?lang=zh', 'lang', null)).toBe('');
  });
  it('knows levels by code length, Beijing midnights and countdown parts', () => {
    expect(['330822', '330822001', '330822001001', '330822001001001'].map(levelOfCode)).toEqual([
      'county',
      'street',
      'community',
      'grid',
    ]);
    // 2026-11-18 01:00 Beijing is 2026-11-17 17:00 UTC: its midnight is 2026-11-17 16:00 UTC
    const now = Date.parse('2026-11-18T01:00:00+08:00');
    expect(beijingMidnight(now)).toBe('2026-11-17T16:00:00.000Z');
    expect(beijingMidnight(now, 29)).toBe('2026-10-19T16:00:00.000Z');
    // the series' days are Beijing days: 01:00 on the 18th is the 18th, though UTC still says the 17th
    expect(beijingDay(now)).toBe('2026-11-18');
    expect(beijingDay(Date.parse('2026-11-18T23:59:00+08:00'))).toBe('2026-11-18');
    expect(durationParts(26 * 3600_000 + 5 * 60_000)).toEqual({ d: 1, h: 2, m: 5 });
    expect(durationParts(-90 * 60_000)).toEqual({ d: 0, h: 1, m: 30 });
  });
});
