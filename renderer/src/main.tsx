import { StrictMode, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from '../../src/api/client';
import { QueryClientProvider } from '@tanstack/react-query';
import { App } from './App';
import { createQueryClient } from './api/queries';
import { ClientContext } from './api/client-context';
import { chooseTransport } from './api/choose-transport';
import { refreshingClient } from './api/refresh-after-moves';
import './styles.css';

function Root() {
  const [disconnected, setDisconnected] = useState<string | null>(null);
  const [queryClient] = useState(createQueryClient);
  const client = useMemo(() => {
    let onDrop: (reason: string) => void = () => undefined;
    const { transport } = chooseTransport({
      onDisconnect: (reason) => onDrop(reason),
      onReconnect: () => setDisconnected(null),
    });
    const c = createClient(transport);
    onDrop = (reason) => {
      c.failAll(reason);
      setDisconnected(reason);
    };
    return refreshingClient(c, queryClient);
  }, [queryClient]);
  useEffect(() => {
    client.ready().catch((e: Error) => setDisconnected(e.message));
  }, [client]);
  return (
    <ClientContext.Provider value={client}>
      <QueryClientProvider client={queryClient}>
        <App disconnected={disconnected} />
      </QueryClientProvider>
    </ClientContext.Provider>
  );
}

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
