import { route } from '../http/route';
import { versionedRecordRoutes } from '../records/routes';
import { setEtag } from '../http/versions';
import { archiveCase, openCase, updateCase } from './commands';
import { getCase, listCasesOfPerson } from './queries';
import { addCaseTeamBody, idParams, listCasesQuery, openCaseBody, teamMemberParams, updateCaseBody } from './schema';
import { addToCaseTeam, listCaseTeam, removeFromCaseTeam } from './team';

const tags = ['cases'];

/** Cases: a person's involvement with a service, and the case team that needs to know (3.4, 4.2). */
export const caseRoutes = [
  route({
    method: 'POST', url: '/api/cases', action: 'case.create', tags, body: openCaseBody, status: 201,
    bodyTarget: [{ id: 'personId', type: 'person' }],
    summary: 'Open a case for a person you may see, with you as lead worker on its team',
    handler: async (ctx, { body, reply }) => {
      const opened = await openCase(ctx, body);
      const created = await getCase(ctx, opened.id);
      reply.header('location', `/api/cases/${opened.id}`);
      setEtag(reply, created.version);
      return created;
    },
  }),
  ...versionedRecordRoutes({
    type: 'case', path: '/api/cases', tags,
    read: { summary: 'Read a case: fields you may not see are listed under restricted', run: getCase },
    update: { summary: 'Change fields of a case, or close/reopen it (If-Match required; each field checked)', body: updateCaseBody, run: updateCase },
    archive: { summary: 'Archive a case (kept, hidden from lists; not erasure)', run: archiveCase },
  }),
  route({
    method: 'GET', url: '/api/people/:id/cases', action: 'case.read', tags, params: idParams, query: listCasesQuery,
    summary: 'List the cases of a person that you may see (general fields), newest first',
    handler: (ctx, { params, query }) => listCasesOfPerson(ctx, params.id, query),
  }),
  route({
    method: 'GET', url: '/api/cases/:id/team', action: 'case.read', tags, params: idParams,
    summary: 'Who is on the case team',
    handler: (ctx, { params }) => listCaseTeam(ctx, params.id),
  }),
  route({
    method: 'POST', url: '/api/cases/:id/team', action: 'case.team.manage', tags, params: idParams, body: addCaseTeamBody,
    summary: 'Put a user on the case team, or change their team role (managers; assigns need to know)',
    handler: (ctx, { params, body }) => addToCaseTeam(ctx, params.id, body),
  }),
  route({
    method: 'DELETE', url: '/api/cases/:id/team/:userId', action: 'case.team.manage', tags, params: teamMemberParams,
    summary: 'Take a user off the case team (managers; they lose need to know at once)',
    handler: (ctx, { params }) => removeFromCaseTeam(ctx, params.id, params.userId),
  }),
];
