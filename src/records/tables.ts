import type { RecordType } from '../policy/types';

/** The table holding each record type. */
export const TABLE = {
  person: 'people',
  organisation: 'organisations',
  case: 'cases',
  note: 'notes',
  attachment: 'attachments',
} as const satisfies Record<RecordType, string>;

/** Words used in messages ("No person with that id …"). */
export const NOUN: Record<RecordType, string> = {
  person: 'person',
  organisation: 'organisation',
  case: 'case',
  note: 'note',
  attachment: 'attachment',
};
