/** The area hierarchy's messages (search, levels, detail card, overview, scope, legend), spread into i18n/zh-CN.ts; en.ts beside this file must match them key for key. */
const areasZhCN = {
  search: {
    label: '搜索区域',
    placeholder: '名称或编码，如 文峰 / 330822',
    noResults: '没有匹配的区域',
    results: '搜索结果',
    clear: '清除搜索',
  },
  level: {
    county: '县（市、区）',
    street: '街道',
    community: '社区',
    grid: '网格',
  },
  children: {
    county: '下辖街道',
    street: '下辖社区',
    community: '下辖网格',
    grid: '下级',
  },
  detail: {
    code: '编码',
    area: '面积',
    chain: '所属',
    close: '返回总览',
    zoomTo: '定位到地图',
    none: '无',
    loading: '加载中…',
  },
  area: {
    m2: '{v} 平方米',
    km2: '{v} 平方公里',
    mu: '{v} 亩',
  },
  breadcrumb: {
    label: '当前位置',
  },
  tree: {
    title: '辖区总览',
    hint: '点击地图上的网格，或在下面逐级选择。',
    loading: '正在加载辖区…',
    count: '{n} 个社区',
    streets: '街道',
    communities: '社区',
    grids: '网格',
  },
  legend: {
    title: '图例',
    county: '县界',
    street: '街道界',
    community: '社区界',
    grid: '网格',
  },
  scope: {
    mine: '我的管辖：',
    none: '尚未分配管辖区域，请联系系统管理员。',
    legend: '我的管辖',
  },
};

export default areasZhCN;
