import { describe, expect, it } from 'vitest';
import { packTerms } from '../../src/documents/release-pack-pdf';
import { askedSentence, askedYouWords, consentSoughtColumns, consentSoughtDetail, consentSoughtOf, consentSoughtOfReferral, withoutTheirConsent, type ConsentSought } from '../../src/lib/consent-sought';
import { exceptionSchema } from '../../src/disclosure/schema';

const exception = (columns: { consent_sought: number | null; consent_answer?: string | null; not_sought_because?: string | null }) =>
  packTerms('Music24', 'Statutory requests', { basis: 'exception', exception_ground: 'crime', consent_id: null, consent_answer: null, not_sought_because: null, ...columns }).terms;

/** Every answer an exception can record, with the terms' sentence and the person's words for it. */
const ANSWERS: { columns: { consent_sought: number; consent_answer?: string; not_sought_because?: string }; terms: string; person: string }[] = [
  {
    columns: { consent_sought: 1, consent_answer: 'refused' },
    terms: 'The person it concerns was asked for their consent first and refused it.',
    person: 'because the law or a risk of harm required it; we asked you first and you said no',
  },
  {
    columns: { consent_sought: 0, not_sought_because: 'not_possible' },
    terms: 'The person it concerns was not asked first: seeking their consent was not possible.',
    person: 'without asking you first, because the law or a risk of harm required it and asking you was not possible',
  },
  {
    columns: { consent_sought: 0, not_sought_because: 'not_safe' },
    terms: 'The person it concerns was not asked first: seeking their consent was not safe, or would have prejudiced the purpose of sharing it.',
    person: 'without asking you first, because the law or a risk of harm required it and asking you could have put someone at risk or harmed an investigation',
  },
  {
    columns: { consent_sought: 0, not_sought_because: 'emergency' },
    terms: 'The person it concerns was not asked first: in an emergency there was no time to seek their consent.',
    person: 'without asking you first, because the law or a risk of harm required it and in an emergency there was no time to ask you',
  },
];

