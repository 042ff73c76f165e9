/**
 * The web's workspaces and their addresses. One page (index.html) serves them all; the server
 * answers each path below with it (api/app.ts), so a wall is set up by bookmarking its address.
 * - `office`: the map with its views (areas, zones, problems, figures), at `/`;
 * - `wall`: the command center's wall screen (指挥中心大屏), at `/wall`;
 * - `field`: the grid staff's phone workspace (移动端), at `/m`.
 */
export type Workspace = 'office' | 'wall' | 'field';

/** Paths of the workspaces other than the office. */
export const WORKSPACE_PATHS: Readonly<Record<Exclude<Workspace, 'office'>, string>> = {
  wall: '/wall',
  field: '/m',
};
