import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-aria-components';
import { ApiError } from './api/client';
import { App } from './App';
import { navigate } from './router';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    // A refusal or a missing record will not change by asking again; a network hiccup might.
    queries: { retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2, refetchOnWindowFocus: false },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider navigate={(to) => navigate(to)}>
        <App />
      </RouterProvider>
    </QueryClientProvider>
  </StrictMode>,
);
