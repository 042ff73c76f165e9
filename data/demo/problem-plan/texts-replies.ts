/**
 * The other texts of a plan: the places a report names ({place}), and what reviewers and units
 * write on a step: reasons to reject, to return as "not ours", to send back for rework, to ask
 * for an extension or a suspension (挂账), and the notes of a revisit (回头看) that holds or not.
 */

export const PLACES = [
  '农贸市场',
  '菜市场',
  '阳光小区',
  '实验小学',
  '沿街商铺',
  '便利店',
  '小吃店',
  '公交站',
  '文化广场',
  '城市公园',
  '宾馆',
  '超市',
  '县人民医院',
  '社区卫生服务站',
  '银行网点',
  '老旧小区',
  '五金店',
  '早餐店',
  '商业街',
  '客运站',
];
export const REJECT = [
  '经现场核实，未发现所反映问题',
  '不属于城市管理范围，已告知反映人',
  '现场问题已自行消失，不予立案',
  '反映位置不清，经联系无法核实',
];
export const RETURN = [
  '该点位不在本单位包保范围，请重新交办',
  '该问题属于其他部门职责，申请退回',
  '经核实为产权单位责任，非本单位事项',
];
export const REWORK = [
  '现场仍有残留，整改不彻底',
  '整改照片与问题位置不符，请补充',
  '只做了临时处理，未达到结案标准',
  '复查时问题仍存在',
];
export const EXTENSION = [
  '需协调产权单位，申请延期',
  '整改需采购材料，申请延期',
  '涉及多部门联合处置，申请延期',
  '连续降雨无法施工，申请延期',
];
export const SUSPENSION = [
  '涉及拆迁规划，暂时无法整改，申请挂账',
  '产权纠纷未解决，申请挂账',
  '需列入年度改造计划，申请挂账',
];
export const REVISIT_OK = ['回头看：现场保持良好，未反弹', '回头看：问题未复发', '回头看：整改效果巩固'];
export const REVISIT_BAD = ['回头看：问题反弹，重新交办', '回头看：现场再次出现同类问题'];
