import { computed, ref, shallowRef, type ComputedRef, type Ref, type ShallowRef } from 'vue';
import type { AreaDetail } from '@schemas/areas';
import { getJson } from '../../api/client';
import { levelOfCode, type WallConfig } from './config';
import type { AreaTree } from './api';
import type { Latest, WallArea } from './panel-data';

/** after a touch, the tour waits this long before it moves on again */
const TOUR_PAUSE_MS = 60_000;

/**
 * The selection every panel follows (issue 12): the breadcrumb county → street → community →
 * grid, the area's outline (the map flies there), and the auto-tour (county → each street every
 * `tour` seconds, paused by a touch).
 */
export function useSelection(o: {
  config: WallConfig;
  latest: Latest;
  tree: ShallowRef<AreaTree | null>;
  path: Ref<WallArea[]>;
  selected: ComputedRef<WallArea | undefined>;
  /** every panel and the map reload for the new selection */
  onSelect: () => void;
}) {
  const { tree, path, selected } = o;
  const detail = shallowRef<AreaDetail | null>(null);

  /**
   * The chain county → … → the area with this code: streets and communities from the tree; a grid
   * (not in the tree) by its code, named by `name` or, once its outline is in, by the outline's.
   */
  function chainOf(code: string, name?: string): WallArea[] | null {
    const county = tree.value?.roots[0];
    if (!county) return null;
    const out: WallArea[] = [{ code: county.code, name: county.name, level: 'county' }];
    if (code === county.code) return out;
    const street = county.children.find((s) => code.startsWith(s.code));
    if (!street) return null;
    out.push({ code: street.code, name: street.name, level: 'street' });
    if (levelOfCode(code) === 'street') return out;
    const community = street.children.find((c) => code.startsWith(c.code));
    if (!community) return null;
    out.push({ code: community.code, name: community.name, level: 'community' });
    if (levelOfCode(code) === 'grid') out.push({ code, name: name ?? code, level: 'grid' });
    return out;
  }

  /** Every panel and the map follow: filtered to the area, the map flies there. */
  function select(code: string, name?: string): void {
    const chain = chainOf(code, name);
    if (!chain) return;
    path.value = chain;
    showArea(chain.at(-1)!.code);
    o.onSelect();
  }
  /** the area's outline and bbox: the map flies there; a grid's name comes with it */
  function showArea(code: string): void {
    void o.latest(
      'detail',
      (signal) => getJson<AreaDetail>(`/api/areas/by-code/${encodeURIComponent(code)}`, signal),
      (d) => {
        detail.value = d;
        const last = path.value.at(-1);
        if (last && last.code === d.code && last.name !== d.name)
          path.value = [...path.value.slice(0, -1), { ...last, name: d.name }];
      },
    );
  }
  /** the breadcrumb: back to an area above */
  function back(index: number): void {
    const a = path.value[index];
    if (a) select(a.code, a.name);
  }

  // ---- auto-tour: county → each street, every `tour` seconds; a touch pauses it -------------------
  let tourTimer: ReturnType<typeof setInterval> | undefined;
  let pausedUntil = 0;
  const touring = ref(o.config.tour > 0);
  const stops = computed(() => {
    const county = tree.value?.roots[0];
    return county ? [county.code, ...county.children.map((s) => s.code)] : [];
  });
  function startTour(): void {
    clearInterval(tourTimer);
    if (!o.config.tour) return;
    tourTimer = setInterval(() => {
      if (Date.now() < pausedUntil || !touring.value) return;
      const list = stops.value;
      const i = list.indexOf(selected.value?.code ?? '');
      const next = list[(i + 1) % list.length];
      if (next) select(next);
    }, o.config.tour * 1000);
  }
  function stopTour(): void {
    clearInterval(tourTimer);
  }
  /** someone touched the screen: the tour waits */
  function touched(): void {
    if (o.config.tour) pausedUntil = Date.now() + TOUR_PAUSE_MS;
  }

  return { detail, touring, select, showArea, back, startTour, stopTour, touched };
}
