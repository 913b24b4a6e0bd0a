// Which answers of the handling form the API requires in the form's present state, so that no field it will ask
// for is labelled "(optional)". The rules are the API's (handlingProblems in src/breaches/assessment.ts); the unit
// test test/unit/breach-form-required.test.ts checks the two agree.

/** The ICO must be told within 72 hours of the organisation becoming aware (UK GDPR Art 33(1)). */
const ICO_HOURS = 72;

/** The form's answers that decide what else is required (times as the form holds them, or ISO). */
export interface RequiredInputs {
  awareAt: string;
  icoDecision: string | null;
  icoReportedAt: string;
  icoReference: string;
  peopleToldDecision: string | null;
}

/** True when the ICO was told after the 72 hours counted from `awareAt`: the reasons for the delay are then required. */
export function reportedLate(f: Pick<RequiredInputs, 'awareAt' | 'icoDecision' | 'icoReportedAt'>): boolean {
  if (f.icoDecision !== 'report' || !f.awareAt || !f.icoReportedAt) return false;
  return new Date(f.icoReportedAt).getTime() > new Date(f.awareAt).getTime() + ICO_HOURS * 3_600_000;
}

/**
 * The handling fields the API requires now: when we became aware, always; the reason when the ICO is not told (or
 * was told late, Art 33(1)); when the ICO was told once its reference is given; the ground and the reason when the
 * people affected are not told (Art 34(3)).
 */
export function requiredFields(f: RequiredInputs): ReadonlySet<string> {
  const out = new Set(['awareAt']);
  if (f.icoDecision === 'not_required' || reportedLate(f)) out.add('icoReason');
  if (f.icoDecision === 'report' && f.icoReference.trim()) out.add('icoReportedAt');
  if (f.peopleToldDecision === 'not_required') {
    out.add('peopleNotToldGround');
    out.add('peopleToldReason');
  }
  return out;
}
