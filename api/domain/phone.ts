/**
 * Phone numbers as offices write them ("138 1234 5678", "+86 13812345678", "0570-8123456",
 * "(0570)8123456", full-width digits from a Chinese IME) → one stored form: an 11-digit mainland
 * mobile 1[3-9]xxxxxxxxx, or a landline "0AA-NNNNNNNN" / "0AAA-NNNNNNN". Anything else is refused.
 */
const MOBILE = /^1[3-9]\d{9}$/;

export function normalizePhone(raw: string): string | null {
  let s = raw
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000]/g, '')
    .replace(/[－—–]/g, '-')
    .replace(/^[(（](0\d{2,3})[)）]-?/, '$1-');
  const intl = /^(?:\+86|0086)-?(.*)$/.exec(s);
  // From abroad a landline drops its trunk 0 (+86 570 …): put it back.
  if (intl) s = /^1/.test(intl[1]!) ? intl[1]! : `0${intl[1]!}`;
  const digits = s.replace(/-/g, '');
  if (MOBILE.test(digits)) return digits;
  const hyphen = /^(0\d{2,3})-(\d{7,8})$/.exec(s);
  if (hyphen) return `${hyphen[1]}-${hyphen[2]}`;
  if (/^0\d{9,11}$/.test(digits)) {
    // Three-digit area codes are 010 and 02x (Beijing, Shanghai, Tianjin…); all others have four.
    const area = /^0[12]/.test(digits) ? 3 : 4;
    const local = digits.slice(area);
    if (local.length >= 7 && local.length <= 8) return `${digits.slice(0, area)}-${local}`;
  }
  return null;
}

export const PHONE_RULE = {
  zh: '应为大陆手机号（1[3-9] 开头 11 位）或固定电话（如 0570-8123456）',
  en: 'must be a mainland mobile (11 digits starting 1[3-9]) or a landline such as 0570-8123456',
};
