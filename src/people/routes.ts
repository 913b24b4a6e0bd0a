import { route } from '../http/route';
import { versionedRecordRoutes } from '../records/routes';
import { setEtag } from '../http/versions';
import { archivePerson, createPerson, updatePerson } from './commands';
import { countPeople, getPerson, listNotYetTold, listPeople } from './queries';
import { notYetToldQuery } from '../notices/schema';
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
    method: 'GET', url: '/api/people/not-yet-told', action: 'person.read', tags, query: notYetToldQuery,
    summary: 'People we have not yet told of the confidentiality policy (4.1: first contact), among those you need to know about, name-ordered',
    handler: (ctx, { query }) => listNotYetTold(ctx, query),
  }),
  route({
    method: 'POST', url: '/api/people', action: 'person.create', tags, body: createPersonBody, status: 201,
    summary: 'Register a person in one step: their first case with you as lead worker (openCase) and that they were given the notice (firstContact); refused (400) when you could not see them afterwards',
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
