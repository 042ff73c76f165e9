import { defineStore } from 'pinia';
import { ref } from 'vue';
import { useReportError } from '../../shared/report-error';
import { wallApi, type DisplayTokenCreate, type DisplayTokenSummary } from './api';

/** The admin's display tokens (issue 12): list, issue (the token is shown once), revoke. */
export const useDisplayTokensStore = defineStore('display-tokens', () => {
  const reportError = useReportError();
  const tokens = ref<DisplayTokenSummary[]>([]);
  /** the wall link of the token just issued: shown once, never stored */
  const issuedLink = ref<string | null>(null);
  const busy = ref(false);

  async function load(): Promise<void> {
    try {
      tokens.value = await wallApi.tokens();
    } catch (e) {
      reportError(e);
    }
  }
  async function issue(body: DisplayTokenCreate): Promise<boolean> {
    busy.value = true;
    try {
      const t = await wallApi.issue(body);
      const { token, ...summary } = t;
      tokens.value = [summary, ...tokens.value];
      issuedLink.value = `${location.origin}/wall?token=${token}`;
      return true;
    } catch (e) {
      reportError(e);
      return false;
    } finally {
      busy.value = false;
    }
  }
  async function revoke(id: number): Promise<void> {
    try {
      const t = await wallApi.revoke(id);
      tokens.value = tokens.value.map((x) => (x.id === id ? t : x));
    } catch (e) {
      reportError(e);
    }
  }
  return { tokens, issuedLink, busy, load, issue, revoke };
});
