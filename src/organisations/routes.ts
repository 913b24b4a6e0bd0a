import { route } from '../http/route';
import { versionedRecordRoutes } from '../records/routes';
import { setEtag } from '../http/versions';
import { archiveOrganisation, createOrganisation, updateOrganisation } from './commands';
import { getOrganisation, listOrganisations } from './queries';
import { addOrganisationTeamBody, createOrganisationBody, idParams, listOrganisationsQuery, teamMemberParams, updateOrganisationBody } from './schema';
import { addToOrganisationTeam, listOrganisationTeam, removeFromOrganisationTeam } from './team';

const tags = ['organisations'];

/** Organisations: partner agencies, funders and businesses, whose business information is confidential (1.4, 2.3). */
export const organisationRoutes = [
  route({
    method: 'GET', url: '/api/organisations', action: 'organisation.read', tags, query: listOrganisationsQuery,
    summary: 'List organisations (general fields), name-ordered, with prefix search',
    handler: (ctx, { query }) => listOrganisations(ctx, query),
  }),
  route({
    method: 'POST', url: '/api/organisations', action: 'organisation.create', tags, body: createOrganisationBody, status: 201,
    summary: 'Record an organisation; you join its team (you deal with it)',
    handler: async (ctx, { body, reply }) => {
      const org = await createOrganisation(ctx, body);
      reply.header('location', `/api/organisations/${org.data.id as string}`);
      setEtag(reply, org.version);
      return org;
    },
  }),
  ...versionedRecordRoutes({
    type: 'organisation', path: '/api/organisations', tags,
    read: { summary: 'Read an organisation: commercial notes only for those who deal with it', run: getOrganisation },
    update: { summary: 'Change fields of an organisation (If-Match required; each field checked)', body: updateOrganisationBody, run: updateOrganisation },
    archive: { summary: 'Archive an organisation (kept, hidden from lists; not erasure)', run: archiveOrganisation },
  }),
  route({
    method: 'GET', url: '/api/organisations/:id/team', action: 'organisation.read', tags, params: idParams,
    summary: 'Who deals with this organisation',
    handler: (ctx, { params }) => listOrganisationTeam(ctx, params.id),
  }),
  route({
    method: 'POST', url: '/api/organisations/:id/team', action: 'organisation.team.manage', tags, params: idParams, body: addOrganisationTeamBody,
    summary: 'Put a user on the organisation team (managers; they will see its commercial information)',
    handler: (ctx, { params, body }) => addToOrganisationTeam(ctx, params.id, body),
  }),
  route({
    method: 'DELETE', url: '/api/organisations/:id/team/:userId', action: 'organisation.team.manage', tags, params: teamMemberParams,
    summary: 'Take a user off the organisation team (managers)',
    handler: (ctx, { params }) => removeFromOrganisationTeam(ctx, params.id, params.userId),
  }),
];
