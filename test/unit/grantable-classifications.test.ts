import { describe, expect, it } from 'vitest';
import { GRANTABLE } from '../../src/access/schema';
import { ATTACHMENT_CLASSIFICATIONS } from '../../src/attachments/schema';
import { RECORDS } from '../../src/records/registry';
import { fieldLabel, GRANTABLE_BY_RECORD } from '../../web/src/labels';

/**
 * The classifications a grant on each kind of record can open, from the record descriptors: every non-general
 * classification of the fields of every record type its team and grants reach (an attachment's fields take the
 * classification it was filed under, one of ATTACHMENT_CLASSIFICATIONS).
 */
function fromDescriptors(): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const d of RECORDS) {
    const compartment = d.access?.compartment;
    if (!compartment) continue;
    out[compartment] ??= new Set();
    for (const f of d.fields) {
      const classes = typeof f.classification === 'function'
        ? ATTACHMENT_CLASSIFICATIONS.map((c) => (f.classification as (row: Record<string, unknown>) => string)({ classification: c }))
        : [f.classification];
      for (const c of classes) if (c !== 'general') out[compartment].add(c);
    }
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v].sort()]));
}

describe('3.4 need-to-know: "Request access" offers only what the record holds', () => {
  it('3.4 need-to-know: the choices for a person, a case and an organisation are the classifications their information has — no "Commercial" for a person', () => {
    const sorted = Object.fromEntries(Object.entries(GRANTABLE_BY_RECORD).map(([k, v]) => [k, [...v].sort()]));
    expect(sorted).toEqual(fromDescriptors());
    expect(GRANTABLE_BY_RECORD.person).not.toContain('commercial');
    for (const classes of Object.values(GRANTABLE_BY_RECORD)) for (const c of classes) expect(GRANTABLE).toContain(c);
  });

  it('labels are in sentence case, the organisation\'s contact fields alike', () => {
    expect(['contactName', 'contactEmail', 'contactPhone'].map(fieldLabel)).toEqual(['Contact name', 'Contact email', 'Contact phone']);
    for (const d of RECORDS) for (const f of d.fields) expect(fieldLabel(f.api), `${d.type}.${f.api}`).toMatch(/^[A-Z]/);
  });
});
