import type { Scope } from './scope';
import type { ProblemDetail, Routing } from '../schemas/problems';

/**
 * What a problem's answer may say about the people and areas around it (docs/PROBLEMS.md
 * "Visibility"). A problem can reach a caller outside their scope: the reporter's own report,
 * the answer to a step that moved it out of their reach, unit staff reading what was assigned to
 * their unit elsewhere. Its routing then must not tell them more than the rest of the API does:
 * - the responsibility contacts (grid leader and members with their phones, the units with their
 *   leaders and contacts) only when GET /api/responsibility would answer the caller for that
 *   place: the routed area (the grid, or the deepest area outside every grid) lies inside their
 *   scope, as `area_within` / the grid test of `responsibility_at`'s route;
 * - the grid, community and street only when GET /api/areas/:id would (`area_visible`: inside the
 *   scope, or an ancestor of it, shown as context).
 * The codes follow the 数字城管 prefix scheme (6 + 3 + 3 + 3 digits), so both tests are prefix
 * tests, the same as the SQL functions'.
 */
export const areaWithin = (code: string | null, scope: Scope): boolean =>
  scope === null || (code !== null && scope.some((s) => code.startsWith(s)));

export const areaVisible = (code: string | null, scope: Scope): boolean =>
  scope === null || (code !== null && (areaWithin(code, scope) || scope.some((s) => s.startsWith(code))));

/** The routed area: the grid, or (outside every grid) the deepest area holding the point. */
const routedArea = (p: Pick<ProblemDetail, 'gridCode' | 'areaCode'>) => p.gridCode ?? p.areaCode;

/** May the caller see who answers for this problem (as GET /api/responsibility would tell them)? */
export const contactsReadable = (p: Pick<ProblemDetail, 'gridCode' | 'areaCode'>, scope: Scope) =>
  areaWithin(routedArea(p), scope);

/**
 * The detail as the caller may see it: unchanged inside their scope; outside it, without the
 * contacts. `ownWrite`: the answer to the caller's own write on a problem they cannot open (a
 * report in another street, a step that moved it out of their reach): then the areas too are
 * cut to those the caller may see. (A problem they can open, such as one assigned to their unit
 * in another street, keeps where it lies, as in every list: they must find it.)
 */
export function withinReach(p: ProblemDetail, scope: Scope, ownWrite = false): ProblemDetail {
  if (contactsReadable(p, scope)) return p;
  const contactless = {
    ...p,
    routing: { ...p.routing, leader: null, members: [], leadUnit: null, supportUnits: [], communityUnits: [] },
    leaderPersonId: null,
    leadUnitId: null,
    leadUnitName: null,
  };
  if (!ownWrite) return contactless;
  const seen = <T extends { code: string }>(ref: T | null): T | null =>
    ref && areaVisible(ref.code, scope) ? ref : null;
  const r: Routing = p.routing;
  const grid = seen(r.grid),
    community = seen(r.community),
    street = seen(r.street);
  return {
    ...contactless,
    // notices are rows of their own, read by id: not the caller's once the problem is not
    notices: [],
    routing: { ...contactless.routing, grid, community, street },
    gridId: grid ? p.gridId : null,
    gridCode: grid ? p.gridCode : null,
    gridName: grid ? p.gridName : null,
    communityId: community ? p.communityId : null,
    communityName: community ? p.communityName : null,
    streetId: street ? p.streetId : null,
    streetCode: street ? p.streetCode : null,
    streetName: street ? p.streetName : null,
    areaCode: areaVisible(p.areaCode, scope) ? p.areaCode : null,
  };
}
