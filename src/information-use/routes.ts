import { z } from 'zod';
import { informationUsePdf } from '../documents/information-use-pdf';
import { route } from '../http/route';
import { informationUse } from './summary';

const tags = ['people', 'consent'];
const params = z.strictObject({ id: z.uuid() });

/** "How your information is used" (Caldicott 8, 4.1): the person's plain-English summary as JSON and as a PDF. */
export const informationUseRoutes = [
  route({
    method: 'GET', url: '/api/people/:id/information-use', action: 'person.information-use', tags, params,
    summary: "How this person's information is used, in plain words: notices, consents and withdrawals, purposes, disclosures, meeting notes given outside the staff team, who has looked (their case team and managers; audited)",
    handler: (ctx, { params: p }) => informationUse(ctx, p.id, 'json'),
  }),
  route({
    method: 'GET', url: '/api/people/:id/information-use.pdf', action: 'person.information-use', tags, params,
    summary: 'The same summary as a printable A4 PDF to give the person (audited)',
    handler: async (ctx, { params: p, reply }) => {
      const pdf = await informationUsePdf(await informationUse(ctx, p.id, 'pdf'));
      reply.header('content-disposition', `attachment; filename="how-your-information-is-used-${p.id}.pdf"`);
      reply.type('application/pdf');
      return pdf;
    },
  }),
];
