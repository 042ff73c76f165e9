import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { ApiError } from '../../api/client';
import { useViewStore } from '../../app/view';
import { useProblemsStore } from '../problems/store';
import {
  assessmentApi,
  type Category,
  type LedgerUpload,
  type ScoreItem,
  type IndexLevel,
  type IndexWeek,
  type InspectionPoint,
  type LedgerItem,
  type Published,
  type Rates,
  type Round,
  type RoundDetail,
  type Satisfaction,
  type Scheme,
} from './api';

/** A problem raised from a deduction of a point, open until it is closed (rectified and accepted). */
export interface LinkedProblem {
  id: number;
  open: boolean;
}
const ENDED = ['closed', 'invalid', 'duplicate'];

export type AssessmentTab = 'index' | 'rounds' | 'ledgers' | 'satisfaction' | 'timeline';

/** The assessment view (测评): points on the map, rounds and scoring, ledgers, satisfaction, the weekly index. */
export const useAssessmentStore = defineStore('assessment', () => {
  const tab = ref<AssessmentTab>('index');
  const points = ref<InspectionPoint[]>([]);
  const schemes = ref<Scheme[]>([]);
  const rounds = ref<Round[]>([]);
  const round = ref<RoundDetail | null>(null);
  const roundDetails = ref<RoundDetail[]>([]);
  const level = ref<IndexLevel>('community');
  const week = ref<IndexWeek | null>(null);
  const published = ref<Published[]>([]);
  const ledgers = ref<LedgerItem[]>([]);
  const rates = ref<Rates | null>(null);
  const satisfaction = ref<Satisfaction | null>(null);
  /** the open round's points → problems raised from their deductions */
  const linked = ref<Record<number, LinkedProblem[]>>({});
  /** leaf categories (细类), the category a deduction's problem is filed under */
  const categories = ref<Category[]>([]);
  const error = ref<string | null>(null);
  const busy = ref(false);

  const fail = (e: unknown) => {
    error.value = e instanceof ApiError ? e.message : String(e);
  };
  async function run<T>(fn: () => Promise<T>): Promise<T | undefined> {
    busy.value = true;
    error.value = null;
    try {
      return await fn();
    } catch (e) {
      fail(e);
      return undefined;
    } finally {
      busy.value = false;
    }
  }

  const loadPoints = () => run(async () => (points.value = await assessmentApi.points()));
  const loadIndex = (w?: string) =>
    run(async () => {
      [week.value, published.value] = await Promise.all([
        assessmentApi.index(level.value, w ?? week.value?.weekStart),
        assessmentApi.weeks(),
      ]);
    });
  const loadRounds = () =>
    run(async () => {
      const [r, s, c] = await Promise.all([
        assessmentApi.rounds(),
        assessmentApi.schemes(),
        assessmentApi.categories(),
      ]);
      rounds.value = r;
      schemes.value = s;
      const leaves: Category[] = [];
      const visit = (cs: Category[]) => cs.forEach((x) => (x.level === 3 ? leaves.push(x) : visit(x.children ?? [])));
      visit(c);
      categories.value = leaves;
    });
  /** Opens a round with the problems its points' deductions raised (each point's findings, with their state). */
  const openRound = (id: number) =>
    run(async () => {
      const r = await assessmentApi.round(id);
      const withProblems = r.points.filter((p) => p.problemIds.length);
      const details = await Promise.all(withProblems.map((p) => assessmentApi.point(p.pointId)));
      linked.value = Object.fromEntries(
        details.map((d) => [
          d.id,
          d.findings
            .filter((f) => f.roundId === id && f.problemId !== null)
            .map((f) => ({ id: f.problemId!, open: !ENDED.includes(f.problemState ?? '') })),
        ]),
      );
      round.value = r;
    });
  /** Every round's county score for the timeline (a handful of rounds; each one call). */
  const loadTimeline = () =>
    run(async () => {
      rounds.value = await assessmentApi.rounds();
      roundDetails.value = await Promise.all(rounds.value.map((r) => assessmentApi.round(r.id)));
    });
  const loadLedgers = () =>
    run(async () => {
      [ledgers.value, rates.value] = await Promise.all([assessmentApi.ledgers(), assessmentApi.rates()]);
    });
  const loadSatisfaction = () => run(async () => (satisfaction.value = await assessmentApi.satisfaction()));

  /** Scores a point's items; the answer's score goes into the open round and the point layer. */
  async function score(pointId: number, items: ScoreItem[]) {
    const r = round.value;
    if (!r) return false;
    const res = await run(() => assessmentApi.score(r.id, pointId, items));
    if (!res) return false;
    const p = r.points.find((x) => x.pointId === pointId);
    if (p) {
      p.score = res.score;
      p.itemsScored += items.length;
      p.problemIds.push(...res.problemIds);
    }
    // a problem just raised is open: reported, not yet rectified
    if (res.problemIds.length)
      linked.value[pointId] = [...(linked.value[pointId] ?? []), ...res.problemIds.map((id) => ({ id, open: true }))];
    const pt = points.value.find((x) => x.id === pointId);
    if (pt && res.score !== null) {
      pt.latestScore = res.score;
      pt.latestRoundId = r.id;
    }
    return true;
  }
  async function publish() {
    const w = week.value;
    if (!w) return;
    const res = await run(() => assessmentApi.publish(w.weekStart));
    if (res) await loadIndex(w.weekStart);
  }
  async function review(id: number, version: number, decision: 'passed' | 'returned', reason?: string) {
    const res = await run(() => assessmentApi.review(id, version, decision, reason));
    if (!res) return;
    const i = ledgers.value.findIndex((l) => l.id === id);
    if (i >= 0) ledgers.value[i] = res;
    rates.value = await assessmentApi.rates().catch(() => rates.value);
  }
  /** Submits files of a ledger item; the answer (the item in its new state) replaces it in the list. */
  async function submit(id: number, version: number, files: LedgerUpload[]) {
    const res = await run(() => assessmentApi.submit(id, version, files));
    if (!res) return false;
    const i = ledgers.value.findIndex((l) => l.id === id);
    if (i >= 0) ledgers.value[i] = res;
    return true;
  }
  /** A problem raised from a deduction: shown in the problem view, where the drawer opens it. */
  function openProblem(id: number) {
    useViewStore().setMode('problems');
    void useProblemsStore().select(id, { fly: true });
  }
  async function survey(body: { communityId: number; surveyedOn: string; respondents: number; satisfied: number }) {
    const res = await run(() => assessmentApi.survey(body));
    if (res) await loadSatisfaction();
    return !!res;
  }
  const scheme = computed(() => schemes.value.find((s) => s.id === round.value?.schemeId) ?? null);

  function reset() {
    tab.value = 'index';
    points.value = [];
    rounds.value = [];
    round.value = null;
    linked.value = {};
    roundDetails.value = [];
    week.value = null;
    published.value = [];
    ledgers.value = [];
    rates.value = null;
    satisfaction.value = null;
    error.value = null;
  }
  return {
    tab,
    points,
    schemes,
    rounds,
    round,
    roundDetails,
    level,
    week,
    published,
    ledgers,
    rates,
    satisfaction,
    linked,
    categories,
    error,
    busy,
    scheme,
    loadPoints,
    loadIndex,
    loadRounds,
    openRound,
    loadTimeline,
    loadLedgers,
    loadSatisfaction,
    score,
    publish,
    review,
    submit,
    openProblem,
    survey,
    reset,
  };
});
