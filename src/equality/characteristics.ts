/**
 * The characteristics asked about, each optional and each with "prefer not to say" (Equality Act 2010 protected
 * characteristics; groups as in the 2021 Census for England and Wales). Values are codes; labels are for reports.
 * An answer left out is counted as "not answered".
 */
export const CHARACTERISTICS = {
  ageBand: { column: 'age_band', label: 'Age band', options: ['under_16', '16_17', '18_24', '25_34', '35_44', '45_54', '55_64', '65_plus'] },
  gender: { column: 'gender', label: 'Gender', options: ['woman', 'man', 'non_binary', 'other'] },
  ethnicity: { column: 'ethnicity', label: 'Ethnic group', options: ['asian', 'black', 'mixed', 'white', 'other'] },
  disability: { column: 'disability', label: 'Disability', options: ['yes', 'no'] },
  religion: { column: 'religion', label: 'Religion or belief', options: ['none', 'buddhist', 'christian', 'hindu', 'jewish', 'muslim', 'sikh', 'other'] },
  sexualOrientation: { column: 'sexual_orientation', label: 'Sexual orientation', options: ['heterosexual', 'gay_or_lesbian', 'bisexual', 'other'] },
} as const;

export type Characteristic = keyof typeof CHARACTERISTICS;
export const CHARACTERISTIC_KEYS = Object.keys(CHARACTERISTICS) as Characteristic[];
export const PREFER_NOT_TO_SAY = 'prefer_not_to_say';
export const NOT_ANSWERED = 'not_answered';

/** Every category a report lists for a characteristic, in a fixed order (absent ones too, so a report's shape never depends on its data). */
export const categoriesOf = (c: Characteristic): string[] => [...CHARACTERISTICS[c].options, PREFER_NOT_TO_SAY, NOT_ANSWERED];

/** The column of each characteristic in equality_declarations. */
export type DeclarationColumn = (typeof CHARACTERISTICS)[Characteristic]['column'];
