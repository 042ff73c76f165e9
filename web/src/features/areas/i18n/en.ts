import type areasZhCN from './zh-CN';

/** English for the area hierarchy; typed against the Chinese so that no key can be missing. */
const areasEn: typeof areasZhCN = {
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
  legend: {
    title: 'Legend',
    county: 'County boundary',
    street: 'Street boundary',
    community: 'Community boundary',
    grid: 'Grid',
  },
  scope: {
    mine: 'My areas: ',
    none: 'No areas have been assigned to you yet. Please contact the administrator.',
    legend: 'My areas',
  },
};

export default areasEn;
