import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { ZoneBalance, ZoneDraft, ZoneDraftSummary } from '@schemas/zones';
import { autoBalance, draftsApi, type AutoBalanceProgress, type SelectionEdit } from './editor-api';
import { useLatest } from '../../shared/use-latest';
import { useZonesStore } from './store';
import { useSessionStore } from '../../app/session';
import { onLiveZones } from '../../shared/event-stream';

/**
 * The zone editor (issue 13): the drafts (调整方案), the one open for editing, the grids selected
 * on the map, its balance table. Writes use their answers (the draft as written); the balance is
 * asked for after each, the one request that is not a write's answer.
 */
export const useZoneEditorStore = defineStore('zoneEditor', () => {
  const zones = useZonesStore();
  const { latest, abortAll } = useLatest(['list', 'balance'] as const);

  const drafts = ref<ZoneDraftSummary[]>([]);
  const draft = ref<ZoneDraft | null>(null);
  const balance = ref<ZoneBalance | null>(null);
  const selection = ref<number[]>([]);
  const busy = ref(false);
  const error = ref<string | null>(null);
  const progress = ref<AutoBalanceProgress | null>(null);
  /** lasso mode on the map */
  const lasso = ref(false);

  const editing = computed(() => draft.value !== null);
  const editable = computed(() => draft.value?.status === 'draft');
  /** area id → its new lead unit id (null: none), for the diff on the map */
  const changedIds = computed(() => (draft.value?.diff ?? []).map((d) => d.areaId));

  /** the list was asked for (a planner in the zone view): live events keep it current */
  let listed = false;
  async function loadList(): Promise<void> {
    listed = true;
    await latest(
      'list',
      (s) => draftsApi.list(s),
      (got) => (drafts.value = got),
    );
  }
  async function loadBalance(): Promise<void> {
    const id = draft.value?.id;
    if (!id) return;
    await latest(
      'balance',
      (s) => draftsApi.balance(id, s),
      (got) => (balance.value = got),
    );
  }

  /** Runs a write; its answer (the draft as written) becomes the open draft. */
  async function write(fn: () => Promise<ZoneDraft | null>): Promise<boolean> {
    busy.value = true;
    error.value = null;
    try {
      const d = await fn();
      if (d) {
        draft.value = d;
        void loadBalance();
      }
      void loadList();
      return true;
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e);
      return false;
    } finally {
      busy.value = false;
    }
  }

  const open = (id: number) =>
    write(async () => {
      selection.value = [];
      balance.value = null;
      return draftsApi.get(id);
    });
  const start = (name: string) => write(() => draftsApi.create(name));
  function close(): void {
    abortAll();
    draft.value = null;
    balance.value = null;
    selection.value = [];
    lasso.value = false;
    error.value = null;
    void loadList();
  }

  function select(ids: number[], add: boolean): void {
    if (!editable.value) return;
    if (!add) {
      selection.value = [...new Set(ids)];
      return;
    }
    const s = new Set(selection.value);
    for (const id of ids) {
      if (s.has(id)) s.delete(id);
      else s.add(id);
    }
    selection.value = [...s];
  }
  /** A lasso that caught nothing says so instead of clearing the selection silently. */
  function selectLasso(ids: number[], emptyMessage: string): void {
    lasso.value = false;
    if (!ids.length) {
      error.value = emptyMessage;
      return;
    }
    error.value = null;
    select(ids, false);
  }

  const edit = (e: Omit<SelectionEdit, 'areaIds'>) =>
    write(async () => {
      const d = draft.value!;
      const out = await draftsApi.edit(d.id, d.version, { areaIds: selection.value, ...e });
      selection.value = [];
      return out;
    });
  const lockSelection = (lock: boolean) =>
    write(async () => {
      const d = draft.value!;
      const grids = new Set(d.locks.grids);
      for (const id of selection.value) {
        if (lock) grids.add(id);
        else grids.delete(id);
      }
      return draftsApi.update(d.id, { version: d.version, locks: { ...d.locks, grids: [...grids] } });
    });
  const toggleUnitLock = (unitId: number) =>
    write(async () => {
      const d = draft.value!;
      const units = d.locks.units.includes(unitId)
        ? d.locks.units.filter((u) => u !== unitId)
        : [...d.locks.units, unitId];
      return draftsApi.update(d.id, { version: d.version, locks: { ...d.locks, units } });
    });
  const apply = (effectiveAt: string) =>
    write(async () => {
      const d = draft.value!;
      const out = await draftsApi.apply(d.id, d.version, effectiveAt);
      zones.refresh();
      return out;
    });
  const revert = () => write(() => draftsApi.revert(draft.value!.id));
  const remove = () =>
    write(async () => {
      const d = draft.value!;
      await draftsApi.remove(d.id, d.version);
      close();
      return null;
    });
  const balanceAuto = (seed: number) =>
    write(async () => {
      progress.value = null;
      try {
        return await autoBalance(draft.value!.id, { seed }, (p) => (progress.value = p));
      } finally {
        progress.value = null;
      }
    });

  function reset(): void {
    close();
    listed = false;
    drafts.value = [];
  }

  // Another planner's write (docs/ZONES.md "Live updates"): the list follows; the open draft is
  // fetched again when it moved past the version shown (our own writes' answers are that version).
  onLiveZones((e) => {
    if (e.draftId === null || !listed) return;
    void loadList();
    const d = draft.value;
    if (!d || d.id !== e.draftId) return;
    if (e.action === 'deleted') close();
    else if (e.version !== null && e.version > d.version)
      void write(async () => {
        const next = await draftsApi.get(d.id);
        if (next.status !== 'draft') selection.value = [];
        return next;
      });
  });

  // another login (or none) never sees the last one's open draft
  watch(
    () => useSessionStore().user?.id,
    () => reset(),
  );

  return {
    drafts,
    draft,
    balance,
    selection,
    busy,
    error,
    progress,
    lasso,
    editing,
    editable,
    changedIds,
    loadList,
    open,
    start,
    close,
    select,
    selectLasso,
    edit,
    lockSelection,
    toggleUnitLock,
    apply,
    revert,
    remove,
    balanceAuto,
    reset,
  };
});
