import type { Messages } from './zh-CN';
import areasEn from '../features/areas/i18n/en';
import zonesEn from '../features/zones/i18n/en';
import problemsEn from '../features/problems/i18n/en';
import figuresEn from '../features/figures/i18n/en';
import assessmentEn from '../features/assessment/i18n/en';
import wallEn from '../features/wall/i18n/en';
import fieldEn from '../features/field/i18n/en';

/** English. Typed against zh-CN so that a missing or extra key fails the type check. */
const en: Messages = {
  app: {
    title: 'Grid management',
    subtitle: 'Civilized & sanitary city · one map',
  },
  live: {
    reconnecting: 'Reconnecting…',
    reconnectingHint:
      'Live updates are disconnected and reconnecting by themselves; what changes meanwhile follows once they are back.',
  },
  lang: {
    label: 'Language',
    zh: '中文',
    en: 'English',
  },
  panel: {
    label: 'Area information',
    expand: 'Expand panel',
    collapse: 'Collapse panel',
  },
  map: {
    label: 'Grid map',
    error: 'Map data failed to load: {msg}',
    webgl: 'The browser cannot create the map canvas (WebGL unavailable).',
    zoomIn: 'Zoom in',
    zoomOut: 'Zoom out',
    attribution: 'Data sources',
  },
  login: {
    title: 'Log in',
    hint: 'Use the account your unit was given.',
    username: 'Username',
    password: 'Password',
    submit: 'Log in',
    submitting: 'Logging in…',
    expired: 'Your session has expired. Please log in again.',
    rateLimited: 'Too many login attempts. Please wait a moment and try again.',
    checking: 'Checking your session…',
  },
  user: {
    menu: 'Account menu',
    scope: 'Responsible for: {areas}',
    cityWide: 'the whole city',
    changePassword: 'Change password',
    logout: 'Log out',
  },
  role: {
    admin: 'Administrator',
    commander: 'Command center',
    planner: 'Planner',
    supervisor: 'Supervisor',
    unit_staff: 'Unit staff',
    grid_leader: 'Grid leader',
    grid_member: 'Grid member',
  },
  password: {
    title: 'Change password',
    forcedTitle: 'Please change your password',
    forcedHint: 'For the safety of your account, set a new password before you continue.',
    current: 'Current password',
    next: 'New password',
    confirm: 'New password again',
    rule: 'At least 10 characters, with both letters and digits.',
    mismatch: 'The two new passwords differ',
    submit: 'Save new password',
    saving: 'Saving…',
    cancel: 'Cancel',
    done: 'Your password has been changed.',
  },
  view: {
    label: 'Map content',
    areas: 'Area hierarchy',
    zones: 'Contracting zones',
    areasShort: 'Areas',
    zonesShort: 'Zones',
    problems: 'Problems',
    problemsShort: 'Problems',
    figures: 'Figures',
    figuresShort: 'Figures',
    assessment: 'Assessment',
    assessmentShort: 'Assess',
  },
  notice: {
    region: 'Notices',
    dismiss: 'Dismiss',
    network: 'Cannot reach the server. Check the network and try again.',
  },
  ...areasEn,
  ...zonesEn,
  ...problemsEn,
  ...figuresEn,
  ...assessmentEn,
  ...wallEn,
  ...fieldEn,
};

export default en;
