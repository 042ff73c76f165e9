import areasZhCN from '../features/areas/i18n/zh-CN';
import zonesZhCN from '../features/zones/i18n/zh-CN';
import problemsZhCN from '../features/problems/i18n/zh-CN';
import figuresZhCN from '../features/figures/i18n/zh-CN';
import assessmentZhCN from '../features/assessment/i18n/zh-CN';
import wallZhCN from '../features/wall/i18n/zh-CN';
import fieldZhCN from '../features/field/i18n/zh-CN';

/**
 * Simplified Chinese, the default: the app's own messages (shell, session, views, notices) here,
 * each feature's from its i18n/ folder. Every other language must have exactly these keys (see en.ts).
 */
const zhCN = {
  app: {
    title: '网格化管理',
    subtitle: '创文创卫 · 一张图',
  },
  live: {
    reconnecting: '重新连接中…',
    reconnectingHint: '实时更新已断开，正在自动重新连接；期间的变化会在恢复后补上。',
  },
  lang: {
    label: '界面语言',
    zh: '中文',
    en: 'English',
  },
  panel: {
    label: '区域信息',
    expand: '展开面板',
    collapse: '收起面板',
  },
  map: {
    label: '网格地图',
    error: '地图数据加载失败：{msg}',
    webgl: '浏览器无法创建地图画布（WebGL 不可用）。',
    zoomIn: '放大',
    zoomOut: '缩小',
    attribution: '数据来源',
  },
  login: {
    title: '账号登录',
    hint: '请使用单位分配的账号登录。',
    username: '用户名',
    password: '密码',
    submit: '登录',
    submitting: '正在登录…',
    expired: '登录已过期，请重新登录',
    rateLimited: '登录尝试过于频繁，请稍后再试。',
    checking: '正在检查登录状态…',
  },
  user: {
    menu: '账户菜单',
    scope: '管辖范围：{areas}',
    cityWide: '全市',
    changePassword: '修改密码',
    logout: '退出登录',
  },
  role: {
    admin: '系统管理员',
    commander: '指挥中心',
    planner: '创建办规划',
    supervisor: '督查组',
    unit_staff: '包保单位',
    grid_leader: '网格长',
    grid_member: '网格员',
  },
  password: {
    title: '修改密码',
    forcedTitle: '请先修改密码',
    forcedHint: '为了账号安全，请先设置新密码，再进入系统。',
    current: '当前密码',
    next: '新密码',
    confirm: '再次输入新密码',
    rule: '至少 10 个字符，须同时包含字母和数字。',
    mismatch: '两次输入的新密码不一致',
    submit: '保存新密码',
    saving: '正在保存…',
    cancel: '取消',
    done: '密码已修改。',
  },
  view: {
    label: '地图内容',
    areas: '区域层级',
    zones: '包保责任区',
    areasShort: '区域',
    zonesShort: '包保',
    problems: '问题闭环',
    problemsShort: '问题',
    figures: '数据分析',
    figuresShort: '数据',
    assessment: '测评',
    assessmentShort: '测评',
  },
  notice: {
    region: '系统提示',
    dismiss: '关闭提示',
    network: '无法连接服务器，请检查网络后重试。',
  },
  ...areasZhCN,
  ...zonesZhCN,
  // the problem loop (issue 4)
  ...problemsZhCN,
  // figures, rankings, campaigns, gaps (issue 5)
  ...figuresZhCN,
  // inspection points, ledgers, satisfaction, the weekly index (issue 16)
  ...assessmentZhCN,
  ...wallZhCN,
  ...fieldZhCN,
};

export type Messages = typeof zhCN;
export default zhCN;
