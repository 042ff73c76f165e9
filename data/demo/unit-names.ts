import type { UnitType } from '../../api/domain/contracting-labels';

/**
 * The contracting units of the demo: the departments, stationed units, banks, schools and
 * hospitals a county seat of ~300,000 people hangs on its grids (常山县's own list is longer).
 * The last one is a deliberate gap: a unit with no grid.
 */
export const DEMO_UNITS: [string, UnitType][] = [
  ['县教育局', 'county'], ['县综合行政执法局', 'county'], ['县卫生健康局', 'county'], ['县住建局', 'county'],
  ['县市场监管局', 'county'], ['县公安局', 'county'], ['县民政局', 'county'], ['县财政局', 'county'],
  ['县发展和改革局', 'county'], ['县经济和信息化局', 'county'], ['县司法局', 'county'], ['县人力社保局', 'county'],
  ['县自然资源和规划局', 'county'], ['县交通运输局', 'county'], ['县水利局', 'county'], ['县农业农村局', 'county'],
  ['县商务局', 'county'], ['县文化和广电旅游体育局', 'county'], ['县退役军人事务局', 'county'], ['县应急管理局', 'county'],
  ['县审计局', 'county'], ['县统计局', 'county'], ['县医疗保障局', 'county'], ['县信访局', 'county'],
  ['县机关事务服务中心', 'county'], ['县委办', 'county'], ['县政府办', 'county'], ['县委组织部', 'county'],
  ['县委宣传部', 'county'], ['县委统战部', 'county'], ['县委政法委', 'county'], ['县纪委县监委', 'county'],
  ['县总工会', 'county'], ['团县委', 'county'], ['县妇联', 'county'], ['县残联', 'county'],
  ['县融媒体中心', 'county'], ['县人民法院', 'county'], ['县人民检察院', 'county'], ['县供销社', 'county'],
  ['衢州市生态环境局常山分局', 'prefecture'], ['衢州市公安局交通警察支队常山大队', 'prefecture'],
  ['国家税务总局常山县税务局', 'central_provincial_local'], ['国网常山县供电公司', 'central_provincial_local'],
  ['中国电信常山分公司', 'central_provincial_local'], ['中国移动常山分公司', 'central_provincial_local'],
  ['中国联通常山分公司', 'central_provincial_local'], ['常山县邮政分公司', 'central_provincial_local'],
  ['农业银行常山支行', 'enterprise'], ['工商银行常山支行', 'enterprise'], ['中国银行常山支行', 'enterprise'],
  ['建设银行常山支行', 'enterprise'], ['浙江常山农村商业银行', 'enterprise'], ['常山县城市投资集团', 'enterprise'],
  ['常山县第一中学', 'other'], ['常山县第二中学', 'other'], ['常山县实验小学', 'other'], ['常山县职业中专', 'other'],
  ['常山县人民医院', 'other'], ['常山县中医医院', 'other'], ['县档案馆', 'other'],
];

export const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢姜钟汪范金方毛徐郑俞祝涂鲁'];
export const GIVEN = [...'建国伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰志红海燕文斌辉鹏飞雪梅丹宇浩晨颖佳琳慧峰波俊'];
