import { ATTACHMENT_CLASSIFICATIONS } from '../attachments/schema';
import type { Compartment } from '../records/descriptor';
import { RECORDS } from '../records/registry';

/**
 * The classifications an access grant on each kind of record can open (3.4 need to know), from the record
 * descriptors: every classification but general of the fields of every record type its team and grants reach (an
 * attachment's fields take the classification it was filed under, one of ATTACHMENT_CLASSIFICATIONS). A person's
 * record holds no business information, so a grant on it never opens "commercial". The web app offers the same
 * choices (web/src/labels.ts GRANTABLE_BY_RECORD, kept in step by test/unit/grantable-classifications.test.ts).
 */
export const GRANTABLE_BY_RECORD: Readonly<Record<Compartment, readonly string[]>> = (() => {
  const out = new Map<Compartment, Set<string>>();
  for (const d of RECORDS) {
    const compartment = d.access?.compartment;
    if (!compartment) continue;
    const classes = out.get(compartment) ?? new Set<string>();
    out.set(compartment, classes);
    for (const f of d.fields) {
      const each = typeof f.classification === 'function'
        ? ATTACHMENT_CLASSIFICATIONS.map((c) => (f.classification as (row: Record<string, unknown>) => string)({ classification: c }))
        : [f.classification];
      for (const c of each) if (c !== 'general') classes.add(c);
    }
  }
  return Object.fromEntries([...out].map(([k, v]) => [k, [...v].sort()])) as Record<Compartment, string[]>;
})();
