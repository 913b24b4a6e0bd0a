import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Need-to-know lists in O(page) whatever the team size (issue 9, 3.4 need to know). Case-team rows carry, besides
 * their person (0008), what a list of that person needs: the person's sort key, given- and preferred-name search
 * keys (0015), archived_at and told_at (0016). So an actor's visible people are one index range already in name
 * order — (user_id, person_sort_key, person_id) — and a page reads ~50 index entries instead of the whole team
 * (driven from the team) or people ÷ team entries (walking the people's name index and probing membership).
 *
 * The copies are kept by the database, like person_id (0008) and the name keys (0015), so no writer (commands,
 * imports, factories, a bulk load) can leave a stale one behind: a case-team row takes its person's values when it
 * is written or its person changes (a case moved to another person), and a person's row pushes its values to their
 * case-team rows when any of them changes (a rename, archiving, first contact). Closing or reopening a case changes
 * nothing here: the team relation does not depend on the case's status (src/policy/relations.ts).
 *
 * Indexes (each read from the index alone; PostgreSQL keeps the keys collated "C" like people.sort_key, so prefix
 * ranges and the order are byte-wise on both engines):
 * - case_team_list: the list, and a family-name search (a prefix of the sort key), in name order;
 * - case_team_given / case_team_preferred: the team's given- and preferred-name matches (the latter partial);
 * - case_team_not_yet_told: the not-yet-told worklist (4.1), partial like people_not_yet_told (0016).
 * And people's own name index (0006) also carries the given- and preferred-name keys, so a search walking it in
 * name order (a manager typing one letter, a common first name) reads the index alone, as 0006 did for archived_at:
 * ~2,000 walked entries for a 3-letter given name over 1M people each fetched their row before.
 * people_not_yet_told_by_id (0016) goes: it served worklists driven from team rows by person id, which now read
 * case_team_not_yet_told instead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  for (const column of ['person_sort_key', 'person_given_key', 'person_preferred_key', 'person_archived_at', 'person_told_at']) {
    const collated = postgres && column.endsWith('_key');
    await db.schema.alterTable('case_team').addColumn(column, 'text', (c) => (collated ? c.modifyEnd(sql`collate "C"`) : c)).execute();
  }
  const copy = sql`person_sort_key = p.sort_key, person_given_key = p.given_key, person_preferred_key = p.preferred_key,
    person_archived_at = p.archived_at, person_told_at = p.told_at`;
  const differ = postgres ? sql.raw('is distinct from') : sql.raw('is not'); // null-safe inequality on each engine
  const changed = sql.join(['sort_key', 'given_key', 'preferred_key', 'archived_at', 'told_at'].map((c) => sql`${sql.raw(`old.${c}`)} ${differ} ${sql.raw(`new.${c}`)}`), sql` or `);
  const push = sql`update case_team set person_sort_key = new.sort_key, person_given_key = new.given_key,
    person_preferred_key = new.preferred_key, person_archived_at = new.archived_at, person_told_at = new.told_at
    where person_id = new.id`;
  if (postgres) {
    await sql`alter table case_team disable trigger case_team_person`.execute(db); // the backfill moves no person
    await sql`update case_team set ${copy} from people p where p.id = case_team.person_id`.execute(db);
    await sql`alter table case_team enable trigger case_team_person`.execute(db);
    // The BEFORE trigger of 0008 fills the person, and now their list keys, on every insert and update.
    await sql`create or replace function case_team_person() returns trigger language plpgsql as $$
      begin
        new.person_id := (select c.person_id from cases c where c.id = new.case_id);
        select p.sort_key, p.given_key, p.preferred_key, p.archived_at, p.told_at
          into new.person_sort_key, new.person_given_key, new.person_preferred_key, new.person_archived_at, new.person_told_at
          from people p where p.id = new.person_id;
        return new;
      end $$`.execute(db);
    // AFTER and on any column, not "update of": the name keys are set by a BEFORE trigger (0015), which "update of"
    // would not see.
    await sql`create function people_case_team_keys() returns trigger language plpgsql as $$
      begin ${push}; return null; end $$`.execute(db);
    await sql`create trigger people_case_team_keys after update on people for each row when (${changed})
      execute function people_case_team_keys()`.execute(db);
  } else {
    await sql`update case_team set ${copy} from people p where p.id = case_team.person_id`.execute(db);
    // Every path that sets person_id (0008: insert, a case_id change, a case moved to another person) sets it in an
    // UPDATE of person_id, which this follows with the person's keys; a write of the keys themselves is undone. The
    // body reads the row's person_id as it is now, not NEW's: 0008's own trigger may have corrected it meanwhile.
    const keyCols = ['sort_key', 'given_key', 'preferred_key', 'archived_at', 'told_at'];
    const stale = sql.join(keyCols.map((c) => sql`${sql.raw(`p.${c}`)} is not ${sql.raw(`new.person_${c}`)}`), sql` or `);
    await sql`create trigger case_team_person_keys after update of ${sql.raw(['person_id', ...keyCols.map((c) => `person_${c}`)].join(', '))} on case_team
      when exists (select 1 from people p where p.id = new.person_id and (${stale})) or new.person_id is not old.person_id begin
      update case_team set ${copy} from people p where p.id = case_team.person_id and case_team.case_id = new.case_id and case_team.user_id = new.user_id; end`.execute(db);
    await sql`create trigger people_case_team_keys after update on people when ${changed} begin ${push}; end`.execute(db);
  }
  await db.schema.dropIndex('people_not_yet_told_by_id').execute();
  await db.schema.dropIndex('people_by_sort_key').execute();
  await db.schema.createIndex('people_by_sort_key').on('people').columns(['sort_key', 'id', 'archived_at', 'given_key', 'preferred_key']).execute();
  const on = (name: string, columns: string[], where?: ReturnType<typeof sql<boolean>>) => {
    const b = db.schema.createIndex(name).on('case_team').columns(columns);
    return (where ? b.where(where) : b).execute();
  };
  await on('case_team_list', ['user_id', 'person_sort_key', 'person_id', 'person_archived_at', 'person_given_key', 'person_preferred_key']);
  await on('case_team_given', ['user_id', 'person_given_key', 'person_sort_key', 'person_id', 'person_archived_at', 'person_told_at']);
  await on('case_team_preferred', ['user_id', 'person_preferred_key', 'person_sort_key', 'person_id', 'person_archived_at', 'person_told_at'], sql<boolean>`person_preferred_key is not null`);
  await on('case_team_not_yet_told', ['user_id', 'person_sort_key', 'person_id', 'person_given_key', 'person_preferred_key'], sql<boolean>`person_told_at is null and person_archived_at is null`);
}
