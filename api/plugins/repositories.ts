import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/types';
import { accountsRepository, type AccountsRepository } from '../repositories/accounts';
import { areasRepository, type AreasRepository } from '../repositories/areas';
import { assessmentRepository, type AssessmentRepository } from '../repositories/assessment';
import { assignmentsRepository, type AssignmentsRepository } from '../repositories/assignments';
import { auditRepository, type AuditRepository } from '../repositories/audit';
import { campaignsRepository, type CampaignsRepository } from '../repositories/campaigns';
import { categoriesRepository, type CategoriesRepository } from '../repositories/categories';
import { contractingRepository, type ContractingRepository } from '../repositories/contracting';
import { coverageRepository, type CoverageRepository } from '../repositories/coverage';
import { displayTokensRepository, type DisplayTokensRepository } from '../repositories/display-tokens';
import { eventsRepository, type EventsRepository } from '../repositories/events';
import { figuresRepository, type FiguresRepository } from '../repositories/figures';
import { hotspotsRepository, type HotspotsRepository } from '../repositories/hotspots';
import { loginFailuresRepository, type LoginFailuresRepository } from '../repositories/login-failures';
import { noticesRepository, type NoticesRepository } from '../repositories/notices';
import { patrolsRepository, type PatrolsRepository } from '../repositories/patrols';
import { photosRepository, type PhotosRepository } from '../repositories/photos';
import { problemsRepository, type ProblemsRepository } from '../repositories/problems';
import { rankingsRepository, type RankingsRepository } from '../repositories/rankings';
import { systemRepository, type SystemRepository } from '../repositories/system';
import { detectMvtEncoder, tileEncoder, type MvtEncoder } from '../tiles/mvt';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    accounts: AccountsRepository;
    areas: AreasRepository;
    assessment: AssessmentRepository;
    assignments: AssignmentsRepository;
    audit: AuditRepository;
    campaigns: CampaignsRepository;
    categories: CategoriesRepository;
    contracting: ContractingRepository;
    coverage: CoverageRepository;
    /** wall screens' display tokens and sessions (issue 12) */
    displayTokens: DisplayTokensRepository;
    /** the stored event log (app.events is the live hub over it) */
    eventLog: EventsRepository;
    figures: FiguresRepository;
    hotspots: HotspotsRepository;
    loginFailures: LoginFailuresRepository;
    notices: NoticesRepository;
    patrols: PatrolsRepository;
    photos: PhotosRepository;
    problems: ProblemsRepository;
    rankings: RankingsRepository;
    system: SystemRepository;
    mvtEncoder: MvtEncoder;
    /** one tile of a tileset (repositories/tiles.ts), encoded by PostGIS or in JS */
    tile: ReturnType<typeof tileEncoder>;
  }
}

/**
 * Every repository over the app's database, decorated once on the root instance: routes reach
 * SQL only through these (or through services, which take `tx` inside their transactions).
 * skip-override (what fastify-plugin sets) keeps the decorations visible to every route plugin.
 */
async function repositories(app: FastifyInstance, opts: { db: Db }) {
  const { db } = opts;
  app.decorate('db', db);
  app.decorate('accounts', accountsRepository(db));
  app.decorate('areas', areasRepository(db));
  app.decorate('assessment', assessmentRepository(db));
  app.decorate('assignments', assignmentsRepository(db));
  app.decorate('audit', auditRepository(db));
  app.decorate('campaigns', campaignsRepository(db));
  app.decorate('categories', categoriesRepository(db));
  app.decorate('contracting', contractingRepository(db));
  app.decorate('coverage', coverageRepository(db));
  app.decorate('displayTokens', displayTokensRepository(db));
  app.decorate('eventLog', eventsRepository(db));
  app.decorate('figures', figuresRepository(db));
  app.decorate('hotspots', hotspotsRepository(db));
  app.decorate('loginFailures', loginFailuresRepository(db));
  app.decorate('notices', noticesRepository(db));
  app.decorate('patrols', patrolsRepository(db));
  app.decorate('photos', photosRepository(db));
  app.decorate('problems', problemsRepository(db));
  app.decorate('rankings', rankingsRepository(db));
  app.decorate('system', systemRepository(db));
  const encoder = await detectMvtEncoder(db);
  app.decorate('mvtEncoder', encoder);
  app.decorate('tile', tileEncoder(db, encoder));
}
(repositories as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
export default repositories;
