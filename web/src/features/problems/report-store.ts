import { defineStore } from 'pinia';
import { ref } from 'vue';
import { problemsApi, type ProblemReport } from './api';
import { ApiError } from '../../api/client';
import { areasApi } from '../areas/api';
import { useProblemsStore } from './store';
import { useReportError } from '../../shared/report-error';

/** idle; picking: the next map click is the problem's place; form: the point is set, the form is open. */
export type ReportPhase = 'idle' | 'picking' | 'form';

/**
 * Reporting a new problem (上报问题): where it is, then the form. The map click that sets the point
 * and the map centre are read by ProblemLayers (the map is not state): `centreSeq` asks it for
 * the centre.
 */
export const useProblemReportStore = defineStore('problem-report', () => {
  const problems = useProblemsStore();
  const reportError = useReportError();

  const phase = ref<ReportPhase>('idle');
  const point = ref<[number, number] | null>(null);
  const centreSeq = ref(0);
  const saving = ref(false);

  function start(): void {
    problems.closeDetail();
    point.value = null;
    phase.value = 'picking';
  }
  function pick(lon: number, lat: number): void {
    point.value = [Math.round(lon * 1e7) / 1e7, Math.round(lat * 1e7) / 1e7];
    phase.value = 'form';
  }
  function useCentre(): void {
    centreSeq.value += 1;
  }
  function cancel(): void {
    phase.value = 'idle';
    point.value = null;
  }

  /** Saves the report; resolves to null and opens the new problem, or to the server's message. */
  async function submit(body: Omit<ProblemReport, 'lon' | 'lat'>): Promise<string | null> {
    if (!point.value) return null;
    saving.value = true;
    try {
      // the 201 answer is the new problem's detail: the drawer shows it without asking again
      const created = await problemsApi.report({ ...body, lon: point.value[0], lat: point.value[1] });
      cancel();
      problems.showReported(created);
      return null;
    } catch (e) {
      if (e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 401) return e.message;
      reportError(e);
      return e instanceof Error ? e.message : String(e);
    } finally {
      saving.value = false;
    }
  }

  /** Queries the form binds to the point (useLatestData): the areas there, and open problems of
   * the category within 100 m (possible duplicates). */
  const areasAt = ([lon, lat]: [number, number], signal: AbortSignal) => areasApi.at(lon, lat, signal);
  const nearby = ([lon, lat]: [number, number], categoryId: number, signal: AbortSignal) =>
    problemsApi.nearby(lon, lat, categoryId, signal);

  function reset(): void {
    cancel();
    saving.value = false;
  }

  return { phase, point, centreSeq, saving, start, pick, useCentre, cancel, submit, reset, areasAt, nearby };
});
