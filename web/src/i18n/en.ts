import type { Messages } from './zh-CN';

/** English. Typed against zh-CN so that a missing or extra key fails the type check. */
const en: Messages = {
  app: {
    title: 'Grid management',
    subtitle: 'Civilized & sanitary city · one map',
  },
  lang: {
    label: 'Language',
    zh: '中文',
    en: 'English',
  },
  search: {
    label: 'Search areas',
    placeholder: 'Name or code, e.g. 文峰 / 330822',
    noResults: 'No matching areas',
    results: 'Search results',
    clear: 'Clear search',
  },
  level: {
    county: 'County',
    street: 'Street',
    community: 'Community',
    grid: 'Grid',
  },
  children: {
    county: 'Streets',
    street: 'Communities',
    community: 'Grids',
    grid: 'Sub-areas',
  },
  detail: {
    code: 'Code',
    area: 'Area',
    chain: 'Part of',
    close: 'Back to overview',
    zoomTo: 'Show on map',
    none: 'none',
    loading: 'Loading…',
  },
  area: {
    m2: '{v} m²',
    km2: '{v} km²',
    mu: '{v} mu',
  },
  breadcrumb: {
    label: 'Current location',
  },
  tree: {
    title: 'Overview',
    hint: 'Click a grid on the map, or drill down below.',
    loading: 'Loading areas…',
    count: '{n} communities',
    streets: 'Streets',
    communities: 'Communities',
    grids: 'Grids',
  },
  panel: {
    label: 'Area information',
    expand: 'Expand panel',
    collapse: 'Collapse panel',
  },
  legend: {
    title: 'Legend',
    county: 'County boundary',
    street: 'Street boundary',
    community: 'Community boundary',
    grid: 'Grid',
  },
  map: {
    label: 'Grid map',
    error: 'Map data failed to load: {msg}',
    webgl: 'The browser cannot create the map canvas (WebGL unavailable).',
    zoomIn: 'Zoom in',
    zoomOut: 'Zoom out',
    attribution: 'Data sources',
  },
  notice: {
    region: 'Notices',
    dismiss: 'Dismiss',
    network: 'Cannot reach the server. Check the network and try again.',
  },
};

export default en;
