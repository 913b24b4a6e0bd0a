import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Case-team rows carry the person their case is about, kept in step by triggers (both engines), so "is the actor
 * on this person's case team?" is one index lookup instead of two (the case by person, then the team row), and an
 * actor's team of people is one index range. Need-to-know lists probe this for every person they walk
 * (src/policy/relations.ts): on PostgreSQL the two lookups were ~70 % of a list page (bench/list.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('case_team').addColumn('person_id', 'text').execute();
  await sql`update case_team set person_id = (select c.person_id from cases c where c.id = case_team.case_id)`.execute(db);
  await db.schema.createIndex('case_team_by_person').on('case_team').columns(['person_id', 'user_id']).execute();
  await db.schema.createIndex('case_team_by_user_person').on('case_team').columns(['user_id', 'person_id']).execute();

  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`create function case_team_person() returns trigger language plpgsql as $$
      begin new.person_id := (select c.person_id from cases c where c.id = new.case_id); return new; end $$`.execute(db);
    await sql`create trigger case_team_person before insert or update on case_team for each row execute function case_team_person()`.execute(db);
    await sql`create function cases_person_moved() returns trigger language plpgsql as $$
      begin update case_team set person_id = new.person_id where case_id = new.id; return null; end $$`.execute(db);
    await sql`create trigger cases_person_moved after update of person_id on cases for each row execute function cases_person_moved()`.execute(db);
  } else {
    // SQLite has no BEFORE-row assignment: the row is completed right after it is written, in the same statement.
    await sql`create trigger case_team_person_insert after insert on case_team begin
      update case_team set person_id = (select c.person_id from cases c where c.id = new.case_id) where case_id = new.case_id and user_id = new.user_id; end`.execute(db);
    await sql`create trigger case_team_person_update after update of case_id, person_id on case_team begin
      update case_team set person_id = (select c.person_id from cases c where c.id = new.case_id)
      where case_id = new.case_id and user_id = new.user_id and person_id is not (select c.person_id from cases c where c.id = new.case_id); end`.execute(db);
    await sql`create trigger cases_person_moved after update of person_id on cases begin
      update case_team set person_id = new.person_id where case_id = new.id; end`.execute(db);
  }
}