describe('1.3 exceptions, 4.1 informed consent: whether the person was asked first is worded one way, as recorded', () => {
  it('1.3 exceptions, 4.3 disclosure: an exception\'s terms say "without the consent of the person it concerns" and whether they were asked — refused, not possible, not safe or would prejudice, an emergency — each in its own words, never "agreed"', () => {
    for (const a of ANSWERS) {
      const terms = exception(a.columns);
      expect(terms).toBe(`CONFIDENTIAL — shared by Music24 without the consent of the person it concerns, under the prevention or detection of crime, as its Confidentiality Policy allows. ${a.terms} `
        + 'It is supplied for Statutory requests only: do not share it further except as the law requires, use it only for this purpose, and keep it secure.');
      expect(terms).not.toMatch(/agreed/);
      expect(askedYouWords('the law or a risk of harm required it', consentSoughtOf(a.columns))).toBe(a.person);
    }
  });

  it('1.3 exceptions: an exception whose answer was not recorded (asked for before it was) claims nothing either way — neither "without the consent" nor asked — in the terms and in the person\'s words', () => {
    const terms = exception({ consent_sought: null });
    expect(terms).toBe('CONFIDENTIAL — shared by Music24 under the prevention or detection of crime, as its Confidentiality Policy allows: it rests on that exception, not on the consent of the person it concerns. '
      + 'It is supplied for Statutory requests only: do not share it further except as the law requires, use it only for this purpose, and keep it secure.');
    expect(terms).not.toMatch(/without the consent|asked/);
    // Columns absent altogether (a row read before migration 0029) read the same.
    expect(packTerms('Music24', 'Statutory requests', { basis: 'exception', exception_ground: 'crime', consent_id: null }).terms).toBe(terms);
    expect(askedYouWords('the law or a risk of harm required it', consentSoughtOf({ consent_sought: null }))).toBe('because the law or a risk of harm required it');
    expect(consentSoughtDetail(null)).toEqual({ consentSought: null });
  });

  it('practice 4.3, 1.3 legal duty: a referral\'s answer (consentPossibleAndSafe) goes through the same words — asked about the referral, or not because not possible or not safe, or nothing yet — never "without the consent" of someone who was asked', () => {
    const referral = (consentSought: boolean | null) => packTerms('Music24', 'Safeguarding', { basis: 'exception', exception_ground: 'legal_duty', consent_id: null, referral: { consentSought } }).terms;
    expect(referral(true)).toContain('it rests on that duty, not on the consent of the person it concerns. The person it concerns was asked about this referral before it was made. It is supplied');
    expect(referral(false)).toContain('not on the consent of the person it concerns. The person it concerns was not asked first: seeking their consent was not possible or not safe. It is supplied');
    expect(referral(null)).toContain('not on the consent of the person it concerns. It is supplied');
    for (const v of [true, false, null]) expect(referral(v)).not.toContain('without the consent');
    const because = 'the law required us to share it to keep someone safe';
    expect(askedYouWords(because, consentSoughtOfReferral(true))).toBe('because the law required us to share it to keep someone safe; we asked you about it first');
    expect(askedYouWords(because, consentSoughtOfReferral(false))).toBe('without asking you first, because the law required us to share it to keep someone safe and asking you was not possible or not safe');
    expect(askedYouWords(because, consentSoughtOfReferral(null))).toBe('because the law required us to share it to keep someone safe');
    expect(askedSentence(consentSoughtOfReferral(undefined), 'referral')).toBe('');
  });

  it('1.3 exceptions: "without the consent" only of someone not asked or who refused; what is stored and audited is the structured answer, read back as recorded', () => {
    const cases: [ConsentSought | null, boolean][] = [
      [{ sought: true, answer: 'refused' }, true], [{ sought: false, because: 'not_safe' }, true], [{ sought: false, because: null }, true],
      [{ sought: true, answer: null }, false], [null, false],
    ];
    for (const [a, without] of cases) expect(withoutTheirConsent(a), JSON.stringify(a)).toBe(without);
    expect(consentSoughtColumns({ consentSought: true, consentAnswer: 'refused' })).toEqual({ consent_sought: 1, consent_answer: 'refused', not_sought_because: null });
    expect(consentSoughtColumns({ consentSought: false, notSoughtBecause: 'emergency' })).toEqual({ consent_sought: 0, consent_answer: null, not_sought_because: 'emergency' });
    expect(consentSoughtOf({ consent_sought: 1, consent_answer: 'refused' })).toEqual({ sought: true, answer: 'refused' });
    expect(consentSoughtOf({ consent_sought: 0, not_sought_because: 'not_possible' })).toEqual({ sought: false, because: 'not_possible' });
    expect(consentSoughtDetail({ sought: true, answer: 'refused' })).toEqual({ consentSought: true, consentAnswer: 'refused' });
    expect(consentSoughtDetail({ sought: false, because: 'not_safe' })).toEqual({ consentSought: false, notSoughtBecause: 'not_safe' });
  });

  it('1.3 exceptions, 4.1 informed consent: the request schema requires the answer and refuses a contradictory one, naming the field — asked and agreed is consent, not an exception', () => {
    const paths = (body: Record<string, unknown>) => {
      const r = exceptionSchema.safeParse({ ground: 'emergency', ...body });
      return r.success ? [] : r.error.issues.map((i) => [i.path.join('.'), i.message]);
    };
    expect(paths({})).toEqual([['consentSought', 'say whether the person was asked for their consent first (1.3, 4.1)']]);
    expect(paths({ consentSought: true })).toEqual([['consentAnswer', 'say what they answered when they were asked']]);
    expect(paths({ consentSought: true, consentAnswer: 'agreed' })).toEqual([['consentAnswer', 'they agreed: record their consent and share on it, not on an exception (1.3, 4.1)']]);
    expect(paths({ consentSought: true, consentAnswer: 'refused', notSoughtBecause: 'emergency' })).toEqual([['notSoughtBecause', 'only when they were not asked']]);
    expect(paths({ consentSought: false })).toEqual([['notSoughtBecause', 'say why they were not asked: not possible, not safe, or an emergency']]);
    expect(paths({ consentSought: false, notSoughtBecause: 'not_safe', consentAnswer: 'refused' })).toEqual([['consentAnswer', 'only when they were asked']]);
    expect(paths({ consentSought: 'yes' })[0][0]).toBe('consentSought');
    expect(paths({ consentSought: true, consentAnswer: 'refused' })).toEqual([]);
    expect(paths({ consentSought: false, notSoughtBecause: 'not_possible' })).toEqual([]);
  });
});
