/** Simplified Chinese, the default. Every other language must have exactly these keys (see en.ts). */
const zhCN = {
  app: {
    title: '网格化管理',
    subtitle: '创文创卫 · 一张图',
  },
  lang: {
    label: '界面语言',
    zh: '中文',
    en: 'English',
  },
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
  panel: {
    label: '区域信息',
    expand: '展开面板',
    collapse: '收起面板',
  },
  legend: {
    title: '图例',
    county: '县界',
    street: '街道界',
    community: '社区界',
    grid: '网格',
  },
  map: {
    label: '网格地图',
    error: '地图数据加载失败：{msg}',
    webgl: '浏览器无法创建地图画布（WebGL 不可用）。',
    zoomIn: '放大',
    zoomOut: '缩小',
    attribution: '数据来源',
  },
  notice: {
    region: '系统提示',
    dismiss: '关闭提示',
    network: '无法连接服务器，请检查网络后重试。',
  },
};

export type Messages = typeof zhCN;
export default zhCN;
