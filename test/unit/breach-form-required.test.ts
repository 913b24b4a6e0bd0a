import { describe, expect, it } from 'vitest';
import { handlingProblems, icoDeadline } from '../../src/breaches/assessment';
import type { BreachRow } from '../../src/db/schema';
import { requiredFields, type RequiredInputs } from '../../web/src/pages/breaches/required';

const REPORTED = '2026-03-02T09:00:00.000Z';
const NOW = new Date('2026-03-06T09:00:00.000Z');

/** A breach as the handling form would leave it with every optional answer blank: only the choices made. */
function rowOf(f: RequiredInputs): BreachRow {
  return {
    id: 'b', status: 'assessing', source: 'report', reported_by: 'u', reported_at: REPORTED, report: 'r', reported_occurred_at: null, what_happened: null,
    occurred_at: null, aware_at: f.awareAt, ico_deadline_at: icoDeadline(f.awareAt), data_categories: '[]', people_affected: null, likelihood: 'remote',
    severity: 'minimal', risk_level: 'none', risk_notes: null, containment: null, ico_decision: f.icoDecision as BreachRow['ico_decision'], ico_reason: null,
    ico_reported_at: f.icoReportedAt || null, ico_reference: f.icoReference || null, people_told_decision: f.peopleToldDecision as BreachRow['people_told_decision'],
    people_not_told_ground: null, people_told_reason: null, people_told_at: null, disciplinary_reference: null, grant_id: null, flag_id: null,
    closed_at: null, closed_by: null, closing_note: null, created_at: REPORTED, updated_at: REPORTED, version: 1,
  } as BreachRow;
}

const base: RequiredInputs = { awareAt: REPORTED, icoDecision: null, icoReportedAt: '', icoReference: '', peopleToldDecision: null };
const STATES: [string, Partial<RequiredInputs>][] = [
  ['nothing decided', {}],
  ['the ICO is told, not yet reported', { icoDecision: 'report' }],
  ['the ICO told in time', { icoDecision: 'report', icoReportedAt: '2026-03-04T09:00:00.000Z', icoReference: 'ICO-1' }],
  ['the ICO told after 72 hours', { icoDecision: 'report', icoReportedAt: '2026-03-05T10:00:00.000Z', icoReference: 'ICO-1' }],
  ['the ICO reference given, not when told', { icoDecision: 'report', icoReference: 'ICO-1' }],
  ['the ICO need not be told', { icoDecision: 'not_required' }],
  ['the people affected are told', { peopleToldDecision: 'tell' }],
  ['the people affected are not told', { peopleToldDecision: 'not_required' }],
  ['neither is told', { icoDecision: 'not_required', peopleToldDecision: 'not_required' }],
];

describe('the breach handling form asks for what the API requires (clause 5; UK GDPR Art 33–34)', () => {
  it.each(STATES)('5 breach-handling: a blank field is marked required exactly when the API refuses it blank — %s', (_, state) => {
    const f = { ...base, ...state };
    const refusedBlank = handlingProblems(rowOf(f), NOW, new Set()).map((e) => e.path.slice('body.'.length));
    const answered = new Set(['awareAt', ...Object.keys(state)]);
    expect(new Set(refusedBlank)).toEqual(new Set([...requiredFields(f)].filter((field) => !answered.has(field))));
  });

  it('5 breach-handling: "when we became aware" is always required', () => {
    for (const [, state] of STATES) expect(requiredFields({ ...base, ...state }).has('awareAt')).toBe(true);
  });
});
