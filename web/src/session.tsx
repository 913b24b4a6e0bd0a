import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { ApiError, api, call, onSessionExpired, setCsrfToken } from './api/client';
import type { Me } from './api/models';

/** The signed-in user, or null when signed out. Keeps the CSRF token current for writes. */
export function useMeQuery() {
  return useQuery({
    queryKey: ['me'],
    queryFn: async () => {
      try {
        const me = await call<Me>(api.GET('/api/auth/me'));
        setCsrfToken(me.csrfToken);
        return me;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          setCsrfToken(null);
          return null;
        }
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

interface SessionState {
  me: Me;
  /** Refetches the session after sign-in, password change or policy acceptance. */
  refresh: () => Promise<void>;
}
const SessionContext = createContext<SessionState | null>(null);

/** The signed-in user inside the app's pages (the gate guarantees there is one). */
export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside the signed-in app');
  return s;
}
export const SessionProvider = SessionContext.Provider;

/**
 * Why the user is looking at the sign-in page again, if not by choice: a request answered 401 because the session
 * ended (idle or maximum time, or revoked elsewhere). Everything cached is dropped.
 */
export function useSessionExpiry(): [string | null, (m: string | null) => void] {
  const queryClient = useQueryClient();
  const [message, setMessage] = useState<string | null>(null);
  useEffect(
    () =>
      onSessionExpired(() => {
        setCsrfToken(null);
        setMessage('Your session has ended, so you have been signed out. Sign in again to carry on.');
        queryClient.clear();
        queryClient.setQueryData(['me'], null);
      }),
    [queryClient],
  );
  return [message, setMessage];
}

export const hasRole = (me: Me, ...roles: string[]) => me.user.roles.some((r) => roles.includes(r));

/** Wraps children that need the session. */
export function WithSession({ value, children }: { value: SessionState; children: ReactNode }) {
  return <SessionProvider value={value}>{children}</SessionProvider>;
}
