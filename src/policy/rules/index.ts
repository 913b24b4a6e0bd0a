import type { Rule } from '../rule';
import { ACCESS_RULES } from './access';
import { ACCOUNTS_RULES } from './accounts';
import { AGREEMENT_RULES } from './agreement';
import { BREACH_RULES } from './breaches';
import { AGREEMENTS_RULES } from './agreements';
import { MEETINGS_RULES } from './meetings';
import { CASE_RECORDS_RULES } from './case-records';
import { NOTICES_RULES } from './notices';
import { CONSENT_RULES } from './consent';
import { DISCLOSURE_RULES } from './disclosure';
import { INFORMATION_USE_RULES } from './information-use';
import { ORGANISATIONS_RULES } from './organisations';
import { OVERSIGHT_RULES } from './oversight';
import { PURPOSES_RULES } from './purposes';
import { SAFEGUARDING_RULES } from './safeguarding';
import { REVIEW_RULES } from './review';
import { EQUALITY_RULES } from './equality';

export type { AllowRule, ForbidRule, Rule } from '../rule';

/**
 * The rule set: one file per resource, in this one order. Forbid rules win over every allow rule whatever the order;
 * among allow rules, order only decides which rule an explanation names first.
 */
export const RULES: readonly Rule[] = [
  ...AGREEMENT_RULES,
  ...CASE_RECORDS_RULES,
  ...ORGANISATIONS_RULES,
  ...SAFEGUARDING_RULES,
  ...NOTICES_RULES,
  ...PURPOSES_RULES,
  ...CONSENT_RULES,
  ...BREACH_RULES,
  ...DISCLOSURE_RULES,
  ...AGREEMENTS_RULES,
  ...MEETINGS_RULES,
  ...INFORMATION_USE_RULES,
  ...ACCESS_RULES,
  ...OVERSIGHT_RULES,
  ...REVIEW_RULES,
  ...EQUALITY_RULES,
  ...ACCOUNTS_RULES,
];
