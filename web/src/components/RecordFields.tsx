import type { ReactNode } from 'react';
import type { Restricted } from '../api/models';
import { fieldLabel } from '../labels';
import { RestrictedValue } from './access';

/**
 * A record's fields as a description list: the values the API sent, and in their place the fields it listed as
 * restricted, each with its reason and the way to ask for access. The app never decides which is which.
 */
export function RecordFields({ record, fields, data, restricted, canRequest, format }: {
  record: { type: 'person' | 'case' | 'organisation'; id: string };
  fields: readonly string[];
  data: Record<string, unknown>;
  restricted: readonly Restricted[];
  canRequest: boolean;
  format?: Partial<Record<string, (v: unknown) => ReactNode>>;
}) {
  return (
    <dl className="fields">
      {fields.map((f) => {
        const r = restricted.find((x) => x.field === f);
        if (!r && !(f in data)) return null;
        const value = data[f];
        return (
          <div key={f} className={`field-row ${r ? 'is-restricted' : ''}`}>
            <dt>{fieldLabel(f)}</dt>
            <dd>
              {r ? <RestrictedValue record={record} restricted={r} canRequest={canRequest} /> : value === null || value === undefined || value === '' ? <span className="muted">Not recorded</span> : format?.[f] ? format[f]!(value) : <span className="value">{String(value)}</span>}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}
