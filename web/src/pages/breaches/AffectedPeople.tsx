import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ComboBox, Input, Label, ListBox, ListBoxItem, Popover, Text } from 'react-aria-components';
import { api, call, ifMatch } from '../../api/client';
import type { Page, PersonSummary } from '../../api/models';
import { Button, Link, ProblemMessage, personName } from '../../components/ui';
import type { BreachView } from './types';

/**
 * The person records a breach affected, where known (clause 5; Art 34 needs them to be told of a high risk): linked
 * from the people the manager may find (the API's need-to-know search), unlinked again. Those linked whom the viewer
 * may not see are only counted (the API never names them).
 */
export function AffectedPeople({ view }: { view: BreachView }) {
  const queryClient = useQueryClient();
  const linked = view.handling!.affectedPeople;
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const t = setTimeout(() => setQ(text.trim()), 250);
    return () => clearTimeout(t);
  }, [text]);
  const found = useQuery({
    queryKey: ['people', 'pick', q],
    queryFn: () => call<Page<PersonSummary>>(api.GET('/api/people', { params: { query: { q, limit: 8 } } })),
    enabled: q.length > 0,
  });
  // Nothing is offered while the box is empty — not the last search's answer, nor "nobody has that name": an empty
  // box keeps no list open to swallow the next click (as after choosing someone, when the box is emptied).
  const searching = text.trim().length > 0;
  const items = (searching && q ? found.data?.items ?? [] : []).filter((p) => !linked.people.some((l) => l.id === p.id));
  const change = async (body: { add?: string[]; remove?: string[] }) => {
    setError(null);
    try {
      await call(api.POST('/api/breaches/{id}/people', { params: { path: { id: view.data.id } }, body, headers: ifMatch(view.version) }));
      setText('');
      await queryClient.invalidateQueries({ queryKey: ['breach', view.data.id] });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div className="panel">
      <h2>People affected</h2>
      {linked.linked ? (
        <ul className="plain-list affected-list">
          {linked.people.map((p) => (
            <li key={p.id}>
              <Link href={`/people/${p.id}`}>{p.name}</Link>{' '}
              <Button variant="quiet" className="small" onPress={() => change({ remove: [p.id] })}>Unlink<span className="visually-hidden"> {p.name}</span></Button>
            </li>
          ))}
          {linked.restricted ? <li className="muted">{linked.restricted} more you may not see</li> : null}
        </ul>
      ) : <p className="muted">No person records linked yet.</p>}
      <ComboBox className="field" items={items} inputValue={text} onInputChange={setText} selectedKey={null} menuTrigger="input" allowsEmptyCollection={searching}
        onSelectionChange={(k) => {
          if (!k) return;
          // Chosen: the box empties at once and its list closes; the person is linked.
          setText('');
          setQ('');
          void change({ add: [String(k)] });
        }}>
        <Label>Link a person’s record</Label>
        <Text slot="description" className="hint">Type their first, family or preferred name.</Text>
        <Input />
        <Popover className="popover">
          <ListBox className="listbox" renderEmptyState={() => <p className="listbox-empty">{found.isFetching ? 'Searching…' : 'Nobody you may see has that name.'}</p>}>
            {(p: PersonSummary) => <ListBoxItem id={p.id} textValue={personName(p)} className="listbox-item">{personName(p)}</ListBoxItem>}
          </ListBox>
        </Popover>
      </ComboBox>
      <ProblemMessage error={error} />
    </div>
  );
}
