import { z } from 'zod';

/** The body with which a third party acknowledges the confidentiality terms through a link: their typed name and the date. */
export const linkAcknowledgeBody = z.strictObject({
  typedName: z.string().trim().min(1).max(200),
  date: z.iso.date(),
});
export type LinkAcknowledgeInput = z.infer<typeof linkAcknowledgeBody>;

/** The token of an acknowledgement link, as it appears in its URL (anything else is refused before any lookup). */
export const linkTokenParams = z.strictObject({ token: z.string().min(10).max(100) });
