import { peopleRoutes } from './people/routes';
import { accessRoutes } from './access/routes';
import { notificationRoutes } from './notify/routes';
import { caseRoutes } from './cases/routes';
import { noteRoutes } from './notes/routes';
import { organisationRoutes } from './organisations/routes';
import { attachmentRoutes } from './attachments/routes';
import { concernRoutes } from './safeguarding/routes';
import { noticeRoutes } from './notices/routes';
import { purposeRoutes } from './purposes/routes';
import { consentRoutes } from './consent/routes';
import { breachRoutes } from './breaches/routes';
import { disclosureRoutes } from './disclosure/routes';
import { agreementRoutes } from './agreements/routes';
import { meetingRoutes } from './meetings/routes';
import { informationUseRoutes } from './information-use/routes';
import { policyDocumentRoutes } from './policy-document/routes';
import { reviewRoutes } from './review/routes';
import { equalityRoutes } from './equality/routes';
import { auditRoutes } from './audit/routes';
import { authRoutes } from './accounts/routes';
import { userRoutes } from './accounts/user-routes';
import { systemRoutes } from './http/system-routes';
import { metricsRoutes } from './metrics/routes';
import { webRoutes } from './web/routes';
import { openApiRoutes } from './http/openapi';
import type { AnyRoute } from './http/route';

/**
 * The route table: every area's routes, all registered through the one pipeline. Add an area's routes here.
 */
export function allRoutes(): AnyRoute[] {
  const routes: AnyRoute[] = [...systemRoutes, ...metricsRoutes, ...webRoutes, ...peopleRoutes, ...informationUseRoutes, ...accessRoutes, ...notificationRoutes, ...caseRoutes, ...noteRoutes, ...organisationRoutes, ...attachmentRoutes, ...concernRoutes, ...breachRoutes, ...disclosureRoutes, ...agreementRoutes, ...meetingRoutes, ...noticeRoutes, ...purposeRoutes, ...consentRoutes, ...reviewRoutes, ...equalityRoutes, ...policyDocumentRoutes, ...auditRoutes, ...authRoutes, ...userRoutes];
  return [...routes, ...openApiRoutes(() => routes)];
}
