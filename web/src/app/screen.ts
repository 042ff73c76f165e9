import { WORKSPACE_PATHS, type Workspace } from '@schemas/workspaces';

/** The workspace an address asks for (api/schemas/workspaces.ts); anything else is the office. */
export function workspaceOfPath(pathname: string): Workspace {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === WORKSPACE_PATHS.wall) return 'wall';
  if (path === WORKSPACE_PATHS.field) return 'field';
  return 'office';
}

/** Roles whose day is in the street: on a phone they land in the field workspace (issue 14). */
const FIELD_ROLES = new Set(['grid_leader', 'grid_member', 'unit_staff']);
/** Set by the field workspace's link to the office: this tab stays in the office. */
export const OFFICE_CHOSEN_KEY = 'wangge-office-chosen';
/** Narrow enough to be a phone held upright. */
const PHONE_MAX_WIDTH = 600;

/** Whether a login at / should move on to the field workspace (/m). */
export function opensField(role: string, viewportWidth: number, officeChosen: boolean): boolean {
  return FIELD_ROLES.has(role) && viewportWidth <= PHONE_MAX_WIDTH && !officeChosen;
}
