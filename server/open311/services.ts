import { CATEGORIES } from '../cases/index.ts';

/**
 * Our request categories as Open311 services. The service code is the
 * category itself, so a request posted with `service_code=water` is the same
 * case as one from the web form with `category: 'water'`. Names match the
 * browser app's labels (a test keeps them equal); `group` is the level-1 class
 * clients use to sort their pick list, `keywords` the words people type.
 */
export type ServiceCode = (typeof CATEGORIES)[number];

interface ServiceText {
  name: string;
  description: string;
  keywords: string;
  group: string;
}

export const SERVICE_TEXT: Record<ServiceCode, ServiceText> = {
  road: { name: '道路障碍/占道', description: '道路破损、井盖缺失、占道经营或堆物、车辆乱停影响通行', keywords: '道路,井盖,占道,坑洼,停车', group: '城市管理' },
  facility: { name: '公共设施', description: '路灯、公厕、健身器材、公交站亭等公共设施损坏', keywords: '路灯,公厕,设施,健身器材,损坏', group: '城市管理' },
  sanitation: { name: '环境卫生', description: '垃圾清运不及时、卫生死角、污水外溢', keywords: '垃圾,卫生,清运,污水,异味', group: '城市管理' },
  noise: { name: '噪音扰民', description: '施工、商铺、广场舞等噪音影响休息', keywords: '噪音,施工,扰民,夜间', group: '生态环境' },
  water: { name: '水电气热', description: '停水、停电、燃气、供暖不热等民生保障问题', keywords: '停水,停电,燃气,供暖,暖气', group: '公用事业' },
  veterans: { name: '退役军人服务', description: '退役军人优抚、安置、帮扶等事项', keywords: '退役军人,优抚,安置', group: '退役军人事务' },
  consult: { name: '政策咨询', description: '政策、办事流程、材料要求等咨询', keywords: '咨询,政策,办事,流程', group: '咨询' },
  complaint: { name: '投诉举报', description: '对单位或个人的投诉、举报', keywords: '投诉,举报,服务态度', group: '投诉举报' },
  other: { name: '其他', description: '以上类别之外的诉求', keywords: '其他', group: '其他' },
};

/** GET /services: every category, none with attributes (so no service definitions to fetch). */
export function serviceList() {
  return CATEGORIES.map((code) => ({
    service_code: code,
    service_name: SERVICE_TEXT[code].name,
    description: SERVICE_TEXT[code].description,
    metadata: false,
    // A case number comes back at once: no tokens to swap later.
    type: 'realtime' as const,
    keywords: SERVICE_TEXT[code].keywords,
    group: SERVICE_TEXT[code].group,
  }));
}

export const isServiceCode = (code: string): code is ServiceCode => (CATEGORIES as readonly string[]).includes(code);
