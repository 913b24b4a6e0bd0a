import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { api, call } from '../../api/client';
import { Button, ProblemMessage, formatDateTime } from '../../components/ui';
import type { Attendee, Meeting } from './shared';

/** What the API answers when it issues a link: the address to send (shown once, never stored here) and its expiry. */
interface IssuedLink { url: string; expiresAt: string }

/**
 * The one-time link for an external attendee who has not acknowledged confidentiality (practice 3): created on
 * request and shown to copy, with when it stops working — as the disclosure page does for its recipient. The link
 * shows the attendee only the terms until they accept with their name as recorded here; then it gives them this
 * meeting's notes once. A link still waiting is said, and a new one replaces it.
 */
export function AttendeeLink({ meeting, a }: { meeting: Meeting; a: Attendee }) {
  const queryClient = useQueryClient();
  const [link, setLink] = useState<IssuedLink | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [copied, setCopied] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const issue = async () => {
    setError(null);
    setCopied(false);
    try {
      setLink(await call<IssuedLink>(api.POST('/api/meetings/{id}/attendees/{attendeeId}/acknowledgement-link', {
        params: { path: { id: meeting.id, attendeeId: a.id } }, body: {},
      })));
      await queryClient.invalidateQueries({ queryKey: ['meeting', meeting.id] });
      setTimeout(() => box.current?.focus());
    } catch (err) {
      setError(err);
    }
  };
  const waiting = !link && a.linkExpiresAt && new Date(a.linkExpiresAt) > new Date() ? a.linkExpiresAt : null;
  return (
    <>
      {link ? (
        <div ref={box} tabIndex={-1} className="link-box" role="group" aria-label={`Link for ${a.name}`}>
          <p className="alert-title">Link ready — send it to {a.name}</p>
          <label className="field"><span>Acknowledgement link</span><input readOnly value={link.url} className="link-url" onFocus={(e) => e.currentTarget.select()} /></label>
          <p className="hint">Works once, until {formatDateTime(link.expiresAt)}. It shows only the terms until they accept with their name as recorded here, then this meeting’s notes once. A new link replaces this one.</p>
          <div className="actions">
            <Button variant="secondary" className="small" onPress={() => navigator.clipboard?.writeText(link.url).then(() => setCopied(true))}>{copied ? 'Copied' : 'Copy link'}</Button>
          </div>
        </div>
      ) : waiting ? <p className="hint">A link was sent; it works until {formatDateTime(waiting)}.</p> : null}
      {!link ? (
        <div className="actions">
          <Button variant="secondary" className="small" onPress={() => void issue()}>{waiting ? 'Send them a new link' : 'Send them a link'}<span className="visually-hidden">: {a.name}</span></Button>
        </div>
      ) : null}
      <ProblemMessage error={error} />
    </>
  );
}
