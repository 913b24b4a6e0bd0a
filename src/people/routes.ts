import { route } from '../http/route';
import { versionedRecordRoutes } from '../records/routes';
import { setEtag } from '../http/versions';
import { archivePerson, createPerson, updatePerson } from './commands';
import { countPeople, getPerson, listPeople } from './queries';
import { createPersonBody, listPeopleQuery, updatePersonBody } from './schema';

const tags = ['people'];

/** People: service users, members of the public and staff (clause 1.1). */
export const peopleRoutes = [
  route({
    method: 'GET', url: '/api/people', action: 'person.read', tags, query: listPeopleQuery,
    summary: 'List the people you need to know about (general fields), name-ordered, with prefix search',
    handler: (ctx, { query }) => listPeople(ctx, query),
  }),
  route({
    method: 'GET', url: '/api/people/count', action: 'person.read', tags, query: listPeopleQuery.pick({ q: true, includeArchived: true }),
    summary: 'Count the people you may see',
    handler: (ctx, { query }) => countPeople(ctx, query),
  }),
  route({
    method: 'POST', url: '/api/people', action: 'person.create', tags, body: createPersonBody, status: 201,
    summary: 'Record a person, optionally opening their first case with you as lead worker',
    handler: async (ctx, { body, reply }) => {
      const created = await createPerson(ctx, body);
      reply.header('location', `/api/people/${created.id}`);
      setEtag(reply, created.version);
      return created;
    },
  }),
  ...versionedRecordRoutes({
    type: 'person', path: '/api/people', tags,
    read: { summary: 'Read a person: fields you may not see are listed under restricted', run: getPerson },
    update: { summary: 'Change fields of a person (If-Match required; each field checked)', body: updatePersonBody, run: updatePerson },
    archive: { summary: 'Archive a person (kept, hidden from lists; not erasure)', run: archivePerson },
  }),
];
