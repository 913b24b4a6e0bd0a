import { describe, expect, it } from 'vitest';
import { GRANTABLE } from '../../src/access/schema';
import { GRANTABLE_BY_RECORD as FROM_DESCRIPTORS } from '../../src/access/grantable';
import { RECORDS } from '../../src/records/registry';
import { fieldLabel, GRANTABLE_BY_RECORD } from '../../web/src/labels';

describe('3.4 need-to-know: "Request access" offers only what the record holds', () => {
  it('3.4 need-to-know: the choices for a person, a case and an organisation are the classifications their information has — no "Commercial" for a person', () => {
    const sorted = Object.fromEntries(Object.entries(GRANTABLE_BY_RECORD).map(([k, v]) => [k, [...v].sort()]));
    expect(sorted).toEqual(FROM_DESCRIPTORS);
    expect(GRANTABLE_BY_RECORD.person).not.toContain('commercial');
    for (const classes of Object.values(GRANTABLE_BY_RECORD)) for (const c of classes) expect(GRANTABLE).toContain(c);
  });

  it('labels are in sentence case, the organisation\'s contact fields alike', () => {
    expect(['contactName', 'contactEmail', 'contactPhone'].map(fieldLabel)).toEqual(['Contact name', 'Contact email', 'Contact phone']);
    for (const d of RECORDS) for (const f of d.fields) expect(fieldLabel(f.api), `${d.type}.${f.api}`).toMatch(/^[A-Z]/);
  });
});
