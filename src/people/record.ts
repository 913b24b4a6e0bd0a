import { defineRecord, field as f, VERSIONED_META } from '../records/descriptor';

/** A person the organisation supports (a client, a member of the public). */
export const PERSON_RECORD = defineRecord({
  type: 'person',
  noun: 'person',
  table: 'people',
  fields: [
    f('id', 'id', 'general'),
    f('kind', 'kind', 'general'),
    f('givenName', 'given_name', 'general'),
    f('familyName', 'family_name', 'general'),
    f('preferredName', 'preferred_name', 'general'),
    f('pronouns', 'pronouns', 'general'),
    f('dateOfBirth', 'date_of_birth', 'personal'),
    f('email', 'email', 'personal'),
    f('phone', 'phone', 'personal'),
    f('address', 'address', 'personal'),
    f('ethnicity', 'ethnicity', 'special'),
    f('healthNotes', 'health_notes', 'special'),
    f('safeguardingNotes', 'safeguarding_notes', 'safeguarding'),
    // The date the person was first told of the confidentiality policy (4.1); null: not yet told. General: whoever
    // works with them needs to see at once whether they still need telling, and the date reveals nothing about them.
    f('toldAt', 'told_at', 'general'),
    f('archivedAt', 'archived_at', 'general'),
    ...VERSIONED_META,
  ],
  // inform: record that the person was given the organisation's notice (first contact, 4.1); information-use: prepare
  // the person's summary of how their information is used (Caldicott 8, 4.1).
  actions: ['read', 'create', 'update', 'archive', 'inform', 'information-use'],
  subjectPerson: 'people.id',
  access: { compartment: 'person', column: 'id' },
  owner: null,
  breakGlass: true,
  // What the web app may offer on a person's page, decided as the actions themselves are: opening a case; recording
  // that they were given the notice (4.1); recording an answer about a purpose, or a withdrawal (1.3, 4.1) — a consent
  // not yet written is the person's, on their team, recorded by the actor; asking for a disclosure to a third party
  // (4.3) — a disclosure not yet written is the person's, on their team, requested by the actor — and seeing their
  // disclosure register.
  offers: [
    { can: 'openCase', action: 'case.create', on: { child: 'case' }, whileOpen: true },
    { can: 'inform', action: 'person.inform', on: 'record', whileOpen: true },
    { can: 'recordConsent', action: 'consent.record', on: { child: 'consent' }, whileOpen: true },
    { can: 'withdrawConsent', action: 'consent.withdraw', on: { child: 'consent' } },
    { can: 'printConsentReceipt', action: 'consent.read', on: { child: 'consent' }, classification: 'personal' },
    { can: 'requestDisclosure', action: 'disclosure.request', on: { child: 'disclosure' }, whileOpen: true },
    { can: 'seeDisclosures', action: 'disclosure.read', on: { child: 'disclosure' } },
    // Reading "how their information is used" (the guardian too, at the general level: 3.1); preparing the copy handed
    // to the person needs all of it (what they were told: personal) — the PDF (src/information-use/summary.ts).
    { can: 'readInformationUse', action: 'person.information-use', on: 'record' },
    { can: 'prepareInformationUse', action: 'person.information-use', on: 'record', classification: 'personal' },
    { can: 'recordMeeting', action: 'meeting.record', on: 'record', whileOpen: true },
  ],
  editable: ['kind', 'givenName', 'familyName', 'preferredName', 'pronouns', 'dateOfBirth', 'email', 'phone', 'address', 'ethnicity', 'healthNotes', 'safeguardingNotes'],
});
