import { WORKSPACE_PATHS, type Workspace } from '@schemas/workspaces';

/** The workspace an address asks for (api/schemas/workspaces.ts); anything else is the office. */
export function workspaceOfPath(pathname: string): Workspace {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === WORKSPACE_PATHS.wall) return 'wall';
  if (path === WORKSPACE_PATHS.field) return 'field';
  return 'office';
}
